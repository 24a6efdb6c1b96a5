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

{%- set content_columns -%}
    source_code, periode_declared, opd_kode, submitted_at, jenis_layanan,
    {{ unsur_columns('u_') }},
    jenis_kelamin_raw, usia_raw, pendidikan_raw, pekerjaan_raw, saran,
    device_id, respondent_hash
{%- endset %}

{#- The rows without an issue (only they can be used or duplicates), written out where used
    rather than as a CTE: DuckDB would materialise a CTE read three times, every column of
    every row. -#}
{%- set clean -%}
    (select r.*
     from {{ ref('stg_raw__responses') }} as r
     left join issues as i
         on r.response_id = i.response_id
     where i.response_id is null
       and {{ periode_filter('r.periode_declared') }})
{%- endset %}

with responses as (

    select * from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

answer_summary as (

    select * from {{ ref('int_answer_summary') }}
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

{#- Almost every row is alone in its group: count the groups by hash aggregation first and sort
    only the rows of groups with more than one row (a window over every row sorts millions). -#}
repeated_submission_ids as (

    select source_code, periode_declared, submission_id
    from {{ clean }} as c
    where submission_id is not null
    group by source_code, periode_declared, submission_id
    having count(*) > 1

),

repeated_contents as (

    -- a hash of the content picks the candidates (a collision only adds a candidate; the window
    -- below compares the columns themselves)
    select hash({{ content_columns }}) as content_hash
    from {{ clean }} as c
    where submission_id is null
    group by hash({{ content_columns }})
    having count(*) > 1

),

by_submission_id as (

    select
        c.response_id,
        'submission_id' as duplicate_rule,
        first_value(c.response_id) over (
            partition by c.source_code, c.periode_declared, c.submission_id
            order by c.file_ingested_at, c.file_name, c.file_sha256, c.row_number
            rows between unbounded preceding and unbounded following
        ) as first_response_id
    from {{ clean }} as c
    inner join repeated_submission_ids as k
        on c.source_code = k.source_code
       and c.periode_declared = k.periode_declared
       and c.submission_id = k.submission_id

),

by_content as (

    select
        c.response_id,
        'content' as duplicate_rule,
        first_value(c.response_id) over (
            partition by
                c.source_code, c.periode_declared, c.opd_kode, c.submitted_at, c.jenis_layanan,
                {{ unsur_columns('c.u_') }},
                c.jenis_kelamin_raw, c.usia_raw, c.pendidikan_raw, c.pekerjaan_raw, c.saran,
                c.device_id, c.respondent_hash
            order by c.file_ingested_at, c.file_name, c.file_sha256, c.row_number
            rows between unbounded preceding and unbounded following
        ) as first_response_id
    from {{ clean }} as c
    inner join repeated_contents as k
        on hash({{ content_columns }}) = k.content_hash
    where c.submission_id is null

),

deduplicated as (

    select * from by_submission_id
    union all
    select * from by_content

)

select
    r.response_id,
    r.source_code,
    r.file_name,
    r.file_sha256,
    r.periode_declared,
    r.row_number,
    case
        when i.issue_count > 0 then 'quarantined'
        when d.first_response_id <> r.response_id then 'duplicate'
        else 'used'
    end as status,
    coalesce(i.issue_count, 0) as issue_count,
    i.first_reason_code,
    case when d.first_response_id <> r.response_id then d.duplicate_rule end as duplicate_rule,
    case when d.first_response_id <> r.response_id then d.first_response_id end as duplicate_of,
    -- what the models after this one read, so that none of them joins the staged rows or the
    -- answer summary again (each such join is millions of rows on a text key)
    r.periode,
    r.opd_kode,
    r.jenis_layanan,
    r.submission_id,
    r.device_id,
    r.submitted_at_wita,
    r.jenis_kelamin,
    r.usia_kelompok,
    r.pendidikan,
    r.pekerjaan,
    {{ unsur_columns('r.u_') }},
    {{ unsur_columns('a.s_') }},
    a.jumlah_jawaban,
    a.jumlah_skor,
    a.skor_min,
    a.skor_max
from responses as r
left join issues as i
    on r.response_id = i.response_id
left join deduplicated as d
    on r.response_id = d.response_id
left join answer_summary as a
    on r.response_id = a.response_id
