-- Every raw row of a loaded file exactly once, with its fate:
--   'quarantined' when it has any issue (int_response_issues);
--   among the rest, 'duplicate' when an earlier row of the same source and semester folder
--     (periode_declared) is the same submission:
--     the same non-empty submission_id, or, without a submission_id, identical content (raw
--     survey time, OPD, jenis layanan, the nine raw answers, raw demographics, saran, device and
--     respondent hash); "earlier" = file ingested first, then file name, then row number;
--   'used' otherwise (the first of each group of duplicates is used).
-- respondent_hash takes part in the comparison but does not leave this model.
-- Duplicates are looked for within one periode_declared so that a semester can be rebuilt on its
-- own (used rows have periode = periode_declared, so a duplicate by content, which repeats the
-- survey time, is always in the same semester; only a submission_id repeated in another
-- semester with another survey time is no longer a duplicate).
{{ config(**periode_config('periode_declared')) }}

with responses as (

    select * from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

issues as (

    select
        response_id,
        count(*) as issue_count,
        min(reason_code) as first_reason_code
    from {{ ref('int_response_issues') }}
    where {{ periode_filter('periode_declared') }}
    group by response_id

),

flagged as (

    select
        r.*,
        coalesce(i.issue_count, 0) as issue_count,
        i.first_reason_code
    from responses as r
    left join issues as i
        on r.response_id = i.response_id

),

by_submission_id as (

    select
        response_id,
        'submission_id' as duplicate_rule,
        first_value(response_id) over (
            partition by source_code, periode_declared, submission_id
            order by file_ingested_at, file_name, file_sha256, row_number
            rows between unbounded preceding and unbounded following
        ) as first_response_id
    from flagged
    where issue_count = 0
      and submission_id is not null

),

by_content as (

    select
        response_id,
        'content' as duplicate_rule,
        first_value(response_id) over (
            partition by
                source_code, periode_declared, opd_kode, submitted_at, jenis_layanan,
                {% for k in unsur_keys() -%} u_{{ k }}, {% endfor %}
                jenis_kelamin_raw, usia_raw, pendidikan_raw, pekerjaan_raw, saran,
                device_id, respondent_hash
            order by file_ingested_at, file_name, file_sha256, row_number
            rows between unbounded preceding and unbounded following
        ) as first_response_id
    from flagged
    where issue_count = 0
      and submission_id is null

),

deduplicated as (

    select * from by_submission_id
    union all
    select * from by_content

)

select
    f.response_id,
    f.source_code,
    f.file_name,
    f.file_sha256,
    f.periode_declared,
    f.row_number,
    case
        when f.issue_count > 0 then 'quarantined'
        when d.first_response_id <> f.response_id then 'duplicate'
        else 'used'
    end as status,
    f.issue_count,
    f.first_reason_code,
    case when d.first_response_id <> f.response_id then d.duplicate_rule end as duplicate_rule,
    case when d.first_response_id <> f.response_id then d.first_response_id end as duplicate_of
from flagged as f
left join deduplicated as d
    on f.response_id = d.response_id
