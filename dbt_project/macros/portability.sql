{#- Engine portability. Everything engine-specific (timestamp parsing, timezone conversion,
    regular expressions) sits in the `duckdb__` implementations in this folder; models and
    intermediates are otherwise plain SQL. To run on another engine (Spark), add `spark__`
    versions of these macros:
      submitted_at_wita, normalise_label, normalise_usia_label, numeric_text_value,
      leading_number, usia_tahun, mask_personal_data, mask_personal_text.
    round_half_up (cast to DECIMAL, then round) and periode_label are portable as written.
    Without an implementation for the adapter, the default__ below stops compilation with a
    clear message rather than running DuckDB SQL elsewhere. -#}
{% macro not_ported(name) -%}
    {{ exceptions.raise_compiler_error("macro " ~ name ~ " has no implementation for adapter '" ~ adapter.type() ~ "': add " ~ adapter.type() ~ "__" ~ name ~ " in macros/") }}
{%- endmacro %}

{% macro default__submitted_at_wita(raw_expr, tz_expr) %}{{ not_ported('submitted_at_wita') }}{% endmacro %}
{% macro default__normalise_label(expr) %}{{ not_ported('normalise_label') }}{% endmacro %}
{% macro default__normalise_usia_label(expr) %}{{ not_ported('normalise_usia_label') }}{% endmacro %}
{% macro default__numeric_text_value(expr) %}{{ not_ported('numeric_text_value') }}{% endmacro %}
{% macro default__leading_number(expr) %}{{ not_ported('leading_number') }}{% endmacro %}
{% macro default__usia_tahun(expr) %}{{ not_ported('usia_tahun') }}{% endmacro %}
{% macro default__mask_personal_data(expr) %}{{ not_ported('mask_personal_data') }}{% endmacro %}
{% macro default__mask_personal_text(expr) %}{{ not_ported('mask_personal_text') }}{% endmacro %}
