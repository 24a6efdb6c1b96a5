{#- Survey timestamps. Every published time is WITA (Asia/Makassar), as a TIMESTAMP without zone. -#}

{#- The survey time -> TIMESTAMP in WITA, NULL when it cannot be read. The input is the loader's
    `submitted_at_iso` (pipelines/ingest/dates.py decides each file's day/month order and writes
    ISO 8601; reading d/m/y texts has that one home):
    - with 'Z' or an offset ('2025-03-05T02:15:22Z', '2025-03-05T10:15:22+08:00'): an instant,
      converted to WITA;
    - without: a local time in `tz_expr` (the source's timezone from the registry; NULL is read as
      WITA, the registry default), converted to WITA. ISO yyyy-mm-dd with ' ' or 'T',
      HH:MM:SS(.fff), HH:MM or no time.
    A timezone name the engine does not know gives NULL (the row is quarantined as
    unparseable_date) rather than failing the whole build. -#}
{% macro submitted_at_wita(iso_expr, tz_expr) -%}
    {{ return(adapter.dispatch('submitted_at_wita', 'skm')(iso_expr, tz_expr)) }}
{%- endmacro %}

{% macro duckdb__submitted_at_wita(iso_expr, tz_expr) -%}
    case
        when regexp_matches({{ iso_expr }}, '[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('Asia/Makassar', try_cast({{ iso_expr }} as timestamptz))
        when coalesce({{ tz_expr }}, 'Asia/Makassar') in (select name from pg_timezone_names())
            then timezone('Asia/Makassar', timezone(coalesce({{ tz_expr }}, 'Asia/Makassar'),
                {#- a format that does not match costs ~3 us a row: the loader's own form first -#}
                coalesce(try_strptime({{ iso_expr }}, '%Y-%m-%d %H:%M:%S'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%d %H:%M:%S.%f'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%d %H:%M'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%d'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%dT%H:%M:%S'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%dT%H:%M:%S.%f'),
                         try_strptime({{ iso_expr }}, '%Y-%m-%dT%H:%M'))))
    end
{%- endmacro %}

{#- Semester label of a WITA timestamp: 'YYYY-S1' for January-June, 'YYYY-S2' for July-December. -#}
{% macro periode_label(ts_expr) -%}
    {{ return(adapter.dispatch('periode_label', 'skm')(ts_expr)) }}
{%- endmacro %}

{% macro default__periode_label(ts_expr) -%}
    cast(extract(year from {{ ts_expr }}) as {{ dbt.type_string() }})
        || case when extract(month from {{ ts_expr }}) <= 6 then '-S1' else '-S2' end
{%- endmacro %}
