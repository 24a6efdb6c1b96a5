-- Published: how sure is each published Nilai IKM? Per periode and city / OPD / OPD x jenis
-- layanan, a 95 % confidence interval around the published nilai_ikm (the regulation's value,
-- the mean of the NRR per unsur x 25). Its standard error is that of the mean of the
-- respondents' own scores (nilai_responden = mean of the unsur each answered x 25):
--   galat_baku = s / sqrt(n) x fpc,  fpc = sqrt((N - n) / (N - 1)) when the population N is known,
-- and the interval is nilai_ikm +- 1.96 x galat_baku (clamped to 25-100). When nobody leaves an
-- answer blank the two means are the same number; with blanks they differ slightly (shown in
-- nilai_rata_responden). The grade is certain (mutu_pasti) only when neither of two things can
-- change it: the sampling (mutu_pasti_sampel: the interval stays inside one mutu band; the
-- boundaries are the seed's) and the marked submissions (mutu_pasti_ditandai: counting them or
-- leaving them out gives the same mutu, ikm_sensitivitas.mutu_berubah). sebab_mutu_tidak_pasti
-- says which: 'sampel', 'ditandai' or 'sampel dan ditandai'; NULL when certain.
{{ config(**periode_config('periode')) }}

with respondents as (

    select * from {{ ref('int_skor_responden') }}
    where dihitung and nilai_responden is not null and {{ periode_filter('periode_declared') }}

),

stats as (

    select periode, 'kota' as level, cast(null as {{ dbt.type_string() }}) as opd_kode,
           cast(null as {{ dbt.type_string() }}) as jenis_layanan,
           count(*) as n, avg(nilai_responden) as rata, stddev_samp(nilai_responden) as sd
    from respondents
    group by periode

    union all

    select periode, 'opd' as level, opd_kode, cast(null as {{ dbt.type_string() }}) as jenis_layanan,
           count(*) as n, avg(nilai_responden) as rata, stddev_samp(nilai_responden) as sd
    from respondents
    group by periode, opd_kode

    union all

    select periode, 'layanan' as level, opd_kode, jenis_layanan,
           count(*) as n, avg(nilai_responden) as rata, stddev_samp(nilai_responden) as sd
    from respondents
    group by periode, opd_kode, jenis_layanan

),

published as (

    select periode, 'kota' as level, cast(null as {{ dbt.type_string() }}) as opd_kode,
           cast(null as {{ dbt.type_string() }}) as jenis_layanan, jumlah_responden, nilai_ikm, mutu
    from {{ ref('ikm_kota') }} where {{ periode_filter('periode') }}

    union all

    select periode, 'opd' as level, opd_kode, cast(null as {{ dbt.type_string() }}) as jenis_layanan,
           jumlah_responden, nilai_ikm, mutu
    from {{ ref('ikm_opd') }} where {{ periode_filter('periode') }}

    union all

    select periode, 'layanan' as level, opd_kode, jenis_layanan, jumlah_responden, nilai_ikm, mutu
    from {{ ref('ikm_layanan') }} where {{ periode_filter('periode') }}

),

opd_population as (

    select periode, opd_kode, populasi from {{ ref('int_populasi') }} where level = 'opd' and {{ periode_filter('periode') }}

),

city_population as (

    -- the city's N is known only when every OPD of the periode has one
    select
        o.periode,
        case when count(p.populasi) = count(*) then sum(p.populasi) end as populasi
    from (select distinct periode, opd_kode from published where level = 'opd') as o
    left join opd_population as p
        on o.periode = p.periode
       and o.opd_kode = p.opd_kode
    group by o.periode

),

population as (

    select periode, 'kota' as level, cast(null as {{ dbt.type_string() }}) as opd_kode,
           cast(null as {{ dbt.type_string() }}) as jenis_layanan, populasi
    from city_population

    union all

    select periode, level, opd_kode, jenis_layanan, populasi from {{ ref('int_populasi') }} where {{ periode_filter('periode') }}

),

joined as (

    select
        p.periode,
        p.level,
        p.opd_kode,
        p.jenis_layanan,
        p.jumlah_responden,
        p.nilai_ikm,
        p.mutu,
        s.rata as nilai_rata_responden,
        s.sd as simpangan_baku,
        n.populasi,
        case
            when n.populasi is null then null
            when n.populasi <= 1 or n.populasi <= s.n then 0.0
            else sqrt(cast(n.populasi - s.n as double) / (n.populasi - 1))
        end as fpc_faktor,
        s.sd / sqrt(cast(s.n as double))
            * coalesce(case
                when n.populasi is null then null
                when n.populasi <= 1 or n.populasi <= s.n then 0.0
                else sqrt(cast(n.populasi - s.n as double) / (n.populasi - 1))
            end, 1.0) as galat_baku_exact
    from published as p
    left join stats as s
        on {{ same_unit('p', 's') }}
    left join population as n
        on {{ same_unit('p', 'n') }}

),

bounds as (

    select
        *,
        {{ round_half_up('case when nilai_ikm - 1.96 * galat_baku_exact < 25 then 25 else nilai_ikm - 1.96 * galat_baku_exact end', 2) }} as ci_bawah,
        {{ round_half_up('case when nilai_ikm + 1.96 * galat_baku_exact > 100 then 100 else nilai_ikm + 1.96 * galat_baku_exact end', 2) }} as ci_atas
    from joined

),

sensitivity as (

    select periode, level, opd_kode, jenis_layanan, mutu_berubah
    from {{ ref('ikm_sensitivitas') }}
    where {{ periode_filter('periode') }}

),

graded as (

    select
        i.*,
        lo.mutu as mutu_ci_bawah,
        hi.mutu as mutu_ci_atas,
        case when i.ci_bawah is not null and i.ci_atas is not null then lo.mutu = hi.mutu end as mutu_pasti_sampel,
        not coalesce(m.mutu_berubah, false) as mutu_pasti_ditandai
    from bounds as i
    left join sensitivity as m
        on {{ same_unit('i', 'm') }}
    {{ join_mutu('i.ci_bawah', 'lo') }}
    {{ join_mutu('i.ci_atas', 'hi') }}

)

select
    periode,
    level,
    opd_kode,
    jenis_layanan,
    jumlah_responden,
    nilai_ikm,
    mutu,
    {{ round_half_up('nilai_rata_responden', 2) }} as nilai_rata_responden,
    {{ round_half_up('simpangan_baku', 4) }} as simpangan_baku,
    populasi,
    populasi is not null as fpc,
    {{ round_half_up('fpc_faktor', 6) }} as fpc_faktor,
    {{ round_half_up('galat_baku_exact', 4) }} as galat_baku,
    ci_bawah,
    ci_atas,
    mutu_ci_bawah,
    mutu_ci_atas,
    mutu_pasti_sampel,
    mutu_pasti_ditandai,
    -- NULL without an interval (fewer than 2 respondents), unless the marks already make it uncertain
    case
        when not mutu_pasti_ditandai then false
        else mutu_pasti_sampel
    end as mutu_pasti,
    case
        when mutu_pasti_sampel = false and not mutu_pasti_ditandai then 'sampel dan ditandai'
        when mutu_pasti_sampel = false then 'sampel'
        when not mutu_pasti_ditandai then 'ditandai'
    end as sebab_mutu_tidak_pasti
from graded
