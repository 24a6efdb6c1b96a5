{#- The NRR of every unsur at one grain, written once for every grain that publishes one: the
    OPD (int_nrr_opd_unsur), the city (int_nrr_kota_unsur) and the jenis layanan (int_ikm_layanan).

    `nrr_per_unsur(['periode', 'opd_kode'])` adds up the integer counts and sums of
    int_skor_layanan_unsur over the grain (the finest grain, periode x OPD x jenis layanan, is
    read as it is), then NRR = sum of the valid scores / number of used responses that answered
    the unsur (blank and "tidak tahu" excluded from both), at full precision, and NRR x bobot
    (int_unsur_bobot, the weight_mode var). A coarser grain is pooled over responses (counts and
    sums), never a mean of means. Columns: the grain, unsur, urutan, unsur_nama, the counts,
    bobot, nrr, nrr_tertimbang. -#}
{% macro nrr_per_unsur(grain) -%}
    {%- set finest = grain == ['periode', 'opd_kode', 'jenis_layanan'] -%}
    {%- set counts = ['jumlah_responden', 'jumlah_jawaban', 'jumlah_tidak_menjawab', 'jumlah_skor',
                      'skor_1', 'skor_2', 'skor_3', 'skor_4'] -%}
    select
        {% for g in grain -%}
        s.{{ g }},
        {% endfor -%}
        s.unsur,
        b.urutan,
        b.unsur_nama,
        {% for c in counts -%}
        s.{{ c }},
        {% endfor -%}
        b.bobot,
        cast(s.jumlah_skor as double) / nullif(s.jumlah_jawaban, 0) as nrr,
        cast(s.jumlah_skor as double) / nullif(s.jumlah_jawaban, 0) * b.bobot as nrr_tertimbang
    from (

        select
            {% for g in grain -%}
            {{ g }},
            {% endfor -%}
            unsur,
            {%- for c in counts %}
            {{ c if finest else 'sum(' ~ c ~ ') as ' ~ c }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ ref('int_skor_layanan_unsur') }}
        where {{ periode_filter('periode') }}
        {% if not finest -%}
        group by {{ grain | join(', ') }}, unsur
        {%- endif %}

    ) as s
    inner join {{ ref('int_unsur_bobot') }} as b
        on s.unsur = b.unsur
{%- endmacro %}

{#- The IKM of each group of an NRR relation (one row per group x unsur): the sum over the nine
    unsur of NRR x bobot, at full precision, and x 25 on the Nilai scale; NULL when some unsur has
    no valid answer at all in the group (its NRR is undefined). The select list after the grain
    columns; the caller groups by the grain. -#}
{% macro ikm_of_nrr() -%}
    max(jumlah_responden) as jumlah_responden,
    count(nrr_tertimbang) as jumlah_unsur_terjawab,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) end as ikm,
    case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) * 25 end as nilai_ikm
{%- endmacro %}

{#- How an NRR row is published (ikm_unsur per OPD, ikm_kota_unsur for the city), after the
    grain columns: the counts, NRR, bobot and NRR x bobot rounded half up to 4 decimals, the Nilai
    unsur (NRR x 25, rounded to 2 decimals by the caller as `nilai_unsur_published`, the value
    graded) and its mutu / kinerja from the caller's join_mutu(..., 'k'). -#}
{% macro published_nrr_columns(alias) -%}
    {{ alias }}.unsur,
    {{ alias }}.urutan,
    {{ alias }}.unsur_nama,
    {{ alias }}.jumlah_responden,
    {{ alias }}.jumlah_jawaban,
    {{ alias }}.jumlah_tidak_menjawab,
    {{ alias }}.skor_1,
    {{ alias }}.skor_2,
    {{ alias }}.skor_3,
    {{ alias }}.skor_4,
    {{ round_half_up(alias ~ '.nrr', 4) }} as nrr,
    {{ round_half_up(alias ~ '.bobot', 4) }} as bobot,
    {{ round_half_up(alias ~ '.nrr_tertimbang', 4) }} as nrr_tertimbang,
    {{ alias }}.nilai_unsur_published as nilai_unsur,
    k.mutu,
    k.kinerja
{%- endmacro %}

{#- The Nilai unsur of an NRR row as published and graded: NRR x 25, rounded half up to 2 decimals. -#}
{% macro nilai_unsur_published(alias) -%}
    {{ round_half_up(alias ~ '.nrr * 25', 2) }}
{%- endmacro %}

{#- How an IKM row is published (ikm_opd, ikm_layanan), after the grain columns: the counts, the
    IKM (1-4) rounded half up to 4 decimals, the Nilai IKM rounded to 2 by the caller as
    `nilai_ikm_published` (the value graded and ranked) and its mutu / kinerja from the caller's
    join_mutu(..., 'k'). -#}
{% macro published_ikm_columns(alias) -%}
    {{ alias }}.jumlah_responden,
    {{ alias }}.jumlah_unsur_terjawab,
    {{ round_half_up(alias ~ '.ikm', 4) }} as ikm,
    {{ alias }}.nilai_ikm_published as nilai_ikm,
    k.mutu,
    k.kinerja
{%- endmacro %}
