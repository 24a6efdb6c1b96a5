{{ config(severity='warn') }}
-- Informative: a jenis layanan whose index is undefined because some unsur has no valid answer
-- in the periode (every respondent left it blank or answered "tidak tahu").
select periode, opd_kode, jenis_layanan, jumlah_responden, jumlah_unsur_terjawab
from {{ ref('ikm_layanan') }}
where nilai_ikm is null
