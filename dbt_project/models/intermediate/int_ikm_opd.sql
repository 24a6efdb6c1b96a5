-- IKM per periode x OPD at full precision: sum over the nine unsur of NRR x bobot. NULL when
-- some unsur has no valid answer at all in the OPD and periode (macros/nrr.sql).
{{ config(**periode_config('periode')) }}

with nrr as (

    select * from {{ ref('int_nrr_opd_unsur') }}
    where {{ periode_filter('periode') }}

)

select
    periode,
    opd_kode,
    {{ ikm_of_nrr() }}
from nrr
group by periode, opd_kode
