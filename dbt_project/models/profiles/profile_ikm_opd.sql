-- The ikm_opd mart as published (one row per periode x OPD), plus the gap between ikm x 25 and
-- nilai_ikm: the profile the GX suite marts validates.
select
    periode,
    opd_kode,
    opd_nama,
    cast(jumlah_responden as bigint) as jumlah_responden,
    cast(ikm as double) as ikm,
    cast(nilai_ikm as double) as nilai_ikm,
    mutu,
    kinerja,
    cast(abs(ikm * 25 - nilai_ikm) as double) as selisih_konversi
from {{ ref('ikm_opd') }}
