-- Pooled NRR per periode x unsur over every used response of the city (respondent-weighted:
-- the n-weighted mean of the OPD NRRs), at full precision; macros/nrr.sql.
{{ config(**periode_config('periode')) }}

{{ nrr_per_unsur(['periode']) }}
