-- Published: the ingest file log (no personal data: file names, counts, statuses, messages).
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
    ingested_at
from {{ ref('stg_raw__ingest_files') }}
