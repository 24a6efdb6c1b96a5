-- Published: is the change since the previous semester real? Per periode and the city / each
-- OPD, the published Nilai IKM beside the previous semester's, the difference and its standard
-- error sqrt(se1^2 + se2^2) from ketidakpastian_ikm; perubahan_nyata when |selisih| is more
-- than 1.96 standard errors (NULL without the previous semester). A full table: every run sees
-- every semester, so a semester run gives the same rows as a full build.
with nilai as (

    select periode, level, opd_kode, nilai_ikm, galat_baku
    from {{ ref('ketidakpastian_ikm') }}
    where level in ('kota', 'opd')

)

select
    n.periode,
    n.level,
    n.opd_kode,
    n.nilai_ikm,
    n.galat_baku,
    {{ periode_sebelumnya('n.periode') }} as periode_sebelumnya,
    p.nilai_ikm as nilai_ikm_sebelumnya,
    p.galat_baku as galat_baku_sebelumnya,
    n.nilai_ikm - p.nilai_ikm as selisih,
    {{ round_half_up('sqrt(n.galat_baku * n.galat_baku + p.galat_baku * p.galat_baku)', 4) }} as galat_baku_selisih,
    case
        when p.nilai_ikm is null or n.nilai_ikm is null or n.galat_baku is null or p.galat_baku is null then null
        else abs(n.nilai_ikm - p.nilai_ikm) > 1.96 * sqrt(n.galat_baku * n.galat_baku + p.galat_baku * p.galat_baku)
    end as perubahan_nyata
from nilai as n
left join nilai as p
    on p.periode = {{ periode_sebelumnya('n.periode') }}
   and p.level = n.level
   and coalesce(p.opd_kode, '') = coalesce(n.opd_kode, '')
