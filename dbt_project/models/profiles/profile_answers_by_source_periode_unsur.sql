-- One row per source x declared periode x unsur over every staged answer (used, quarantined or
-- duplicate): how many answers were scored, missing or invalid, and their spread. The profile the
-- GX suite staged_responses validates.
-- From the answer counts (a few rows per source, semester, unsur and distinct answer) joined to
-- their classification: the same figures as grouping the 90 M answer rows of int_answers at 10 M
-- responses, without reading them. A blank cell (NULL raw_value) or an answer without a
-- classification is missing, as in int_answers. Plain sum(case) rather than FILTER: the same SQL
-- on DuckDB and Spark.
with counted as (
    select
        c.source_code,
        c.periode_declared,
        c.unsur,
        c.jumlah,
        v.score,
        coalesce(v.answer_status, 'missing') as answer_status
    from {{ ref('int_answer_counts') }} as c
    left join {{ ref('int_answer_values') }} as v
        on v.periode_declared = c.periode_declared
       and v.unsur = c.unsur
       and v.raw_value = c.raw_value
),

totals as (
    select
        source_code,
        periode_declared,
        unsur,
        cast(sum(jumlah) as bigint) as answers,
        cast(sum(case when answer_status = 'valid' then jumlah else 0 end) as bigint) as answered,
        cast(sum(case when answer_status = 'missing' then jumlah else 0 end) as bigint) as missing,
        cast(sum(case when answer_status = 'invalid' then jumlah else 0 end) as bigint) as invalid,
        cast(sum(score * jumlah) as double)
            / sum(case when score is not null then jumlah end) as mean_score,
        min(score) as min_score,
        max(score) as max_score,
        cast(count(distinct score) as bigint) as distinct_scores
    from counted
    group by source_code, periode_declared, unsur
)

select
    source_code,
    periode_declared,
    unsur,
    answers,
    answered,
    missing,
    invalid,
    cast(answered as double) / answers as valid_share,
    cast(missing as double) / answers as missing_share,
    cast(invalid as double) / answers as invalid_share,
    mean_score,
    min_score,
    max_score,
    distinct_scores
from totals
