{{ config(severity='warn') }}
-- Informative: rows in the lake whose file is not 'loaded' in the ingest log (a leftover
-- Parquet file of a replaced or removed export). They are ignored; the ingest step should have
-- deleted the file. On a semester run (vars periode_from/periode_to) only that range of the lake
-- is read.
select r.source_code, r.file_sha256, count(*) as rows_ignored
from {{ source('raw', 'responses') }} as r
left join {{ ref('stg_raw__ingest_files') }} as f
    on f.is_loaded
   and r.source_code = f.source_code
   and r.file_sha256 = f.file_sha256
where f.source_code is null
  and {{ periode_filter('r.periode_declared') }}
group by r.source_code, r.file_sha256
