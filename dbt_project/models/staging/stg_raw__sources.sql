-- The source registry, one row per source.
with source as (

    select * from {{ source('raw', 'sources') }}

)

select
    source_code,
    opd_kode,
    opd_nama,
    format,
    timezone,
    landing
from source
