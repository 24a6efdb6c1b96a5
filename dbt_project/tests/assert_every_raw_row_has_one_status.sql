-- Every staged raw row appears in int_responses_status exactly once.
select r.response_id, count(s.response_id) as statuses
from {{ ref('stg_raw__responses') }} as r
left join {{ ref('int_responses_status') }} as s
    on r.response_id = s.response_id
group by r.response_id
having count(s.response_id) <> 1
