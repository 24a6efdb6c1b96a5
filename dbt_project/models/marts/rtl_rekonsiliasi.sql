-- Published: what became of every landed RTL file and its rows: rows read = dipakai +
-- karantina + duplikat (seimbang), with the file's status and message (a file refused whole is
-- here with 0 rows and why). The dbt test assert_rtl_reconciliation_balanced blocks publication
-- when a row is unaccounted for.
with files as (

    select * from {{ ref('stg_raw__rtl_files') }}

),

rows_by_file as (

    select
        file_sha256,
        count(*) as baris,
        count(case when status_baris = 'dipakai' then 1 end) as baris_dipakai,
        count(case when status_baris = 'karantina' then 1 end) as baris_karantina,
        count(case when status_baris = 'duplikat' then 1 end) as baris_duplikat
    from {{ ref('int_rtl_status') }}
    group by file_sha256

)

select
    f.periode_declared,
    f.file_name,
    f.file_sha256,
    f.status as status_berkas,
    f.message as pesan,
    coalesce(f.rows_read, 0) as baris_dibaca,
    coalesce(f.rows_blank, 0) as baris_kosong,
    coalesce(case when f.status = 'loaded' then r.baris_dipakai end, 0) as baris_dipakai,
    coalesce(case when f.status = 'loaded' then r.baris_karantina end, 0) as baris_karantina,
    coalesce(case when f.status = 'loaded' then r.baris_duplikat end, 0) as baris_duplikat,
    coalesce(f.rows_read, 0) = coalesce(case when f.status = 'loaded' then r.baris end, 0) as seimbang
from files as f
left join rows_by_file as r
    on f.file_sha256 = r.file_sha256
