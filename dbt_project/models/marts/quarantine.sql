-- Published: every problem that kept a raw row out of the index, one row per problem, naming
-- the file, the row and the field. Values that look like personal data are hidden.
{{ config(**periode_config('periode_declared')) }}

with issues as (

    select * from {{ ref('int_response_issues') }}
    where {{ periode_filter('periode_declared') }}

),

responses as (

    select response_id, source_code, file_name, file_sha256, periode_declared, row_number
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

),

reasons as (

    select reason_code, description from {{ ref('issue_reasons') }}

),

joined as (

    select
        r.source_code,
        r.file_name,
        r.file_sha256,
        r.row_number,
        r.periode_declared,
        i.response_id,
        i.field,
        {{ mask_personal_data('i.raw_value') }} as raw_value,
        i.reason_code,
        i.detail,
        rs.description
    from issues as i
    inner join responses as r
        on i.response_id = r.response_id
    left join reasons as rs
        on i.reason_code = rs.reason_code

)

select
    source_code,
    file_name,
    file_sha256,
    row_number,
    periode_declared,
    response_id,
    field,
    raw_value,
    reason_code,
    'File ' || file_name || ' (source ' || source_code || '), row ' || cast(row_number as {{ dbt.type_string() }})
        || ', field ' || field || ', value ' || coalesce('"' || raw_value || '"', 'empty')
        || ': ' || coalesce(description, reason_code)
        || coalesce(' (' || detail || ')', '') || '.' as reason
from joined
