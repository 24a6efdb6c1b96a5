-- respondent_hash (a hash of personal data) never leaves staging: no intermediate or mart
-- model has such a column. Read through the adapter (no information_schema on Spark); depends on
-- the marts so that it runs after them.
-- depends_on: {{ ref('ikm_kota') }}
{%- set hits = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.schema in ('intermediate', 'marts') -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) if column.name | lower == 'respondent_hash' -%}
                {%- do hits.append(node.schema ~ '.' ~ node.alias) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}
select relation_name
from (
    select 'none' as relation_name
    {%- for hit in hits %}
    union all select '{{ hit }}'
    {%- endfor %}
) as found
where relation_name <> 'none'
