-- Every ingest file reconciles: a loaded file's rows_read = used + quarantined + duplicate (no
-- row lost or counted twice); a file that is not loaded has no row counted.
select source_code, file_name, file_status, rows_read, rows_in_lake, rows_used, rows_quarantined, rows_duplicate
from {{ ref('reconciliation') }}
where not is_balanced
