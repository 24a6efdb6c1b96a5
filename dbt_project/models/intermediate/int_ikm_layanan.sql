-- IKM per periode x OPD x jenis layanan at full precision: sum over the nine unsur of
-- NRR x bobot. NULL when some unsur has no valid answer in the group (its NRR is undefined);
-- macros/nrr.sql.
{{ config(**periode_config('periode')) }}

with nrr as (

    {{ nrr_per_unsur(['periode', 'opd_kode', 'jenis_layanan']) }}

)

select
    periode,
    opd_kode,
    jenis_layanan,
    {{ ikm_of_nrr() }}
from nrr
group by periode, opd_kode, jenis_layanan
