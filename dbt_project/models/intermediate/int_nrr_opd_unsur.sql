-- NRR per periode x OPD x unsur at full precision: sum of valid scores / number of used
-- responses that answered the unsur (blank and "tidak tahu" excluded from both); macros/nrr.sql.
{{ config(**periode_config('periode')) }}

{{ nrr_per_unsur(['periode', 'opd_kode']) }}
