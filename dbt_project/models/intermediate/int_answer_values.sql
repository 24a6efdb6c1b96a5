-- Every distinct raw answer of a semester once, per unsur, with its normalised label, score 1-4
-- and status. The regular expressions and label lookups run here, on a few hundred texts (the
-- distinct answers counted in int_answer_counts), not on every answer (9 per response, 90
-- million at 10 million responses); int_answers and
-- int_answer_summary join the raw answers to this table. answer_status: 'valid' (scored),
-- 'missing' ("tidak tahu" / "tidak berlaku": no score, not a zero; a blank cell is missing too
-- but has no raw value, so no row here), 'invalid' (reason_code score_out_of_range or
-- unknown_label; formula_without_value for an Excel formula cell without a saved value). Labels come from the answer_labels seed: that unsur's own scale first, then
-- the generic ('*') labels.
{{ config(**periode_config('periode_declared')) }}

with labels as (

    select
        unsur,
        {{ normalise_label('label') }} as label_normalised,
        score
    from {{ ref('answer_labels') }}

),

answer_values as (

    -- the semester's answers were counted once in int_answer_counts: a few thousand rows
    select distinct periode_declared, unsur, raw_value
    from {{ ref('int_answer_counts') }}
    where {{ periode_filter('periode_declared') }}

),

normalised as (

    select
        periode_declared,
        unsur,
        raw_value,
        {{ normalise_label('raw_value') }} as label_normalised,
        {{ is_formula_without_value('raw_value') }} as is_formula_without_value
    from answer_values
    where raw_value is not null

),

read_as_number as (

    select
        *,
        coalesce({{ numeric_text_value('label_normalised') }}, {{ leading_number('label_normalised') }}) as number_value
    from normalised

),

matched as (

    select
        n.*,
        coalesce(own.label_normalised, generic.label_normalised) is not null as is_known_label,
        case when own.label_normalised is not null then own.score else generic.score end as label_score
    from read_as_number as n
    left join labels as own
        on own.unsur = n.unsur
       and own.label_normalised = n.label_normalised
    left join labels as generic
        on generic.unsur = '*'
       and generic.label_normalised = n.label_normalised

),

classified as (

    select
        *,
        case
            when is_formula_without_value then 'invalid'
            when label_normalised is null then 'missing'
            when number_value is not null then
                case when number_value in (1, 2, 3, 4) then 'valid' else 'invalid' end
            when is_known_label then
                case when label_score is null then 'missing' else 'valid' end
            else 'invalid'
        end as answer_status
    from matched

)

select
    periode_declared,
    unsur,
    raw_value,
    label_normalised,
    case
        when answer_status <> 'valid' then null
        when number_value is not null then cast(number_value as integer)
        else label_score
    end as score,
    answer_status,
    case
        when answer_status <> 'invalid' then null
        when is_formula_without_value then 'formula_without_value'
        when number_value is not null then 'score_out_of_range'
        else 'unknown_label'
    end as reason_code
from classified
