{#- The combination of `combination_of_columns` is unique in the model (rows with a NULL in any of
    them are compared as values: NULL = NULL). Use `config: where:` to restrict the rows. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
