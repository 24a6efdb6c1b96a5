-- IKM per periode x OPD at full precision: sum over the nine unsur of NRR x bobot. NULL when
-- some unsur has no valid answer at all in the OPD and periode.
{{ config(**periode_config('periode')) }}

select
    periode,
    opd_kode,
    max(jumlah_responden) as jumlah_responden,
    count(nrr_tertimbang) as jumlah_unsur_terjawab,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) end as ikm,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) * 25 end as nilai_ikm
from {{ ref('int_nrr_opd_unsur') }}
where {{ periode_filter('periode') }}
group by periode, opd_kode
