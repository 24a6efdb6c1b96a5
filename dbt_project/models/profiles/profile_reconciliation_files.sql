-- One row per landed file version (any status) from the reconciliation mart, with the share of
-- its rows used, quarantined and duplicate: the profile the GX suite raw_load validates.
select
    source_code,
    periode_declared,
    file_name,
    file_sha256,
    file_status,
    cast(rows_read as bigint) as rows_read,
    cast(rows_used as bigint) as rows_used,
    cast(rows_quarantined as bigint) as rows_quarantined,
    cast(rows_duplicate as bigint) as rows_duplicate,
    case when rows_read > 0 then cast(rows_used as double) / rows_read end as used_share,
    case when rows_read > 0 then cast(rows_quarantined as double) / rows_read end as quarantine_share,
    case when rows_read > 0 then cast(rows_duplicate as double) / rows_read end as duplicate_share
from {{ ref('reconciliation') }}
