-- Published: the city per periode. nilai_ikm (the headline) pools every used response of the
-- city; nilai_ikm_rata_opd is the unweighted mean of the OPD indices, rounded at the end.
{{ config(**periode_config('periode')) }}

with kota as (

    select
        i.*,
        {{ round_half_up('i.nilai_ikm', 2) }} as nilai_ikm_published,
        {{ round_half_up('i.nilai_ikm_rata_opd', 2) }} as nilai_ikm_rata_opd_published
    from {{ ref('int_ikm_kota') }} as i
    where {{ periode_filter('i.periode') }}

)

select
    i.periode,
    i.jumlah_opd,
    i.jumlah_responden,
    {{ round_half_up('i.ikm', 4) }} as ikm,
    i.nilai_ikm_published as nilai_ikm,
    k.mutu,
    k.kinerja,
    {{ round_half_up('i.ikm_rata_opd', 4) }} as ikm_rata_opd,
    i.nilai_ikm_rata_opd_published as nilai_ikm_rata_opd,
    kr.mutu as mutu_rata_opd,
    kr.kinerja as kinerja_rata_opd,
    i.jumlah_opd_dengan_ikm
from kota as i
{{ join_mutu('i.nilai_ikm_published', 'k') }}
{{ join_mutu('i.nilai_ikm_rata_opd_published', 'kr') }}
