-- Published: NRR, NRR tertimbang, Nilai unsur (NRR x 25) and mutu per periode x OPD x unsur
-- (macros/nrr.sql published_nrr_columns, as ikm_kota_unsur for the city).
{{ config(**periode_config('periode')) }}

with nrr as (

    select * from {{ ref('int_nrr_opd_unsur') }}
    where {{ periode_filter('periode') }}

),

rounded as (

    select
        n.*,
        {{ nilai_unsur_published('n') }} as nilai_unsur_published
    from nrr as n

)

select
    r.periode,
    r.opd_kode,
    coalesce(o.opd_nama, r.opd_kode) as opd_nama,
    {{ published_nrr_columns('r') }}
from rounded as r
left join {{ ref('int_opd') }} as o
    on r.opd_kode = o.opd_kode
{{ join_mutu('r.nilai_unsur_published', 'k') }}
