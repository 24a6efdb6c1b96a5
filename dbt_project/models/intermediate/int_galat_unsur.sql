-- The standard error of each published Nilai unsur (periode x OPD x unsur), by ikm_perubahan's
-- method (ketidakpastian_ikm): the standard error of the mean of the valid scores,
--   galat_baku = 25 x s / sqrt(n) x fpc,  fpc = sqrt((N - n) / (N - 1)) when the OPD's
-- population N is known (int_populasi), s the sample standard deviation of the n scores 1-4,
-- computed exactly from the published counts skor_1..skor_4 (so anyone can redo it from
-- ikm_unsur). NULL with fewer than two valid answers. hasil_tindak_lanjut reads it to say
-- whether an unsur's change after an action is larger than its uncertainty.
with counts as (

    select
        periode,
        opd_kode,
        unsur,
        cast(skor_1 + skor_2 + skor_3 + skor_4 as double) as n,
        cast(skor_1 + 2 * skor_2 + 3 * skor_3 + 4 * skor_4 as double) as jumlah,
        cast(skor_1 + 4 * skor_2 + 9 * skor_3 + 16 * skor_4 as double) as jumlah_kuadrat
    from {{ ref('int_nrr_opd_unsur') }}

),

population as (

    select periode, opd_kode, populasi
    from {{ ref('int_populasi') }}
    where level = 'opd'

),

stats as (

    select
        c.periode,
        c.opd_kode,
        c.unsur,
        c.n,
        case when c.n >= 2
            then (c.jumlah_kuadrat - c.jumlah * c.jumlah / c.n) / (c.n - 1)
        end as varians,
        p.populasi
    from counts as c
    left join population as p
        on c.periode = p.periode
       and c.opd_kode = p.opd_kode

)

select
    periode,
    opd_kode,
    unsur,
    n as jumlah_jawaban,
    populasi,
    case when varians is not null then
        25 * sqrt(greatest(varians, 0.0) / n)
        * case
            when populasi is null then 1.0
            when populasi <= 1 or populasi <= n then 0.0
            else sqrt(cast(populasi - n as double) / (populasi - 1))
        end
    end as galat_baku
from stats
