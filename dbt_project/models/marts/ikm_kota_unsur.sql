-- Published: the pooled NRR of each unsur for the city per periode (what ikm_kota is built from).
{{ config(**periode_config('periode')) }}

with nrr as (

    select
        n.*,
        {{ round_half_up('n.nrr * 25', 2) }} as nilai_unsur_published
    from {{ ref('int_nrr_kota_unsur') }} as n
    where {{ periode_filter('n.periode') }}

)

select
    n.periode,
    n.unsur,
    n.urutan,
    n.unsur_nama,
    n.jumlah_responden,
    n.jumlah_jawaban,
    n.jumlah_tidak_menjawab,
    n.skor_1,
    n.skor_2,
    n.skor_3,
    n.skor_4,
    {{ round_half_up('n.nrr', 4) }} as nrr,
    {{ round_half_up('n.bobot', 4) }} as bobot,
    {{ round_half_up('n.nrr_tertimbang', 4) }} as nrr_tertimbang,
    n.nilai_unsur_published as nilai_unsur,
    k.mutu,
    k.kinerja
from nrr as n
{{ join_mutu('n.nilai_unsur_published', 'k') }}
