-- Published: does every OPD have a plan for its weakest unsur? Per periode x OPD with a published
-- index: its weakest unsur (prioritas_unsur rank 1) and its value, how many actions its RTL
-- has (for any unsur, for the weakest, for the three priorities), ada_rtl and
-- unsur_terlemah_ditangani. The city Laporan lists the OPD where it is false.
with prioritas as (

    select periode, opd_kode, opd_nama, prioritas, unsur, unsur_nama, nilai_unsur
    from {{ ref('prioritas_unsur') }}
    where nilai_unsur is not null

),

opd as (

    select periode, opd_kode from {{ ref('ikm_opd') }}

),

actions as (

    select periode, opd_kode, unsur from {{ ref('rencana_tindak_lanjut') }}

),

weakest as (

    select * from prioritas where prioritas = 1

),

counted as (

    select
        o.periode,
        o.opd_kode,
        count(a.unsur) as jumlah_kegiatan,
        count(case when a.unsur = w.unsur then 1 end) as jumlah_kegiatan_unsur_terlemah,
        count(distinct case when p.prioritas <= 3 then a.unsur end) as prioritas_ditangani
    from opd as o
    left join weakest as w
        on o.periode = w.periode
       and o.opd_kode = w.opd_kode
    left join actions as a
        on o.periode = a.periode
       and o.opd_kode = a.opd_kode
    left join prioritas as p
        on a.periode = p.periode
       and a.opd_kode = p.opd_kode
       and a.unsur = p.unsur
    group by o.periode, o.opd_kode

)

select
    c.periode,
    c.opd_kode,
    coalesce(i.opd_nama, c.opd_kode) as opd_nama,
    w.unsur as unsur_terlemah,
    w.unsur_nama as unsur_terlemah_nama,
    w.nilai_unsur as nilai_unsur_terlemah,
    c.jumlah_kegiatan,
    c.jumlah_kegiatan_unsur_terlemah,
    c.prioritas_ditangani,
    c.jumlah_kegiatan > 0 as ada_rtl,
    c.jumlah_kegiatan_unsur_terlemah > 0 as unsur_terlemah_ditangani
from counted as c
left join weakest as w
    on c.periode = w.periode
   and c.opd_kode = w.opd_kode
left join {{ ref('int_opd') }} as i
    on c.opd_kode = i.opd_kode
