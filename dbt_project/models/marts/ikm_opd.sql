-- Published: the IKM per periode x OPD (the unit's Laporan SKM headline), with its rank in the
-- city for the periode.
{{ config(**periode_config('periode')) }}

with ikm as (

    select
        i.*,
        {{ round_half_up('i.nilai_ikm', 2) }} as nilai_ikm_published
    from {{ ref('int_ikm_opd') }} as i
    where {{ periode_filter('i.periode') }}

)

select
    i.periode,
    i.opd_kode,
    coalesce(o.opd_nama, i.opd_kode) as opd_nama,
    {{ published_ikm_columns('i') }},
    -- bigint on both engines (Spark's rank() is an int, DuckDB's a bigint): the published type
    cast(rank() over (partition by i.periode order by i.nilai_ikm_published desc nulls last) as bigint) as peringkat
from ikm as i
left join {{ ref('int_opd') }} as o
    on i.opd_kode = o.opd_kode
{{ join_mutu('i.nilai_ikm_published', 'k') }}
