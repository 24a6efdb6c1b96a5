-- Published: NRR, NRR tertimbang, Nilai unsur (NRR x 25) and mutu per periode x OPD x unsur.
{{ config(**periode_config('periode')) }}

with nrr as (

    select * from {{ ref('int_nrr_opd_unsur') }}
    where {{ periode_filter('periode') }}

),

rounded as (

    select
        n.*,
        {{ round_half_up('n.nrr * 25', 2) }} as nilai_unsur_published
    from nrr as n

)

select
    r.periode,
    r.opd_kode,
    coalesce(o.opd_nama, r.opd_kode) as opd_nama,
    r.unsur,
    r.urutan,
    r.unsur_nama,
    r.jumlah_responden,
    r.jumlah_jawaban,
    r.jumlah_tidak_menjawab,
    r.skor_1,
    r.skor_2,
    r.skor_3,
    r.skor_4,
    {{ round_half_up('r.nrr', 4) }} as nrr,
    {{ round_half_up('r.bobot', 4) }} as bobot,
    {{ round_half_up('r.nrr_tertimbang', 4) }} as nrr_tertimbang,
    r.nilai_unsur_published as nilai_unsur,
    k.mutu,
    k.kinerja
from rounded as r
left join {{ ref('int_opd') }} as o
    on r.opd_kode = o.opd_kode
{{ join_mutu('r.nilai_unsur_published', 'k') }}
