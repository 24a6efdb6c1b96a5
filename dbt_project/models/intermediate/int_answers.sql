-- One row per response x unsur: the raw answer, its normalised label, and its score 1-4 (NULL
-- when missing or invalid), as classified once per distinct raw answer in int_answer_values.
-- A view: at 10 million responses this is 90 million rows, and nothing needs them stored; the
-- quarantine reads its invalid answers from it, the per-response scores are in
-- int_answer_summary.
{{ config(materialized='view') }}

with responses as (

    select
        response_id,
        source_code,
        periode_declared,
        {{ unsur_columns('u_') }}
    from {{ ref('stg_raw__responses') }}

),

unsur as (

    select unsur, urutan from {{ ref('unsur') }}

),

unpivoted as (

    select
        r.response_id,
        r.source_code,
        r.periode_declared,
        u.unsur,
        u.urutan,
        {{ unsur_column('r.u_', 'u.unsur') }} as raw_value
    from responses as r
    cross join unsur as u

)

select
    a.response_id,
    a.source_code,
    a.periode_declared,
    a.unsur,
    a.urutan,
    a.raw_value,
    v.label_normalised,
    v.score,
    coalesce(v.answer_status, 'missing') as answer_status,
    v.reason_code
from unpivoted as a
left join {{ ref('int_answer_values') }} as v
    on v.periode_declared = a.periode_declared
   and v.unsur = a.unsur
   and v.raw_value = a.raw_value
