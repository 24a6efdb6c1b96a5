-- Published: the raw rows left out as duplicates, each with the row it repeats (the one used).
{{ config(**periode_config('periode_declared')) }}

with status as (

    select * from {{ ref('int_responses_status') }}
    where {{ periode_filter('periode_declared') }}

),

responses as (

    select response_id, source_code, file_name, file_sha256, periode_declared, row_number, submission_id,
           submitted_at, jenis_layanan
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}

)

select
    d.source_code,
    d.file_name,
    d.file_sha256,
    d.row_number,
    d.periode_declared,
    d.response_id,
    r.submission_id,
    r.submitted_at,
    r.jenis_layanan,
    d.duplicate_rule,
    d.duplicate_of,
    k.file_name as duplicate_of_file_name,
    k.row_number as duplicate_of_row_number
from status as d
inner join responses as r
    on d.response_id = r.response_id
inner join responses as k
    on d.duplicate_of = k.response_id
where d.status = 'duplicate'
