{#- A value pasted into SQL text as a string literal: the one way to do it in this project (the
    Python side has pipelines/sql.py). A data folder whose path holds a quote, a space or a
    non-ASCII letter is an ordinary path ("data Kota's Bontang").

    DuckDB (and standard SQL) doubles the quote. Spark does not: 'it''s' is two adjacent literals
    that Spark concatenates into "its", and with spark.sql.parser.escapedStringLiterals (our
    profile) a backslash is kept as it is. So on Spark the value goes between double quotes
    (a string there, not an identifier), or single ones when it holds a double quote. -#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'skm')(value | string)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    {{ return("'" ~ value | replace("'", "''") ~ "'") }}
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    {%- if '"' not in value and not value.endswith('\\') -%}
        {{ return('"' ~ value ~ '"') }}
    {%- elif "'" not in value and not value.endswith('\\') -%}
        {{ return("'" ~ value ~ "'") }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("cannot write this text as a Spark SQL literal (it holds both quote characters, or ends with a backslash): " ~ value) }}
    {%- endif -%}
{%- endmacro %}
