-- The 2017 mutu/kinerja categories as half-open ranges on the ROUNDED Nilai (25-100):
-- [batas_bawah_efektif, batas_atas). The lowest category is open below (a legacy weight mode can
-- publish 24.75 for all-1 answers) and the highest open above.
with categories as (

    select * from {{ ref('mutu_categories') }}

)

select
    mutu,
    kinerja,
    nilai_persepsi,
    batas_bawah,
    case when batas_bawah = min(batas_bawah) over () then null else batas_bawah end as batas_bawah_efektif,
    lead(batas_bawah) over (order by batas_bawah) as batas_atas
from categories
