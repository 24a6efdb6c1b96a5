-- A used response's survey semester is the semester folder of its file (a mismatch is
-- quarantined as periode_mismatch). Semester runs rely on it: row-level models are rebuilt by
-- periode_declared, the aggregates built from them by periode (macros/periode.sql).
select response_id, periode, periode_declared
from {{ ref('int_responses_used') }}
where (periode_declared is null or periode is null or periode <> periode_declared)
  -- a semester run checks its own semesters (the others were checked when they were built)
  and (periode_declared is null or {{ periode_filter('periode_declared') }})
