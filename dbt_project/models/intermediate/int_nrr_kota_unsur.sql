-- Pooled NRR per periode x unsur over every used response of the city (respondent-weighted:
-- the n-weighted mean of the OPD NRRs), at full precision.
{{ config(**periode_config('periode')) }}

with skor as (

    select
        periode,
        unsur,
        sum(jumlah_responden) as jumlah_responden,
        sum(jumlah_jawaban) as jumlah_jawaban,
        sum(jumlah_tidak_menjawab) as jumlah_tidak_menjawab,
        sum(jumlah_skor) as jumlah_skor,
        sum(skor_1) as skor_1,
        sum(skor_2) as skor_2,
        sum(skor_3) as skor_3,
        sum(skor_4) as skor_4
    from {{ ref('int_skor_layanan_unsur') }}
    where {{ periode_filter('periode') }}
    group by periode, unsur

)

select
    s.periode,
    s.unsur,
    b.urutan,
    b.unsur_nama,
    s.jumlah_responden,
    s.jumlah_jawaban,
    s.jumlah_tidak_menjawab,
    s.jumlah_skor,
    s.skor_1,
    s.skor_2,
    s.skor_3,
    s.skor_4,
    b.bobot,
    cast(s.jumlah_skor as double) / nullif(s.jumlah_jawaban, 0) as nrr,
    cast(s.jumlah_skor as double) / nullif(s.jumlah_jawaban, 0) * b.bobot as nrr_tertimbang
from skor as s
inner join {{ ref('int_unsur_bobot') }} as b
    on s.unsur = b.unsur
