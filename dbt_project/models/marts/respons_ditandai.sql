-- Published: suspicious submissions, one row per response x rule hit, with the raw row's lineage
-- and the reason. Marked rows are not deleted: whether they count in the index is the policy
-- (var kebijakan_ditandai); ikm_sensitivitas shows the index both ways.
{{ config(**periode_config('periode')) }}

select
    source_code,
    file_name,
    row_number,
    response_id,
    submission_id,
    periode,
    opd_kode,
    device_id,
    submitted_at_wita,
    kode_aturan,
    alasan,
    '{{ kebijakan_ditandai() }}' as kebijakan
from {{ ref('int_respons_ditandai') }}
where {{ periode_filter('periode_declared') }}
