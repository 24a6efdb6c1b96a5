-- One row per response with status 'used' (the policy for marked responses not yet applied):
-- its group, whether it is marked (int_respons_ditandai) and whether it counts in the published
-- index under the policy (dihitung), its nine scores, and its own score: the mean of the unsur
-- it answered x 25 (nilai_responden, 25-100). The standard error of the index is computed from
-- the spread of nilai_responden (ketidakpastian_ikm); the sensitivity of the index to the
-- marked responses from the nine scores (ikm_sensitivitas).
-- A view over int_responses_status (writing its 10 M rows again cost ~20 s); readers filter on
-- their semesters. No periode_filter here: a view must hold every semester.
{{ config(materialized='view') }}

with used as (

    -- the used rows carry their scores (int_responses_status): no join to the answers
    select *
    from {{ ref('int_responses_status') }}
    where status = 'used'

),

ditandai as (

    select response_id, count(*) as jumlah_aturan
    from {{ ref('int_respons_ditandai') }}
    group by response_id

)

select
    u.response_id,
    u.source_code,
    u.periode_declared,
    u.periode,
    u.opd_kode,
    u.jenis_layanan,
    d.response_id is not null as ditandai,
    coalesce(d.jumlah_aturan, 0) as jumlah_aturan,
    {% if kebijakan_ditandai() == 'hitung' -%}
    true as dihitung,
    {%- else -%}
    d.response_id is null as dihitung,
    {%- endif %}
    {{ unsur_columns('u.s_') }},
    cast(u.jumlah_jawaban as bigint) as jumlah_jawaban,
    cast(u.jumlah_skor as double) / nullif(u.jumlah_jawaban, 0) as skor_rata,
    cast(u.jumlah_skor as double) / nullif(u.jumlah_jawaban, 0) * 25 as nilai_responden
from used as u
left join ditandai as d
    on u.response_id = d.response_id
