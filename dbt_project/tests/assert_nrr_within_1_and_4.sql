-- Every published NRR lies on the 1-4 scale.
select 'ikm_unsur' as model, periode, opd_kode, unsur, nrr
from {{ ref('ikm_unsur') }}
where nrr < 1 or nrr > 4
union all
select 'ikm_kota_unsur' as model, periode, null as opd_kode, unsur, nrr
from {{ ref('ikm_kota_unsur') }}
where nrr < 1 or nrr > 4
