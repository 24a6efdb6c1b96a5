-- One row per problem found in a raw response (a response can have several). Any issue
-- quarantines the response. reason_code is one of the issue_reasons seed.
{{ config(**periode_config('periode_declared')) }}

with responses as (

    select * from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

invalid_answers as (

    select response_id, periode_declared, unsur, raw_value, reason_code
    from {{ ref('int_answers') }}
    where answer_status = 'invalid'
      and {{ periode_filter('periode_declared') }}

),

answer_issues as (

    select
        response_id,
        periode_declared,
        unsur as field,
        case when reason_code = 'formula_without_value' then {{ formula_text('raw_value') }} else raw_value end as raw_value,
        reason_code,
        case when reason_code = 'formula_without_value' then {{ formula_detail('raw_value') }} end as detail
    from invalid_answers

),

date_issues as (

    select
        response_id,
        periode_declared,
        'submitted_at' as field,
        submitted_at as raw_value,
        'unparseable_date' as reason_code,
        case when submitted_at is null then 'empty' end as detail
    from responses
    where submitted_at_wita is null
      and not {{ is_formula_without_value('submitted_at') }}

),

layanan_issues as (

    select
        response_id,
        periode_declared,
        'jenis_layanan' as field,
        jenis_layanan as raw_value,
        'missing_layanan' as reason_code,
        cast(null as {{ dbt.type_string() }}) as detail
    from responses
    where jenis_layanan is null

),

opd_issues as (

    select
        response_id,
        periode_declared,
        'opd_kode' as field,
        opd_kode as raw_value,
        'missing_opd' as reason_code,
        cast(null as {{ dbt.type_string() }}) as detail
    from responses
    where opd_kode is null

),

periode_issues as (

    select
        response_id,
        periode_declared,
        'submitted_at' as field,
        submitted_at as raw_value,
        'periode_mismatch' as reason_code,
        'WITA ' || cast(submitted_at_wita as {{ dbt.type_string() }}) || ' is in ' || periode
            || ', the file is filed under ' || coalesce(periode_declared, 'no periode') as detail
    from responses
    where periode is not null
      and (periode_declared is null or periode <> periode_declared)

),

answer_counts as (

    select
        response_id,
        periode_declared,
        jumlah_jawaban as valid_answers
    from {{ ref('int_answer_summary') }}
    where {{ periode_filter('periode_declared') }}

),

too_few_issues as (

    select
        response_id,
        periode_declared,
        'unsur' as field,
        cast(valid_answers as {{ dbt.type_string() }}) as raw_value,
        'too_few_answers' as reason_code,
        cast(valid_answers as {{ dbt.type_string() }}) || ' valid answers of 9, at least '
            || '{{ var("min_answered_unsur", 5) }}' || ' required' as detail
    from answer_counts
    where valid_answers < {{ var('min_answered_unsur', 5) | int }}

),

-- the other fields an Excel formula without a saved value can be in (the answers: answer_issues)
formula_issues as (

    {% for column, field in [('submission_id', 'submission_id'), ('device_id', 'device_id'),
                             ('submitted_at', 'submitted_at'), ('jenis_layanan', 'jenis_layanan'),
                             ('opd_kode', 'opd_kode'), ('jenis_kelamin_raw', 'jenis_kelamin'),
                             ('usia_raw', 'usia'), ('pendidikan_raw', 'pendidikan'),
                             ('pekerjaan_raw', 'pekerjaan'), ('saran', 'saran')] %}
    select
        response_id,
        periode_declared,
        '{{ field }}' as field,
        {{ formula_text(column) }} as raw_value,
        'formula_without_value' as reason_code,
        {{ formula_detail(column) }} as detail
    from responses
    where {{ is_formula_without_value(column) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from answer_issues
union all
select * from formula_issues
union all
select * from date_issues
union all
select * from layanan_issues
union all
select * from opd_issues
union all
select * from periode_issues
union all
select * from too_few_issues
