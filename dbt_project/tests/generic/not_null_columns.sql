{#- None of `columns` holds a NULL. One test and one pass over the model where a not_null test
    per column would scan it once each (and be one more dbt node and Dagster check each, a fixed
    cost of every run). A failure returns one row per column at fault with its count of NULLs.
    Use `config: where:` to restrict the rows. Portable: plain SUM(CASE), no FILTER/UNPIVOT. -#}
{% test not_null_columns(model, columns) %}

with nulls as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{% for column in columns %}
select '{{ column }}' as column_name, {{ column }} as null_rows from nulls where {{ column }} > 0
{% if not loop.last %}union all{% endif %}
{%- endfor %}

{% endtest %}
