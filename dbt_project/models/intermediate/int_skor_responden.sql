-- One row per response with status 'used' (the policy for marked responses not yet applied):
-- its group, whether it is marked (int_respons_ditandai) and whether it counts in the published
-- index under the policy (dihitung), its nine scores, and its own score: the mean of the unsur
-- it answered x 25 (nilai_responden, 25-100). The standard error of the index is computed from
-- the spread of nilai_responden (ketidakpastian_ikm); the sensitivity of the index to the
-- marked responses from the nine scores (ikm_sensitivitas).
{{ config(**periode_config('periode_declared')) }}

with used as (

    select
        r.response_id,
        r.source_code,
        r.periode_declared,
        r.periode,
        r.opd_kode,
        r.jenis_layanan
    from {{ ref('stg_raw__responses') }} as r
    inner join {{ ref('int_responses_status') }} as s
        on r.response_id = s.response_id
    where s.status = 'used'
      and {{ periode_filter('r.periode_declared') }}
      and {{ periode_filter('s.periode_declared') }}

),

ditandai as (

    select response_id, count(*) as jumlah_aturan
    from {{ ref('int_respons_ditandai') }}
    where {{ periode_filter('periode_declared') }}
    group by response_id

),

skor as (

    select
        a.response_id,
        {% for u in unsur_keys() -%}
        a.s_{{ u }},
        {% endfor -%}
        cast(a.jumlah_jawaban as bigint) as jumlah_jawaban,
        cast(a.jumlah_skor as double) / nullif(a.jumlah_jawaban, 0) as skor_rata
    from {{ ref('int_answer_summary') }} as a
    inner join used as u
        on a.response_id = u.response_id
    where {{ periode_filter('a.periode_declared') }}

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
    {% for u in unsur_keys() -%}
    s.s_{{ u }},
    {% endfor -%}
    s.jumlah_jawaban,
    s.skor_rata,
    s.skor_rata * 25 as nilai_responden
from used as u
inner join skor as s
    on u.response_id = s.response_id
left join ditandai as d
    on u.response_id = d.response_id
