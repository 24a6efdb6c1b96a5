-- How often each raw answer occurs, per source, declared semester and unsur (a blank cell is a
-- NULL raw_value). The one pass over the nine answer columns of every staged row: the distinct
-- answers that int_answer_values classifies come from here, and the GX profile of the answers
-- (expectations/staged_responses.json) is computed from these counts joined to the
-- classification, not from 9 answer rows per response. Incremental per periode_declared, so a
-- semester run counts only its own rows.
{{ config(**periode_config('periode_declared')) }}

with responses as (

    select
        source_code,
        periode_declared,
        {{ unsur_columns('u_') }}
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

unsur as (

    select unsur from {{ ref('unsur') }}

)

-- the 9-row unsur seed picks the column (portable, no UNPIVOT)
select
    r.source_code,
    r.periode_declared,
    u.unsur,
    {{ unsur_column('r.u_', 'u.unsur') }} as raw_value,
    count(*) as jumlah
from responses as r
cross join unsur as u
group by 1, 2, 3, 4
