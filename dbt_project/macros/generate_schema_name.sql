{#- Models land in schemas named exactly as configured in dbt_project.yml (`staging`,
    `intermediate`, `marts`, and `seeds` for seeds), not `<target schema>_<custom>` as dbt does
    by default: BI tools and the publish step address `marts.<table>`. A node without a
    configured schema goes to the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
