-- The responses that count: status 'used' (no issue, not a duplicate), with what the index is
-- grouped by, the normalised respondent profile and the nine scores. No personal data.
-- A view: the rows are int_responses_status's own, and writing them again cost ~15 s at 10 M
-- responses; every reader filters on its run's semesters, which DuckDB pushes into the scan.
-- (No periode_filter here: a view is built once and must hold every semester.)
{{ config(materialized='view') }}

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
