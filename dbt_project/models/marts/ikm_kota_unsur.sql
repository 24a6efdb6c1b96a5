-- Published: the pooled NRR of each unsur for the city per periode (what ikm_kota is built from);
-- the published columns as ikm_unsur's (macros/nrr.sql published_nrr_columns).
{{ config(**periode_config('periode')) }}

with nrr as (

    select
        n.*,
        {{ nilai_unsur_published('n') }} as nilai_unsur_published
    from {{ ref('int_nrr_kota_unsur') }} as n
    where {{ periode_filter('n.periode') }}

)

select
    n.periode,
    {{ published_nrr_columns('n') }}
from nrr as n
{{ join_mutu('n.nilai_unsur_published', 'k') }}
