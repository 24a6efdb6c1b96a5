-- The RTL file log, one row per landed RTL file (pipelines/ingest/rtl.py).
select
    file_name,
    file_sha256,
    periode_declared,
    file_bytes,
    status,
    message,
    rows_read,
    rows_blank,
    ingested_at
from {{ source('raw', 'rtl_files') }}
