-- One row per OPD code of the registry with its name (two sources of one OPD share the code; the
-- alphabetically first name is kept).
select
    opd_kode,
    min(opd_nama) as opd_nama,
    count(*) as jumlah_sumber
from {{ ref('stg_raw__sources') }}
where opd_kode is not null
group by opd_kode
