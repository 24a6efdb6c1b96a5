-- The unsur seed and the unsur_keys() macro (the lake's u_<key> columns) name the same nine unsur.
with macro_keys as (
    {% for k in unsur_keys() -%}
    select '{{ k }}' as unsur {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

seed_keys as (
    select unsur from {{ ref('unsur') }}
)

select coalesce(m.unsur, s.unsur) as unsur,
       case when m.unsur is null then 'in the seed only' else 'in unsur_keys() only' end as problem
from macro_keys as m
full outer join seed_keys as s
    on m.unsur = s.unsur
where m.unsur is null or s.unsur is null
