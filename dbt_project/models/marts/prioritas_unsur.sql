-- Published: the improvement priorities of each OPD per periode: its nine unsur ranked from the
-- lowest Nilai unsur (prioritas 1 = improve first; ties by the regulation's order), with the
-- previous semester's Nilai unsur and the change. A full table (every run sees every semester),
-- so the trend is right after a semester run too.
with unsur as (

    select periode, opd_kode, opd_nama, unsur, urutan, unsur_nama, jumlah_jawaban, nilai_unsur, mutu
    from {{ ref('ikm_unsur') }}

),

ranked as (

    select
        u.*,
        -- bigint on both engines (Spark's row_number() is an int): the published type
        cast(row_number() over (
            partition by u.periode, u.opd_kode
            order by case when u.nilai_unsur is null then 1 else 0 end, u.nilai_unsur, u.urutan
        ) as bigint) as prioritas
    from unsur as u

)

select
    r.periode,
    r.opd_kode,
    r.opd_nama,
    r.prioritas,
    r.unsur,
    r.urutan,
    r.unsur_nama,
    r.jumlah_jawaban,
    r.nilai_unsur,
    r.mutu,
    {{ periode_sebelumnya('r.periode') }} as periode_sebelumnya,
    p.nilai_unsur as nilai_unsur_sebelumnya,
    r.nilai_unsur - p.nilai_unsur as selisih
from ranked as r
left join unsur as p
    on p.periode = {{ periode_sebelumnya('r.periode') }}
   and p.opd_kode = r.opd_kode
   and p.unsur = r.unsur
