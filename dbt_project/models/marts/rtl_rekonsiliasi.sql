-- Published: what became of every landed RTL file and its rows: rows read = dipakai +
-- karantina + duplikat (seimbang), with the file's status and message (a file refused whole is
-- here with 0 rows and why). Rows in the lake without a loaded file (a damaged lake) appear as a
-- line of their own with status_berkas NULL and seimbang false. The dbt test
-- assert_rtl_reconciliation_balanced blocks publication when a row is unaccounted for.
with files as (

    select * from {{ ref('stg_raw__rtl_files') }}

),

rows_by_file as (

    select
        file_sha256,
        min(file_name) as file_name,
        min(periode_declared) as periode_declared,
        count(*) as baris,
        count(case when status_baris = 'dipakai' then 1 end) as baris_dipakai,
        count(case when status_baris = 'karantina' then 1 end) as baris_karantina,
        count(case when status_baris = 'duplikat' then 1 end) as baris_duplikat
    from {{ ref('int_rtl_status') }}
    group by file_sha256

)

select
    coalesce(f.periode_declared, r.periode_declared) as periode_declared,
    coalesce(f.file_name, r.file_name) as file_name,
    coalesce(f.file_sha256, r.file_sha256) as file_sha256,
    f.status as status_berkas,
    f.message as pesan,
    coalesce(f.rows_read, 0) as baris_dibaca,
    coalesce(f.rows_blank, 0) as baris_kosong,
    coalesce(r.baris_dipakai, 0) as baris_dipakai,
    coalesce(r.baris_karantina, 0) as baris_karantina,
    coalesce(r.baris_duplikat, 0) as baris_duplikat,
    f.file_name is not null
        and coalesce(f.rows_read, 0) = coalesce(r.baris, 0) as seimbang
from files as f
full outer join rows_by_file as r
    on f.file_sha256 = r.file_sha256
   and f.status = 'loaded'
