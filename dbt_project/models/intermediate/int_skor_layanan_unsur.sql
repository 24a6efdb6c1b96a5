-- The finest aggregate everything published is built from: per periode x OPD x jenis layanan x
-- unsur, over used responses only, the count and sum of valid scores and the distribution 1-4.
-- Sums and counts add up exactly to coarser groups (OPD, city), so every NRR is computed from
-- integers, never averaged from averages.
{{ config(**periode_config('periode')) }}

with used as (

    -- a small integer group key: joining ~9 answers per response to it and grouping by it is
    -- several times faster than carrying the three text keys through the big join
    select
        response_id,
        periode,
        opd_kode,
        jenis_layanan,
        dense_rank() over (order by periode, opd_kode, jenis_layanan) as group_id
    from {{ ref('int_responses_used') }}
    where {{ periode_filter('periode') }}

),

groups as (

    select distinct group_id, periode, opd_kode, jenis_layanan from used

),

answers as (

    -- used rows have periode = periode_declared (a mismatch is quarantined)
    select response_id, unsur, score, answer_status from {{ ref('int_answers') }}
    where {{ periode_filter('periode_declared') }}

),

aggregated as (

    select
        u.group_id,
        a.unsur,
        count(*) as jumlah_responden,
        sum(case when a.answer_status = 'valid' then 1 else 0 end) as jumlah_jawaban,
        sum(case when a.answer_status = 'missing' then 1 else 0 end) as jumlah_tidak_menjawab,
        coalesce(sum(a.score), 0) as jumlah_skor,
        sum(case when a.score = 1 then 1 else 0 end) as skor_1,
        sum(case when a.score = 2 then 1 else 0 end) as skor_2,
        sum(case when a.score = 3 then 1 else 0 end) as skor_3,
        sum(case when a.score = 4 then 1 else 0 end) as skor_4
    from used as u
    inner join answers as a
        on u.response_id = a.response_id
    group by u.group_id, a.unsur

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
