-- The responses that count: status 'used' (no issue, not a duplicate), with what the index is
-- grouped by and the normalised respondent profile. No personal data.
{{ config(**periode_config('periode_declared')) }}

select
    r.response_id,
    r.source_code,
    r.periode_declared,
    r.periode,
    r.opd_kode,
    r.jenis_layanan,
    r.submitted_at_wita,
    r.jenis_kelamin,
    r.usia_kelompok,
    r.pendidikan,
    r.pekerjaan
from {{ ref('stg_raw__responses') }} as r
inner join {{ ref('int_responses_status') }} as s
    on r.response_id = s.response_id
where s.status = 'used'
  -- policy for marked (suspicious) responses, var kebijakan_ditandai (macros/trust.sql):
  -- 'hitung' counts them (default), 'kecualikan' leaves them out of the published index
  and ('{{ kebijakan_ditandai() }}' = 'hitung'
       or r.response_id not in (select response_id from {{ ref('int_respons_ditandai') }}))
  and {{ periode_filter('r.periode_declared') }}
  and {{ periode_filter('s.periode_declared') }}
