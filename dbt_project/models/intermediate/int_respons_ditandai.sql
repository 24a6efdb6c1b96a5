-- Suspicious submissions: one row per (response, rule) hit among the responses that would count
-- (status 'used'). Nothing is deleted; the var kebijakan_ditandai decides whether marked
-- responses count in the published index (int_responses_used). Rules (parameters are vars,
-- set from the registry's `kepercayaan:` block):
--   ulang_perangkat: the same nine raw answers as the previous submission from the same source
--     and device within ditandai_ulang_menit minutes (the first of them is not marked);
--   beruntun: one of at least ditandai_beruntun_jumlah submissions from the same source and
--     device within ditandai_beruntun_menit minutes (a kiosk or tablet filled in a row);
--   seragam: all nine answers valid and identical (straight-lining), in an OPD and periode whose
--     own data say it is too much: the share of straight-lined responses, even at the low end of
--     its 95 % interval, lies more than ditandai_seragam_toleransi above the share the unit's own
--     answers predict (the nine answers independent, each with the unit's own distribution over
--     1-4: the sum over v of the product over unsur of p_unsur(v)), with at least
--     ditandai_seragam_min_responden responses. A unit's marks depend on its own rows only: no
--     other OPD's data moves them (the rule compared with the rest of the city until issue 22).
--     Every straight-lined response of such a unit is marked: one cannot be told from another.
-- Device rules need a device id: a source without one (web forms) is judged by seragam only.
{{ config(**periode_config('periode_declared')) }}

{%- set ulang_menit = var('ditandai_ulang_menit', 30) | float %}
{%- set k = var('ditandai_beruntun_jumlah', 5) | int %}
{%- set beruntun_menit = var('ditandai_beruntun_menit', 10) | float %}
{%- set toleransi = var('ditandai_seragam_toleransi', 0.10) | float %}
{%- set min_responden = var('ditandai_seragam_min_responden', 30) | int %}
{%- set answer_columns = unsur_columns('u_') %}

{#- One device's submissions in time; at the same minute, the earlier file name first, then the
    row: a total order (response_id last), so a run marks the same rows every time. -#}
{%- set submission_order = 'submitted_at_wita, file_name, row_number, response_id' %}

{#- The used rows of devices, in the columns a hit carries: each device rule reads the table itself
    (written out where used rather than as a CTE read several times, which DuckDB would
    materialise: every column of every used row, 10 M at 10 M responses, for rules that look at
    the ~40 % of rows with a device). -#}
{%- set lineage = 'response_id, source_code, file_name, row_number, submission_id, periode_declared, periode, '
                  ~ 'opd_kode, device_id, submitted_at_wita' %}
{%- set device_rows -%}
    (select {{ lineage }}, {{ answer_columns }}
     from {{ ref('int_responses_status') }}
     where status = 'used'
       and device_id is not null
       and submitted_at_wita is not null
       and {{ periode_filter('periode_declared') }})
{%- endset %}

with ulang as (

    select
        {{ lineage }},
        {{ minutes_between(
            'lag(submitted_at_wita) over (partition by source_code, periode_declared, device_id, '
                ~ answer_columns ~ ' order by ' ~ submission_order ~ ')',
            'submitted_at_wita') }} as menit_sejak_sama
    from {{ device_rows }} as d

),

beruntun as (

    -- a row is in a burst when one of the k windows of k consecutive submissions of its device
    -- that contain it fits in the burst minutes. The window starting j rows before this one runs
    -- from lag(t, j) to lead(t, k - 1 - j): k lag/lead pairs over ONE window ordering, in one pass
    -- (a window that would start before the device's first or end after its last submission has
    -- a NULL end and does not fit: as when each window start was computed and then maxed over the
    -- k - 1 preceding rows, which sorted the rows twice)
    select
        {{ lineage }},
        case when
            {%- for j in range(k) %}
            {{ minutes_between(
                ('lag(submitted_at_wita, ' ~ j ~ ') over w' if j > 0 else 'submitted_at_wita'),
                ('lead(submitted_at_wita, ' ~ (k - 1 - j) ~ ') over w' if k - 1 - j > 0 else 'submitted_at_wita')) }}
                <= {{ beruntun_menit }}{{ " or" if not loop.last }}
            {%- endfor %}
        then 1 else 0 end as dalam_beruntun
    from {{ device_rows }} as d
    window w as (partition by source_code, periode_declared, device_id order by {{ submission_order }})

),

unit as (

    -- per OPD and periode: its responses, its straight-lined ones, and for each unsur and score v
    -- the share of its responses that gave v (a blank answer counts in no share); one aggregation
    -- over the used rows, read here only
    select
        periode_declared,
        opd_kode,
        count(*) as jumlah,
        sum(case when jumlah_jawaban = 9 and skor_min = skor_max then 1 else 0 end) as jumlah_seragam,
        {% for v in range(1, 5) -%}
        {% for u in unsur_keys() -%}
        cast(sum(case when s_{{ u }} = {{ v }} then 1 else 0 end) as double) / count(*) as p{{ v }}_{{ u }}{{ "," if not (loop.last and v == 4) }}
        {% endfor -%}
        {% endfor %}
    from {{ ref('int_responses_status') }}
    where status = 'used'
      and {{ periode_filter('periode_declared') }}
    group by periode_declared, opd_kode

),

unit_vs_own as (

    select
        periode_declared,
        opd_kode,
        jumlah,
        jumlah_seragam,
        cast(jumlah_seragam as double) / jumlah as tingkat_unit,
        cast(jumlah_seragam as double) / jumlah
            - 1.96 * sqrt(cast(jumlah_seragam as double) / jumlah
                          * (1 - cast(jumlah_seragam as double) / jumlah) / jumlah) as tingkat_unit_bawah,
        {% for v in range(1, 5) -%}
        ({% for u in unsur_keys() %}p{{ v }}_{{ u }}{{ " * " if not loop.last }}{% endfor %}){{ " + " if not loop.last }}
        {% endfor %} as tingkat_harapan
    from unit

)

-- each hit carries its row's lineage: no join back to the used rows
select
    {{ lineage }},
    'ulang_perangkat' as kode_aturan,
    'sama persis dengan kiriman sebelumnya dari perangkat ' || device_id || ' '
        || {{ text_1_decimal('menit_sejak_sama') }}
        || ' menit sebelumnya (batas {{ ulang_menit }} menit)' as alasan
from ulang
where menit_sejak_sama <= {{ ulang_menit }}

union all

select
    {{ lineage }},
    'beruntun' as kode_aturan,
    'bagian dari {{ k }} kiriman atau lebih dari perangkat ' || device_id
        || ' dalam {{ beruntun_menit }} menit' as alasan
from beruntun
where dalam_beruntun = 1

union all

select
    {% for c in lineage.split(', ') %}u.{{ c }}, {% endfor %}
    'seragam' as kode_aturan,
    'sembilan jawaban sama; di ' || u.opd_kode || ' ' || {{ text_1_decimal('100 * t.tingkat_unit') }}
        || ' % dari ' || cast(t.jumlah as {{ dbt.type_string() }}) || ' respons seragam (batas bawah selang 95 %: '
        || {{ text_1_decimal('100 * t.tingkat_unit_bawah') }} || ' %), sedangkan jawaban per unsur di unit itu sendiri memperkirakan '
        || {{ text_1_decimal('100 * t.tingkat_harapan') }} || ' % (toleransi {{ (toleransi * 100) | round(1) }} poin)' as alasan
from {{ ref('int_responses_status') }} as u
inner join unit_vs_own as t
    on u.periode_declared = t.periode_declared
   and u.opd_kode = t.opd_kode
where u.status = 'used'
  and u.jumlah_jawaban = 9
  and u.skor_min = u.skor_max
  and {{ periode_filter('u.periode_declared') }}
  and t.jumlah >= {{ min_responden }}
  and t.tingkat_unit_bawah > t.tingkat_harapan + {{ toleransi }}
