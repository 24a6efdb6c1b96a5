-- The responses that count: status 'used' (no issue, not a duplicate), with what the index is
-- grouped by, the normalised respondent profile and the nine scores. No personal data.
{{ config(**periode_config('periode_declared')) }}

select
    s.response_id,
    s.source_code,
    s.periode_declared,
    s.periode,
    s.opd_kode,
    s.jenis_layanan,
    s.submitted_at_wita,
    s.jenis_kelamin,
    s.usia_kelompok,
    s.pendidikan,
    s.pekerjaan,
    {{ unsur_columns('s.s_') }}
from {{ ref('int_responses_status') }} as s
where s.status = 'used'
  -- policy for marked (suspicious) responses, var kebijakan_ditandai (macros/trust.sql):
  -- 'hitung' counts them (default), 'kecualikan' leaves them out of the published index
  and ('{{ kebijakan_ditandai() }}' = 'hitung'
       or s.response_id not in (select response_id from {{ ref('int_respons_ditandai') }}))
  and {{ periode_filter('s.periode_declared') }}
