-- The ikm_kota mart (one row per periode), the city headline: the profile the GX suite ikm_kota
-- validates.
select
    periode,
    cast(jumlah_opd as bigint) as jumlah_opd,
    cast(jumlah_responden as bigint) as jumlah_responden,
    cast(ikm as double) as ikm,
    cast(nilai_ikm as double) as nilai_ikm,
    mutu,
    kinerja,
    cast(nilai_ikm_rata_opd as double) as nilai_ikm_rata_opd
from {{ ref('ikm_kota') }}
