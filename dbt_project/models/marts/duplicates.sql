-- Published: the raw rows left out as duplicates, each with the row it repeats (the one used).
{{ config(**periode_config('periode_declared')) }}

with duplicate_rows as (

    select response_id, source_code, file_name, file_sha256, row_number, periode_declared,
           duplicate_rule, duplicate_of
    from {{ ref('int_responses_status') }}
    where status = 'duplicate'
      and {{ periode_filter('periode_declared') }}

),

responses as (

    -- only the staged rows a duplicate names (itself and the row it repeats): a few per cent of
    -- the staged rows, picked by a semi-join, so the two lookups below never join the millions
    select response_id, file_name, row_number, submission_id, submitted_at, jenis_layanan
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}
      and response_id in (
          select response_id from duplicate_rows
          union all
          select duplicate_of from duplicate_rows
      )

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
from duplicate_rows as d
inner join responses as r
    on d.response_id = r.response_id
inner join responses as k
    on d.duplicate_of = k.response_id
