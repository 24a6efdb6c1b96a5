-- Published: per ingest file log row, what became of its rows. A loaded file is balanced when
-- rows_read (the ingest count) = rows_used + rows_quarantined + rows_duplicate; a file that is
-- not loaded (replaced, removed, duplicate_file, error) is balanced when none of its rows count.
with files as (

    select * from {{ ref('stg_raw__ingest_files') }}

),

counts as (

    select
        source_code,
        file_sha256,
        count(*) as rows_in_lake,
        sum(case when status = 'used' then 1 else 0 end) as rows_used,
        sum(case when status = 'quarantined' then 1 else 0 end) as rows_quarantined,
        sum(case when status = 'duplicate' then 1 else 0 end) as rows_duplicate
    from {{ ref('int_responses_status') }}
    group by source_code, file_sha256

),

joined as (

    select
        f.source_code,
        f.file_name,
        f.file_sha256,
        f.periode_declared,
        f.status as file_status,
        f.message,
        f.ingested_at,
        f.rows_read,
        f.rows_blank,
        coalesce(c.rows_in_lake, 0) as rows_in_lake,
        coalesce(c.rows_used, 0) as rows_used,
        coalesce(c.rows_quarantined, 0) as rows_quarantined,
        coalesce(c.rows_duplicate, 0) as rows_duplicate,
        f.is_loaded
    from files as f
    left join counts as c
        on f.is_loaded
       and f.source_code = c.source_code
       and f.file_sha256 = c.file_sha256

)

select
    source_code,
    file_name,
    file_sha256,
    periode_declared,
    file_status,
    message,
    ingested_at,
    rows_read,
    rows_blank,
    rows_in_lake,
    rows_used,
    rows_quarantined,
    rows_duplicate,
    case
        when is_loaded then coalesce(rows_read = rows_used + rows_quarantined + rows_duplicate, false)
        else rows_used + rows_quarantined + rows_duplicate = 0
    end as is_balanced
from joined
