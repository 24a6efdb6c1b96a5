{#- Text normalisation shared by the answer and demographic lookups. The seeds hold labels in
    any spelling; both sides of every lookup go through `normalise_label`, so a seed author does
    not have to pre-normalise. Engine-specific (regular expressions): add `spark__` versions. -#}

{#- lower case, single-spaced (tabs, line breaks and the non-breaking space count as spaces), no
    spaces around '/' or '-' ("SMA / SMK" = "sma/smk", "Laki - laki" = "laki-laki"); '' -> NULL -#}
{% macro normalise_label(expr) -%}
    {{ return(adapter.dispatch('normalise_label', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__normalise_label(expr) -%}
    nullif(trim(regexp_replace(regexp_replace(lower({{ expr }}), '[\s\x{00A0}]+', ' ', 'g'), ' ?([/-]) ?', '\1', 'g')), '')
{%- endmacro %}

{#- A text that is only a number ('3', '3.0', '3,0', '-1', '7'): its value as DECIMAL, else NULL. -#}
{% macro numeric_text_value(expr) -%}
    {{ return(adapter.dispatch('numeric_text_value', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__numeric_text_value(expr) -%}
    case when regexp_full_match({{ expr }}, '[+-]?[0-9]{1,12}([.,][0-9]{1,6})?')
         then try_cast(replace({{ expr }}, ',', '.') as decimal(18, 6)) end
{%- endmacro %}

{#- A label led by its score ("4 - sangat sesuai", "4. sangat sesuai", "4) sangat sesuai",
    "4 sangat sesuai"): the leading number as INTEGER, else NULL. Expects a normalised label. -#}
{% macro leading_number(expr) -%}
    {{ return(adapter.dispatch('leading_number', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__leading_number(expr) -%}
    try_cast(nullif(regexp_extract({{ expr }}, '^([0-9]{1,6}) ?[-.):]? ?[a-z(]', 1), '') as integer)
{%- endmacro %}

{#- Age in years when the text is a whole number ("34", "34.0", "34 tahun"), else NULL. -#}
{% macro usia_tahun(expr) -%}
    {{ return(adapter.dispatch('usia_tahun', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__usia_tahun(expr) -%}
    case when regexp_full_match({{ expr }}, '[0-9]{1,3}(\.0+)?( ?(tahun|thn|th))?')
         then try_cast(regexp_extract({{ expr }}, '^[0-9]+', 0) as integer) end
{%- endmacro %}

{#- Personal data: the patterns live in one place, var `pii_patterns` (dbt_project.yml), which the
    publication gate (pipelines/pii.py, no_personal_data_in_marts) reads as well. Each is written
    for RE2 and Java alike, so these helpers only check that it can go into a SQL string literal
    the same way on both engines (Spark would read '' as two adjacent literals). -#}
{% macro pii_patterns() -%}
    {%- set patterns = var('pii_patterns') -%}
    {%- for p in patterns -%}
        {%- for text in [p['pattern'], p['replacement']] if "'" in text -%}
            {{ exceptions.raise_compiler_error("pii_patterns (" ~ p['shape'] ~ "): write a quote as \\x27, not '") }}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(patterns) }}
{%- endmacro %}

{#- Every shape as one alternative: one regular-expression pass tells whether a value holds any. -#}
{% macro pii_any_pattern() -%}
    {%- set parts = [] -%}
    {%- for p in pii_patterns() -%}{%- do parts.append('(?:' ~ p['pattern'] ~ ')') -%}{%- endfor -%}
    {{ return(parts | join('|')) }}
{%- endmacro %}

{#- Quarantine shows raw values; a value holding anything shaped like personal data (someone typed
    an e-mail, a phone number, a NIK or their name into an answer cell) is replaced whole, so that
    no personal data is published. -#}
{% macro mask_personal_data(expr) -%}
    {{ return(adapter.dispatch('mask_personal_data', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__mask_personal_data(expr) -%}
    case
        when regexp_matches({{ expr }}, '{{ pii_any_pattern() }}')
            then '[hidden: looks like personal data]'
        else {{ expr }}
    end
{%- endmacro %}

{#- An age band as typed ("31-40 tahun", "> 50 th"): normalised, without the trailing unit. -#}
{% macro normalise_usia_label(expr) -%}
    {{ return(adapter.dispatch('normalise_usia_label', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__normalise_usia_label(expr) -%}
    regexp_replace({{ normalise_label(expr) }}, ' ?(tahun|thn|th)$', '')
{%- endmacro %}

{#- Free text (saran / masukan) with the personal data in it replaced, the rest kept: each pattern of
    var pii_patterns replaced by its replacement text ("[nomor disamarkan]", ...), twice (a boundary
    character consumed by one match can hide an adjacent second number); only a text that holds
    any shape (one pass) goes through the replacements. -#}
{% macro mask_personal_text(expr) -%}
    {{ return(adapter.dispatch('mask_personal_text', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__mask_personal_text(expr) -%}
    {%- set patterns = pii_patterns() -%}
    case
        when regexp_matches({{ expr }}, '{{ pii_any_pattern() }}') then
            {% for p in patterns %}regexp_replace(regexp_replace({% endfor %}{{ expr }}
            {%- for p in patterns %}
                , '{{ p['pattern'] }}', '{{ p['replacement'] }}', 'g'), '{{ p['pattern'] }}', '{{ p['replacement'] }}', 'g')
            {%- endfor %}
        else {{ expr }}
    end
{%- endmacro %}
