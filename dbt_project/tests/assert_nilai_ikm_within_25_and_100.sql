-- Every published Nilai IKM lies within 25-100 times the sum of the weights (25-100 in the exact
-- mode; 24.75-99.00 with the legacy 0.11 weights).
with bounds as (
    select 25 * sum(bobot) - 0.005 as lo, 100 * sum(bobot) + 0.005 as hi
    from {{ ref('int_unsur_bobot') }}
),

published as (
    select 'ikm_layanan' as model, periode, opd_kode, jenis_layanan, nilai_ikm from {{ ref('ikm_layanan') }}
    union all
    select 'ikm_opd', periode, opd_kode, null, nilai_ikm from {{ ref('ikm_opd') }}
    union all
    select 'ikm_kota', periode, null, null, nilai_ikm from {{ ref('ikm_kota') }}
    union all
    select 'ikm_kota (rata OPD)', periode, null, null, nilai_ikm_rata_opd from {{ ref('ikm_kota') }}
)

select p.*
from published as p
cross join bounds as b
where p.nilai_ikm < b.lo or p.nilai_ikm > b.hi
