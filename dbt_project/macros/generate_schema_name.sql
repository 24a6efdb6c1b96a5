{#- Models land in schemas named exactly as configured (`staging`, `intermediate`, `marts`,
    `seeds`), not `<target schema>_<custom>` as dbt does by default: BI tools and the publish step
    address `marts.<table>`. Without a configured schema a node goes to the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
