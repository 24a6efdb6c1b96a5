-- The finest aggregate everything published is built from: per periode x OPD x jenis layanan x
-- unsur, over used responses only, the count and sum of valid scores and the distribution 1-4.
-- Sums and counts add up exactly to coarser groups (OPD, city), so every NRR is computed from
-- integers, never averaged from averages.
{{ config(**periode_config('periode')) }}

with used as (

    -- a small integer group key: grouping by it is several times faster than carrying the
    -- three text keys through the join
    select
        response_id,
        periode,
        opd_kode,
        jenis_layanan,
        {{ unsur_columns('s_') }},
        dense_rank() over (order by periode, opd_kode, jenis_layanan) as group_id
    from {{ ref('int_responses_used') }}
    where {{ periode_filter('periode') }}

),

groups as (

    select distinct group_id, periode, opd_kode, jenis_layanan from used

),

per_group as (

    -- one pass over the used responses, nine score columns side by side; a used response has
    -- no invalid answer (it would be quarantined), so an unsur without a score is unanswered
    {%- set columns = [] -%}
    {%- for k in unsur_keys() -%}
        {%- do columns.append('sum(case when s.s_' ~ k ~ ' is not null then 1 else 0 end) as jawaban_' ~ k) -%}
        {%- do columns.append('sum(case when s.s_' ~ k ~ ' is null then 1 else 0 end) as tidak_menjawab_' ~ k) -%}
        {%- do columns.append('coalesce(sum(s.s_' ~ k ~ '), 0) as skor_' ~ k) -%}
        {%- for v in [1, 2, 3, 4] -%}
            {%- do columns.append('sum(case when s.s_' ~ k ~ ' = ' ~ v ~ ' then 1 else 0 end) as skor_' ~ v ~ '_' ~ k) -%}
        {%- endfor -%}
    {%- endfor %}
    select
        s.group_id,
        count(*) as jumlah_responden,
        {{ columns | join(',\n        ') }}
    from used as s
    group by s.group_id

),

aggregated as (

    -- back to one row per group x unsur (the 9-row unsur seed picks the columns)
    select
        p.group_id,
        x.unsur,
        p.jumlah_responden,
        {% for col in ['jawaban', 'tidak_menjawab', 'skor', 'skor_1', 'skor_2', 'skor_3', 'skor_4'] -%}
        {{ unsur_column('p.' ~ col ~ '_', 'x.unsur') }} as {{ {'jawaban': 'jumlah_jawaban', 'tidak_menjawab': 'jumlah_tidak_menjawab', 'skor': 'jumlah_skor'}.get(col, col) }}{{ "," if not loop.last }}
        {% endfor %}
    from per_group as p
    cross join (select unsur from {{ ref('unsur') }}) as x

)

select
    g.periode,
    g.opd_kode,
    g.jenis_layanan,
    a.unsur,
    a.jumlah_responden,
    a.jumlah_jawaban,
    a.jumlah_tidak_menjawab,
    a.jumlah_skor,
    a.skor_1,
    a.skor_2,
    a.skor_3,
    a.skor_4
from aggregated as a
inner join groups as g
    on a.group_id = g.group_id
