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

{#- Quarantine shows raw values; a value shaped like an e-mail, a phone number or a NIK (someone
    typed personal data into an answer cell) is replaced, so that no personal data is published.
    The patterns are those of the publication gate in pipelines/quality/checks.py. -#}
{% macro mask_personal_data(expr) -%}
    {{ return(adapter.dispatch('mask_personal_data', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__mask_personal_data(expr) -%}
    case
        when regexp_matches({{ expr }}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}')
          or regexp_matches({{ expr }}, '(\+62|\b08)[0-9 -]{8,14}\b')
          or regexp_matches({{ expr }}, '\b[0-9]{16}\b')
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

{#- Free text (saran / masukan) with the personal data in it replaced, the rest kept: e-mail
    addresses, phone numbers, 16-digit NIK, and the name after "nama saya" / "saya bernama" /
    "atas nama" / "a.n.". The patterns of mask_personal_data and the publication gate, except that a
    phone number must end on a digit (so the space after it is kept). -#}
{% macro mask_personal_text(expr) -%}
    {{ return(adapter.dispatch('mask_personal_text', 'skm')(expr)) }}
{%- endmacro %}

{% macro duckdb__mask_personal_text(expr) -%}
    regexp_replace(regexp_replace(regexp_replace(regexp_replace({{ expr }},
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '[email disamarkan]', 'g'),
        '(\+62|\b08)[0-9 -]{7,13}[0-9]\b', '[nomor disamarkan]', 'g'),
        '\b[0-9]{16}\b', '[NIK disamarkan]', 'g'),
        '(?i)\b(nama saya|saya bernama|atas nama|a\.n\.?)\s+[A-Za-z''.]+(\s+[A-Z][A-Za-z''.]*)*', '\1 [nama disamarkan]', 'g')
{%- endmacro %}
