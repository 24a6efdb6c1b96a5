-- Published: the IKM per periode x OPD x jenis layanan.
{{ config(**periode_config('periode')) }}

with ikm as (

    select
        i.*,
        {{ round_half_up('i.nilai_ikm', 2) }} as nilai_ikm_published
    from {{ ref('int_ikm_layanan') }} as i
    where {{ periode_filter('i.periode') }}

)

select
    i.periode,
    i.opd_kode,
    coalesce(o.opd_nama, i.opd_kode) as opd_nama,
    i.jenis_layanan,
    {{ published_ikm_columns('i') }}
from ikm as i
left join {{ ref('int_opd') }} as o
    on i.opd_kode = o.opd_kode
{{ join_mutu('i.nilai_ikm_published', 'k') }}
