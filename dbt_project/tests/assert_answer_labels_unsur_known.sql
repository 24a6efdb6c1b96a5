-- answer_labels.unsur is an unsur key of the unsur seed or '*'.
select l.unsur, l.label
from {{ ref('answer_labels') }} as l
left join {{ ref('unsur') }} as u
    on l.unsur = u.unsur
where l.unsur <> '*'
  and u.unsur is null
