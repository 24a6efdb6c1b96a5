-- ikm_kota is the pooled value of its OPD rows:
--   recomputed exactly from the score distribution of ikm_unsur (the pooled NRR per unsur =
--   sum of scores / answers over all OPDs), rounded the same way, it is the published nilai_ikm;
--   recomputed from the response-weighted OPD NRRs (published to 4 decimals) it is within 0.01;
--   its respondents and OPDs are those of ikm_opd.
with pooled_unsur as (
    select
        u.periode,
        u.unsur,
        cast(sum(1 * u.skor_1 + 2 * u.skor_2 + 3 * u.skor_3 + 4 * u.skor_4) as double)
            / nullif(sum(u.jumlah_jawaban), 0) as nrr_exact,
        sum(u.nrr * u.jumlah_jawaban) / nullif(sum(u.jumlah_jawaban), 0) as nrr_from_opd
    from {{ ref('ikm_unsur') }} as u
    group by u.periode, u.unsur
),

recomputed as (
    select
        p.periode,
        {{ round_half_up('sum(p.nrr_exact * b.bobot) * 25', 2) }} as nilai_exact,
        sum(p.nrr_from_opd * b.bobot) * 25 as nilai_from_opd
    from pooled_unsur as p
    inner join {{ ref('int_unsur_bobot') }} as b
        on p.unsur = b.unsur
    group by p.periode
),

opd as (
    select periode, count(*) as jumlah_opd, sum(jumlah_responden) as jumlah_responden
    from {{ ref('ikm_opd') }}
    group by periode
)

select k.periode, k.nilai_ikm, r.nilai_exact, r.nilai_from_opd, k.jumlah_responden, o.jumlah_responden as opd_responden,
       k.jumlah_opd, o.jumlah_opd as opd_count
from {{ ref('ikm_kota') }} as k
left join recomputed as r
    on k.periode = r.periode
left join opd as o
    on k.periode = o.periode
where k.nilai_ikm <> r.nilai_exact
   or abs(k.nilai_ikm - r.nilai_from_opd) > 0.01
   or k.jumlah_responden <> o.jumlah_responden
   or k.jumlah_opd <> o.jumlah_opd
   or o.periode is null
