-- Every staged raw row appears in int_responses_status exactly once (the run's semesters: the
-- others were checked when they were built and neither side changed since).
select r.response_id, count(s.response_id) as statuses
from {{ ref('stg_raw__responses') }} as r
left join {{ ref('int_responses_status') }} as s
    on r.response_id = s.response_id
   and {{ periode_filter('s.periode_declared') }}
where {{ periode_filter('r.periode_declared') }}
group by r.response_id
having count(s.response_id) <> 1
