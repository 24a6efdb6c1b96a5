{#- The RTL files' values (models/staging/stg_raw__rtl.sql). -#}

{#- `target waktu` as a DATE, NULL when it does not read. The template asks for 2025-12-31 or
    31/12/2025 (day first, as Indonesian dates are written; '-' and '.' separators too); an Excel
    date cell arrives as ISO text from the reader (with ' 00:00:00' when it had a time). A date
    that does not exist (31/02/2025) is NULL, and the row is quarantined. -#}
{% macro rtl_target_date(expr) -%}
    {%- set iso = '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})( [0-9:]+)?$' -%}
    {%- set dmy = '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$' -%}
    {{ safe_date(
        "case when regexp_extract(" ~ expr ~ ", '" ~ iso ~ "', 0) <> '' then concat(regexp_extract(" ~ expr ~ ", '" ~ iso ~ "', 1), '-', lpad(regexp_extract(" ~ expr ~ ", '" ~ iso ~ "', 2), 2, '0'), '-', lpad(regexp_extract(" ~ expr ~ ", '" ~ iso ~ "', 3), 2, '0'))"
        ~ " when regexp_extract(" ~ expr ~ ", '" ~ dmy ~ "', 0) <> '' then concat(regexp_extract(" ~ expr ~ ", '" ~ dmy ~ "', 3), '-', lpad(regexp_extract(" ~ expr ~ ", '" ~ dmy ~ "', 2), 2, '0'), '-', lpad(regexp_extract(" ~ expr ~ ", '" ~ dmy ~ "', 1), 2, '0'))"
        ~ " end") }}
{%- endmacro %}

{#- 'YYYY-MM-DD' text -> DATE, NULL for a date that does not exist. -#}
{% macro safe_date(expr) -%}
    {{ return(adapter.dispatch('safe_date', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__safe_date(expr) -%}
    try_cast({{ expr }} as date)
{%- endmacro %}

{#- Spark (not ANSI mode, the default) gives NULL for a text that is no date. -#}
{% macro spark__safe_date(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{% macro default__safe_date(expr) %}{{ not_ported('safe_date') }}{% endmacro %}

{#- The RTL status as written -> rencana | berjalan | selesai, NULL when it is none of them. -#}
{% macro rtl_status(expr) -%}
    case {{ normalise_label(expr) }}
        when 'rencana' then 'rencana'
        when 'direncanakan' then 'rencana'
        when 'belum' then 'rencana'
        when 'berjalan' then 'berjalan'
        when 'sedang berjalan' then 'berjalan'
        when 'proses' then 'berjalan'
        when 'dalam proses' then 'berjalan'
        when 'selesai' then 'selesai'
        when 'sudah selesai' then 'selesai'
        when 'tuntas' then 'selesai'
    end
{%- endmacro %}
