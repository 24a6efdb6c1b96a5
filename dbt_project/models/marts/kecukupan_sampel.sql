-- Published: is the sample large enough? Per periode and OPD (level 'opd') or OPD x jenis
-- layanan (level 'layanan'): the population when known, the Krejcie & Morgan minimum sample, the
-- respondents counted in the published index, and whether that is enough. An unknown population
-- is never shown as adequate: memadai is NULL and the status says so.
with units as (

    select periode, 'opd' as level, opd_kode, cast(null as {{ dbt.type_string() }}) as jenis_layanan, jumlah_responden
    from {{ ref('ikm_opd') }}

    union all

    select periode, 'layanan' as level, opd_kode, jenis_layanan, jumlah_responden
    from {{ ref('ikm_layanan') }}

),

with_population as (

    select
        u.periode,
        u.level,
        u.opd_kode,
        u.jenis_layanan,
        p.populasi,
        {{ krejcie_morgan('p.populasi') }} as sampel_minimum,
        u.jumlah_responden
    from units as u
    left join {{ ref('int_populasi') }} as p
        on u.periode = p.periode
       and u.opd_kode = p.opd_kode
       and u.level = p.level
       and coalesce(u.jenis_layanan, '') = coalesce(p.jenis_layanan, '')

)

select
    periode,
    level,
    opd_kode,
    jenis_layanan,
    populasi,
    sampel_minimum,
    jumlah_responden,
    case when sampel_minimum is not null then jumlah_responden >= sampel_minimum end as memadai,
    case
        when sampel_minimum is null then 'populasi tidak diketahui'
        when jumlah_responden >= sampel_minimum then 'memadai'
        else 'kurang'
    end as status,
    case when sampel_minimum is not null and jumlah_responden < sampel_minimum
        then sampel_minimum - jumlah_responden end as kekurangan
from with_population
