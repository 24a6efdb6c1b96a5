-- The city per periode at full precision, both ways the methodology asks for:
--   pooled (the headline): sum over unsur of the pooled NRR x bobot, every used response of the
--   city together (respondent-weighted);
--   rata_opd: the unweighted mean of the OPD indices.
{{ config(**periode_config('periode')) }}

with pooled as (

    select
        periode,
        {{ ikm_of_nrr() }}
    from {{ ref('int_nrr_kota_unsur') }}
    where {{ periode_filter('periode') }}
    group by periode

),

opd as (

    select
        periode,
        count(*) as jumlah_opd,
        count(ikm) as jumlah_opd_dengan_ikm,
        avg(ikm) as ikm_rata_opd
    from {{ ref('int_ikm_opd') }}
    where {{ periode_filter('periode') }}
    group by periode

)

select
    p.periode,
    o.jumlah_opd,
    o.jumlah_opd_dengan_ikm,
    p.jumlah_responden,
    p.jumlah_unsur_terjawab,
    p.ikm,
    p.nilai_ikm,
    o.ikm_rata_opd,
    o.ikm_rata_opd * 25 as nilai_ikm_rata_opd
from pooled as p
inner join opd as o
    on p.periode = o.periode
