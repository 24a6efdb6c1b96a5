{#- Spark versions of the engine-specific macros (dbt-spark; the `spark` target in profiles.yml).
    The profile sets spark.sql.parser.escapedStringLiterals, so regular expressions are written as
    on DuckDB (no doubled backslashes); Java's regex dialect accepts these patterns, but a
    replacement refers to a group as $1 where DuckDB (RE2) writes \1. A failed cast is NULL on
    Spark (ANSI mode off, the default) as try_cast is on DuckDB. -#}

{% macro spark__normalise_label(expr) -%}
    nullif(trim(regexp_replace(regexp_replace(lower({{ expr }}), '[\s\x{00A0}]+', ' '), ' ?([/-]) ?', '$1')), '')
{%- endmacro %}

{% macro spark__normalise_usia_label(expr) -%}
    regexp_replace({{ normalise_label(expr) }}, ' ?(tahun|thn|th)$', '')
{%- endmacro %}

{% macro spark__numeric_text_value(expr) -%}
    case when {{ expr }} rlike '^[+-]?[0-9]{1,12}([.,][0-9]{1,6})?$'
         then cast(replace({{ expr }}, ',', '.') as decimal(18, 6)) end
{%- endmacro %}

{% macro spark__leading_number(expr) -%}
    cast(nullif(regexp_extract({{ expr }}, '^([0-9]{1,6}) ?[-.):]? ?[a-z(]', 1), '') as integer)
{%- endmacro %}

{% macro spark__usia_tahun(expr) -%}
    case when {{ expr }} rlike '^[0-9]{1,3}(\.0+)?( ?(tahun|thn|th))?$'
         then cast(regexp_extract({{ expr }}, '^[0-9]+', 0) as integer) end
{%- endmacro %}

{#- The patterns of var pii_patterns (text_normalisation.sql); `rlike` finds, regexp_replace
    replaces every match; a replacement's group reference \1 is $1 in Java. -#}
{% macro spark__mask_personal_data(expr) -%}
    case
        when {{ expr }} rlike '{{ pii_any_pattern() }}'
            then '[hidden: looks like personal data]'
        else {{ expr }}
    end
{%- endmacro %}

{% macro spark__mask_personal_text(expr) -%}
    {%- set patterns = pii_patterns() -%}
    case
        when {{ expr }} rlike '{{ pii_any_pattern() }}' then
            {% for p in patterns %}regexp_replace(regexp_replace({% endfor %}{{ expr }}
            {%- for p in patterns %}
            {%- set replacement = p['replacement'] | replace('\\1', '$1') | replace('\\2', '$2') | replace('\\3', '$3') %}
                , '{{ p['pattern'] }}', '{{ replacement }}'), '{{ p['pattern'] }}', '{{ replacement }}')
            {%- endfor %}
        else {{ expr }}
    end
{%- endmacro %}

{#- As duckdb__submitted_at_wita: an instant when the text carries 'Z' or an offset, else a local
    time in the source's zone; both converted to a WITA wall-clock TIMESTAMP. The session time zone
    is UTC (profile), so a cast of an offset text is its UTC instant. -#}
{% macro spark__submitted_at_wita(raw_expr, tz_expr) -%}
    case
        when {{ raw_expr }} rlike '[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$'
            then from_utc_timestamp(cast(replace({{ raw_expr }}, ' ', 'T') as timestamp), 'Asia/Makassar')
        else from_utc_timestamp(to_utc_timestamp(coalesce(
                {%- for fmt in ['yyyy-MM-dd H:mm:ss', 'yyyy-MM-dd H:mm:ss.SSSSSS', 'yyyy-MM-dd H:mm:ss.SSS', 'yyyy-MM-dd H:mm', 'yyyy-MM-dd',
                                "yyyy-MM-dd'T'H:mm:ss", "yyyy-MM-dd'T'H:mm:ss.SSSSSS", "yyyy-MM-dd'T'H:mm:ss.SSS", "yyyy-MM-dd'T'H:mm"] %}
                to_timestamp({{ raw_expr }}, "{{ fmt }}"){{ ',' if not loop.last }}
                {%- endfor %}
             ), coalesce({{ tz_expr }}, 'Asia/Makassar')), 'Asia/Makassar')
    end
{%- endmacro %}

{#- Seeds on Spark: dbt-spark 1.11 passes every CSV value as a quoted binding, so an empty cell
    becomes the text 'None' instead of NULL (seen with populasi.jenis_layanan). This override
    writes the values as literals: empty -> NULL. Strings are quoted with ' (or " when the text
    holds a '; escapedStringLiterals leaves backslashes alone). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set col_name = agate_table.column_names[loop.index0] -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- elif value is number -%}
                        cast({{ value }} as {{ type }})
                    {%- else -%}
                        {%- set text = value | string -%}
                        {%- if "'" in text -%}
                            cast("{{ text }}" as {{ type }})
                        {%- else -%}
                            cast('{{ text }}' as {{ type }})
                        {%- endif -%}
                    {%- endif -%}
                    {{- ', ' if not loop.last -}}
                {%- endfor -%})
                {{- ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
