-- The ingest file log, one row per landed file version ever seen.
with source as (

    select * from {{ source('raw', 'ingest_files') }}

)

select
    source_code,
    file_name,
    file_sha256,
    periode_declared,
    file_bytes,
    status,
    message,
    rows_read,
    rows_blank,
    config_sha,
    date_format,
    date_evidence,
    ingested_at,
    status = 'loaded' as is_loaded
from source
