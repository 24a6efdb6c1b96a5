-- ikm_unsur holds exactly the nine unsur for every OPD and periode of ikm_opd, and no other.
with unsur_rows as (
    select periode, opd_kode, count(*) as n, count(distinct unsur) as n_unsur
    from {{ ref('ikm_unsur') }}
    group by periode, opd_kode
),

opd as (
    select periode, opd_kode from {{ ref('ikm_opd') }}
)

select coalesce(o.periode, u.periode) as periode, coalesce(o.opd_kode, u.opd_kode) as opd_kode, u.n, u.n_unsur
from opd as o
full outer join unsur_rows as u
    on o.periode = u.periode
   and o.opd_kode = u.opd_kode
where o.opd_kode is null
   or u.opd_kode is null
   or u.n <> 9
   or u.n_unsur <> 9
