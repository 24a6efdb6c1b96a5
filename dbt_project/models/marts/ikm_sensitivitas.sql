-- Published: the index with and without the marked (suspicious) responses, per periode and the
-- city / each OPD, whatever the policy: nilai_ikm_semua counts every used response,
-- nilai_ikm_tanpa_ditandai leaves the marked ones out; the published index (ikm_opd, ikm_kota)
-- is the one the policy (kebijakan) picks. Same formula as the published index: NRR per unsur =
-- sum of scores / answers, IKM = sum of NRR x bobot, x 25, rounded half up.
{{ config(**periode_config('periode')) }}

with respondents as (

    select * from {{ ref('int_skor_responden') }}
    where {{ periode_filter('periode_declared') }}

),

kelompok as (

    select periode, 'kota' as level, cast(null as {{ dbt.type_string() }}) as opd_kode, ditandai,
           {% for u in unsur_keys() -%}
           sum(s_{{ u }}) as jumlah_{{ u }}, count(s_{{ u }}) as n_{{ u }},
           {% endfor -%}
           count(*) as jumlah_responden
    from respondents
    group by periode, ditandai

    union all

    select periode, 'opd' as level, opd_kode, ditandai,
           {% for u in unsur_keys() -%}
           sum(s_{{ u }}) as jumlah_{{ u }}, count(s_{{ u }}) as n_{{ u }},
           {% endfor -%}
           count(*) as jumlah_responden
    from respondents
    group by periode, opd_kode, ditandai

),

both_ways as (

    select
        periode,
        level,
        opd_kode,
        sum(jumlah_responden) as jumlah_responden,
        sum(case when ditandai then jumlah_responden else 0 end) as jumlah_ditandai,
        {% for u in unsur_keys() -%}
        cast(sum(jumlah_{{ u }}) as double) / nullif(sum(n_{{ u }}), 0) as nrr_semua_{{ u }},
        cast(sum(case when ditandai then 0 else jumlah_{{ u }} end) as double)
            / nullif(sum(case when ditandai then 0 else n_{{ u }} end), 0) as nrr_tanpa_{{ u }}{{ "," if not loop.last }}
        {% endfor %}
    from kelompok
    group by periode, level, opd_kode

),

nilai as (

    select
        periode,
        level,
        opd_kode,
        jumlah_responden,
        jumlah_ditandai,
        ({% for u in unsur_keys() %}nrr_semua_{{ u }}{{ " + " if not loop.last }}{% endfor %}) * {{ unsur_bobot() }} * 25 as nilai_semua,
        ({% for u in unsur_keys() %}nrr_tanpa_{{ u }}{{ " + " if not loop.last }}{% endfor %}) * {{ unsur_bobot() }} * 25 as nilai_tanpa
    from both_ways

)

select
    periode,
    level,
    opd_kode,
    jumlah_responden,
    jumlah_ditandai,
    {{ round_half_up('nilai_semua', 2) }} as nilai_ikm_semua,
    {{ round_half_up('nilai_tanpa', 2) }} as nilai_ikm_tanpa_ditandai,
    {{ round_half_up('nilai_tanpa', 2) }} - {{ round_half_up('nilai_semua', 2) }} as selisih,
    '{{ kebijakan_ditandai() }}' as kebijakan,
    case when '{{ kebijakan_ditandai() }}' = 'hitung'
        then {{ round_half_up('nilai_semua', 2) }}
        else {{ round_half_up('nilai_tanpa', 2) }}
    end as nilai_ikm_dipublikasikan
from nilai
