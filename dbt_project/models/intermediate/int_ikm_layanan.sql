-- IKM per periode x OPD x jenis layanan at full precision: sum over the nine unsur of
-- NRR x bobot. NULL when some unsur has no valid answer in the group (its NRR is undefined).
{{ config(**periode_config('periode')) }}

with nrr as (

    select
        s.periode,
        s.opd_kode,
        s.jenis_layanan,
        s.unsur,
        s.jumlah_responden,
        s.jumlah_jawaban,
        cast(s.jumlah_skor as double) / nullif(s.jumlah_jawaban, 0) * b.bobot as nrr_tertimbang
    from {{ ref('int_skor_layanan_unsur') }} as s
    inner join {{ ref('int_unsur_bobot') }} as b
        on s.unsur = b.unsur
    where {{ periode_filter('s.periode') }}

)

select
    periode,
    opd_kode,
    jenis_layanan,
    max(jumlah_responden) as jumlah_responden,
    count(nrr_tertimbang) as jumlah_unsur_terjawab,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) end as ikm,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) * 25 end as nilai_ikm
from nrr
group by periode, opd_kode, jenis_layanan
