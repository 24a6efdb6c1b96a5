-- One row per response: its nine scores side by side and how many of its answers are valid,
-- missing or invalid. Built straight from the raw answers and int_answer_values (nine lookups
-- into a small table) instead of grouping 9 answer rows per response: this is the one
-- per-response view of the answers that the quarantine (too few answers), the trust rules
-- (straight-lining) and the per-respondent scores read.
{{ config(**periode_config('periode_declared')) }}

with responses as (

    select
        response_id,
        periode_declared,
        {{ unsur_columns('u_') }}
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

answer_values as (

    select periode_declared, unsur, raw_value, score, answer_status
    from {{ ref('int_answer_values') }}
    where {{ periode_filter('periode_declared') }}

),

looked_up as (

    select
        r.response_id,
        r.periode_declared,
        {% for k in unsur_keys() -%}
        v_{{ k }}.score as s_{{ k }},
        case when r.u_{{ k }} is null then 'missing' else v_{{ k }}.answer_status end as status_{{ k }}{{ "," if not loop.last }}
        {% endfor %}
    from responses as r
    {% for k in unsur_keys() -%}
    left join answer_values as v_{{ k }}
        on v_{{ k }}.periode_declared = r.periode_declared
       and v_{{ k }}.unsur = '{{ k }}'
       and v_{{ k }}.raw_value = r.u_{{ k }}
    {% endfor %}

)

select
    response_id,
    periode_declared,
    {{ unsur_columns('s_') }},
    {% for status, column in [('valid', 'jumlah_jawaban'), ('missing', 'jumlah_tidak_menjawab'), ('invalid', 'jumlah_tidak_valid')] -%}
    {% for k in unsur_keys() -%}
    case when status_{{ k }} = '{{ status }}' then 1 else 0 end{{ " +" if not loop.last }}
    {% endfor -%}
    as {{ column }},
    {% endfor -%}
    least({{ unsur_columns('s_') }}) as skor_min,
    greatest({{ unsur_columns('s_') }}) as skor_max,
    {% for k in unsur_keys() -%}
    coalesce(s_{{ k }}, 0){{ " +" if not loop.last }}
    {% endfor -%}
    as jumlah_skor
from looked_up
