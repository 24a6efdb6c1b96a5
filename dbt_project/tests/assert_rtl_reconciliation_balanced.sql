-- Every RTL row read is used, quarantined or a duplicate, exactly once per loaded file, and no
-- row is in the lake without a loaded file (rtl_rekonsiliasi; blocks publication).
select file_name, 'rows read do not equal used + quarantined + duplicate' as problem
from {{ ref('rtl_rekonsiliasi') }}
where not seimbang

union all

select s.file_name, 'row in the lake without a loaded RTL file' as problem
from {{ ref('int_rtl_status') }} as s
left join {{ ref('stg_raw__rtl_files') }} as f
    on s.file_sha256 = f.file_sha256
   and f.status = 'loaded'
where f.file_sha256 is null
