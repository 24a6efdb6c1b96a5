-- Published: the index with and without the marked (suspicious) responses, per periode and the
-- city / each OPD / each OPD x jenis layanan (the units ketidakpastian_ikm grades), whatever the
-- policy, each with its mutu: where the two differ, leaving the marks out or counting them
-- changes the grade (ketidakpastian_ikm.mutu_pasti is then false, for that reason): nilai_ikm_semua counts every used response,
-- nilai_ikm_tanpa_ditandai leaves the marked ones out; the published index (ikm_opd, ikm_kota)
-- is the one the policy (kebijakan) picks. Same formula as the published index: NRR per unsur =
-- sum of scores / answers, IKM = sum of NRR x bobot, x 25, rounded half up.
{{ config(**periode_config('periode')) }}

with respondents as (

    select * from {{ ref('int_skor_responden') }}
    where {{ periode_filter('periode_declared') }}

),

kelompok as (

    {% for grain in [
        {'level': 'kota', 'opd': none, 'layanan': none},
        {'level': 'opd', 'opd': 'opd_kode', 'layanan': none},
        {'level': 'layanan', 'opd': 'opd_kode', 'layanan': 'jenis_layanan'},
    ] -%}
    select periode, '{{ grain.level }}' as level,
           {{ grain.opd or 'cast(null as ' ~ dbt.type_string() ~ ')' }} as opd_kode,
           {{ grain.layanan or 'cast(null as ' ~ dbt.type_string() ~ ')' }} as jenis_layanan,
           ditandai,
           {% for u in unsur_keys() -%}
           sum(s_{{ u }}) as jumlah_{{ u }}, count(s_{{ u }}) as n_{{ u }},
           {% endfor -%}
           count(*) as jumlah_responden
    from respondents
    group by periode, {% if grain.opd %}opd_kode, {% endif %}{% if grain.layanan %}jenis_layanan, {% endif %}ditandai
    {% if not loop.last %}

    union all

    {% endif -%}
    {% endfor %}

),

both_ways as (

    select
        periode,
        level,
        opd_kode,
        jenis_layanan,
        sum(jumlah_responden) as jumlah_responden,
        sum(case when ditandai then jumlah_responden else 0 end) as jumlah_ditandai,
        {% for u in unsur_keys() -%}
        cast(sum(jumlah_{{ u }}) as double) / nullif(sum(n_{{ u }}), 0) as nrr_semua_{{ u }},
        cast(sum(case when ditandai then 0 else jumlah_{{ u }} end) as double)
            / nullif(sum(case when ditandai then 0 else n_{{ u }} end), 0) as nrr_tanpa_{{ u }}{{ "," if not loop.last }}
        {% endfor %}
    from kelompok
    group by periode, level, opd_kode, jenis_layanan

),

nilai as (

    select
        periode,
        level,
        opd_kode,
        jenis_layanan,
        jumlah_responden,
        jumlah_ditandai,
        ({% for u in unsur_keys() %}nrr_semua_{{ u }}{{ " + " if not loop.last }}{% endfor %}) * {{ unsur_bobot() }} * 25 as nilai_semua,
        ({% for u in unsur_keys() %}nrr_tanpa_{{ u }}{{ " + " if not loop.last }}{% endfor %}) * {{ unsur_bobot() }} * 25 as nilai_tanpa
    from both_ways

),

rounded as (

    select
        periode,
        level,
        opd_kode,
        jenis_layanan,
        jumlah_responden,
        jumlah_ditandai,
        {{ round_half_up('nilai_semua', 2) }} as nilai_ikm_semua,
        {{ round_half_up('nilai_tanpa', 2) }} as nilai_ikm_tanpa_ditandai
    from nilai

)

select
    r.periode,
    r.level,
    r.opd_kode,
    r.jenis_layanan,
    r.jumlah_responden,
    r.jumlah_ditandai,
    r.nilai_ikm_semua,
    r.nilai_ikm_tanpa_ditandai,
    r.nilai_ikm_tanpa_ditandai - r.nilai_ikm_semua as selisih,
    '{{ kebijakan_ditandai() }}' as kebijakan,
    case when '{{ kebijakan_ditandai() }}' = 'hitung'
        then r.nilai_ikm_semua
        else r.nilai_ikm_tanpa_ditandai
    end as nilai_ikm_dipublikasikan,
    semua.mutu as mutu_semua,
    tanpa.mutu as mutu_tanpa_ditandai,
    -- the marks can change the grade: the two differ, or without them nothing is left to grade
    r.jumlah_ditandai > 0 and (r.nilai_ikm_tanpa_ditandai is null or coalesce(semua.mutu <> tanpa.mutu, true)) as mutu_berubah
from rounded as r
{{ join_mutu('r.nilai_ikm_semua', 'semua') }}
{{ join_mutu('r.nilai_ikm_tanpa_ditandai', 'tanpa') }}
