-- Every staged raw row appears in int_responses_status exactly once, and int_responses_status
-- holds no other row (so its response_id is unique and each one a staged row), in the run's
-- semesters: the others were checked when they were built and neither side changed since.

-- One full outer join on response_id checks what three tests did (this left join, and `unique`
-- and `relationships` to stg_raw__responses on int_responses_status.response_id, each a pass over
-- 10 M rows at 10 M responses). A row is returned when either side has its response_id other
-- than once: staged without a status (statuses 0), a status twice (statuses 2: unique), a status
-- without a staged row (staged 0: relationships), or a NULL response_id (it never matches). A row
-- without periode_declared is always in scope, as in the generic tests it replaces.
with staged as (

    select response_id, count(*) as staged
    from {{ ref('stg_raw__responses') }}
    where periode_declared is null or {{ periode_filter('periode_declared') }}
    group by response_id

),

statuses as (

    select response_id, count(*) as statuses
    from {{ ref('int_responses_status') }}
    where periode_declared is null or {{ periode_filter('periode_declared') }}
    group by response_id

)

select
    coalesce(r.response_id, s.response_id) as response_id,
    coalesce(r.staged, 0) as staged,
    coalesce(s.statuses, 0) as statuses
from staged as r
full outer join statuses as s
    on r.response_id = s.response_id
where coalesce(r.staged, 0) <> 1
   or coalesce(s.statuses, 0) <> 1
