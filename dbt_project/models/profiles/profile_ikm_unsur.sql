-- The ikm_unsur mart (one row per periode x OPD x unsur), plus the gap between nrr x 25 and
-- nilai_unsur: the profile the GX suite ikm_unsur validates.
select
    periode,
    opd_kode,
    opd_nama,
    unsur,
    unsur_nama,
    cast(jumlah_jawaban as bigint) as jumlah_jawaban,
    cast(nrr as double) as nrr,
    cast(nrr_tertimbang as double) as nrr_tertimbang,
    cast(nilai_unsur as double) as nilai_unsur,
    mutu,
    cast(abs(nrr * 25 - nilai_unsur) as double) as selisih_konversi
from {{ ref('ikm_unsur') }}
