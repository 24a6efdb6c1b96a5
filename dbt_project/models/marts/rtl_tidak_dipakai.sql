-- Published: the RTL rows not used, each with why: karantina (the first reason, rtl_alasan
-- seed, and a message naming the file, row, field and value of every problem) or duplikat (the
-- row it repeats). The OPD corrects its file and lands it again. Text masked.
select
    s.periode_declared,
    s.file_name,
    s.row_number,
    s.status_baris,
    s.alasan,
    a.keterangan as alasan_keterangan,
    s.pesan,
    s.duplikat_dari,
    s.opd_kode,
    s.unsur_tertulis,
    s.kegiatan,
    s.target_waktu_tertulis,
    s.status_tertulis
from {{ ref('int_rtl_status') }} as s
left join {{ ref('rtl_alasan') }} as a
    on s.alasan = a.alasan
where s.status_baris <> 'dipakai'
