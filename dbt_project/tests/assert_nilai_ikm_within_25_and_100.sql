-- Every published index lies on its scale under the weights the run used (int_unsur_bobot): IKM
-- within 1-4 and Nilai IKM within 25-100 times the sum of the weights, up to the rounding of the
-- published value. With the exact weights (what is published) that is 1-4 and 25-100; with the
-- legacy weights kept to reproduce old reports (var weight_mode '0.11', sum 0.99) 0.99-3.96 and
-- 24.75-99.00, which is where such an index really lies (all answers 1, all answers 4).
-- The one home of the range rule: the GX suites no longer repeat it (they do not know the weights).
with bounds as (
    select
        1 * sum(bobot) - 0.00005 as ikm_lo,
        4 * sum(bobot) + 0.00005 as ikm_hi,
        25 * sum(bobot) - 0.005 as lo,
        100 * sum(bobot) + 0.005 as hi
    from {{ ref('int_unsur_bobot') }}
),

published as (
    select 'ikm_layanan' as model, periode, opd_kode, jenis_layanan, ikm, nilai_ikm from {{ ref('ikm_layanan') }}
    union all
    select 'ikm_opd', periode, opd_kode, null, ikm, nilai_ikm from {{ ref('ikm_opd') }}
    union all
    select 'ikm_kota', periode, null, null, ikm, nilai_ikm from {{ ref('ikm_kota') }}
    union all
    select 'ikm_kota (rata OPD)', periode, null, null, ikm_rata_opd, nilai_ikm_rata_opd from {{ ref('ikm_kota') }}
)

select p.*
from published as p
cross join bounds as b
where p.nilai_ikm < b.lo or p.nilai_ikm > b.hi
   or p.ikm < b.ikm_lo or p.ikm > b.ikm_hi
