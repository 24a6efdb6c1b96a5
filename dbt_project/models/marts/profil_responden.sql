-- Published: the respondent profile per periode x OPD (Laporan SKM "profil responden"): used
-- responses counted per jenis kelamin, usia band, pendidikan and pekerjaan.
{{ config(**periode_config('periode')) }}

with used as (

    select * from {{ ref('int_responses_used') }}
    where {{ periode_filter('periode') }}

),

profile as (

    select periode, opd_kode, 'jenis_kelamin' as dimensi, jenis_kelamin as kategori from used
    union all
    select periode, opd_kode, 'usia_kelompok' as dimensi, usia_kelompok as kategori from used
    union all
    select periode, opd_kode, 'pendidikan' as dimensi, pendidikan as kategori from used
    union all
    select periode, opd_kode, 'pekerjaan' as dimensi, pekerjaan as kategori from used

),

counted as (

    select
        periode,
        opd_kode,
        dimensi,
        kategori,
        count(*) as jumlah_responden
    from profile
    group by periode, opd_kode, dimensi, kategori

)

select
    c.periode,
    c.opd_kode,
    coalesce(o.opd_nama, c.opd_kode) as opd_nama,
    c.dimensi,
    c.kategori,
    c.jumlah_responden,
    {{ round_half_up('100.0 * c.jumlah_responden / sum(c.jumlah_responden) over (partition by c.periode, c.opd_kode, c.dimensi)', 2) }} as persen
from counted as c
left join {{ ref('int_opd') }} as o
    on c.opd_kode = o.opd_kode
