-- Published: the OPD's follow-up plan (rencana tindak lanjut, RTL), one row per action of every
-- RTL file row used (int_rtl_status 'dipakai'), with the unsur's published value and rank in the
-- periode the plan answers (the periode folder it was filed under): what the OPD saw when it
-- made the plan. Free text with personal data masked. A full table: every run re-reads every RTL file.
with actions as (

    select * from {{ ref('int_rtl_status') }}
    where status_baris = 'dipakai'

),

prioritas as (

    select periode, opd_kode, unsur, prioritas, nilai_unsur, mutu
    from {{ ref('prioritas_unsur') }}

)

select
    a.periode_declared as periode,
    a.opd_kode,
    coalesce(o.opd_nama, a.opd_kode) as opd_nama,
    a.unsur,
    a.urutan,
    a.unsur_nama,
    p.prioritas,
    p.nilai_unsur,
    p.mutu,
    a.masalah,
    a.kegiatan,
    a.penanggung_jawab,
    a.target_waktu,
    a.status,
    a.keterangan,
    a.file_name,
    a.row_number
from actions as a
left join {{ ref('int_opd') }} as o
    on a.opd_kode = o.opd_kode
left join prioritas as p
    on a.periode_declared = p.periode
   and a.opd_kode = p.opd_kode
   and a.unsur = p.unsur
