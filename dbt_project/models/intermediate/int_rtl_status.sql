-- Every RTL row read, exactly once: dipakai (used), karantina (with the first reason of the
-- seed rtl_alasan's order, and a message naming the file, the row, the field and the value for
-- every problem found) or duplikat (the same action - OPD, periode, unsur and kegiatan, compared
-- after normalise_label - as an earlier row, which it names). Nothing is dropped: the
-- reconciliation (rtl_rekonsiliasi) counts these against the rows read per file.
-- Penanggung jawab must name a position or unit (a word of the seed rtl_jabatan, as a whole
-- word): a bare person's name is personal data and is not published, so the row is quarantined
-- with a message asking for the position. The value in a message is quoted with chr(39): a
-- doubled quote inside a literal is one quote on DuckDB, nothing on Spark.
with rtl as (

    select * from {{ ref('stg_raw__rtl') }}

),

jabatan as (

    select lower(kata) as kata from {{ ref('rtl_jabatan') }}

),

penanggung_jawab as (

    select
        r.rtl_id,
        count(j.kata) > 0 as jabatan_dikenal
    from rtl as r
    left join jabatan as j
        on concat(' ', {{ regexp_replace_all('lower(r.penanggung_jawab)', '[^a-z0-9]+', ' ') }}, ' ')
           like concat('% ', j.kata, ' %')
    group by r.rtl_id

),

opd as (

    select opd_kode from {{ ref('int_opd') }}

),

checked as (

    select
        r.*,
        o.opd_kode is not null as opd_dikenal,
        pj.jabatan_dikenal,
        concat_ws(', ',
            case when r.opd_kode is null or r.opd_kode = '' then 'OPD' end,
            case when r.unsur_label is null then 'unsur' end,
            case when r.kegiatan is null then 'kegiatan' end,
            case when r.penanggung_jawab is null then 'penanggung jawab' end,
            case when r.target_waktu_tertulis is null then 'target waktu' end,
            case when r.status_tertulis is null then 'status' end
        ) as kolom_kosong
    from rtl as r
    left join opd as o
        on r.opd_kode = o.opd_kode
    left join penanggung_jawab as pj
        on r.rtl_id = pj.rtl_id

),

problems as (

    select
        c.*,
        case
            when c.kolom_kosong <> '' then 'kolom_wajib_kosong'
            when not c.opd_dikenal then 'opd_tidak_dikenal'
            when c.unsur is null then 'unsur_tidak_dikenal'
            when c.target_waktu is null then 'target_waktu_tidak_terbaca'
            when c.status is null then 'status_tidak_dikenal'
            when not c.jabatan_dikenal then 'penanggung_jawab_bukan_jabatan'
        end as alasan,
        concat_ws('; ',
            case when c.kolom_kosong <> '' then concat('kosong: ', c.kolom_kosong) end,
            case when c.opd_kode <> '' and not c.opd_dikenal
                then concat('OPD ', chr(39), c.opd_kode, chr(39), ' tidak ada dalam registri') end,
            case when c.unsur_label is not null and c.unsur is null
                then concat('unsur ', chr(39), c.unsur_tertulis, chr(39), ' tidak dikenal (kode, nama unsur, atau U1-U9)') end,
            case when c.target_waktu_tertulis is not null and c.target_waktu is null
                then concat('target waktu ', chr(39), c.target_waktu_tertulis, chr(39), ' bukan tanggal (2025-12-31 atau 31/12/2025)') end,
            case when c.status_tertulis is not null and c.status is null
                then concat('status ', chr(39), c.status_tertulis, chr(39), ' bukan rencana, berjalan atau selesai') end,
            case when c.penanggung_jawab is not null and not c.jabatan_dikenal
                then 'penanggung jawab bukan jabatan atau unit: tulis jabatannya (mis. Kepala Bidang Pelayanan), bukan nama orang' end
        ) as masalah_baris
    from checked as c

),

ranked as (

    select
        p.*,
        row_number() over (
            partition by p.periode_declared, p.opd_kode, p.unsur, p.kegiatan_label
            order by p.file_name, p.row_number
        ) as urutan_sama,
        first_value(concat(p.file_name, ' baris ', cast(p.row_number as {{ dbt.type_string() }}))) over (
            partition by p.periode_declared, p.opd_kode, p.unsur, p.kegiatan_label
            order by p.file_name, p.row_number
        ) as baris_pertama
    from problems as p
    where p.alasan is null

)

select
    p.rtl_id,
    p.file_name,
    p.file_sha256,
    p.periode_declared,
    p.row_number,
    p.opd_kode,
    p.unsur,
    p.urutan,
    p.unsur_nama,
    p.unsur_tertulis,
    p.masalah,
    p.kegiatan,
    p.penanggung_jawab,
    p.target_waktu,
    p.target_waktu_tertulis,
    p.status,
    p.status_tertulis,
    p.keterangan,
    'karantina' as status_baris,
    p.alasan,
    concat(p.file_name, ' baris ', cast(p.row_number as {{ dbt.type_string() }}), ': ', p.masalah_baris) as pesan,
    cast(null as {{ dbt.type_string() }}) as duplikat_dari
from problems as p
where p.alasan is not null

union all

select
    r.rtl_id,
    r.file_name,
    r.file_sha256,
    r.periode_declared,
    r.row_number,
    r.opd_kode,
    r.unsur,
    r.urutan,
    r.unsur_nama,
    r.unsur_tertulis,
    r.masalah,
    r.kegiatan,
    r.penanggung_jawab,
    r.target_waktu,
    r.target_waktu_tertulis,
    r.status,
    r.status_tertulis,
    r.keterangan,
    case when r.urutan_sama = 1 then 'dipakai' else 'duplikat' end as status_baris,
    case when r.urutan_sama = 1 then null else 'duplikat' end as alasan,
    case when r.urutan_sama > 1
        then concat(r.file_name, ' baris ', cast(r.row_number as {{ dbt.type_string() }}),
                    ': kegiatan yang sama sudah ada di ', r.baris_pertama)
    end as pesan,
    case when r.urutan_sama > 1 then r.baris_pertama end as duplikat_dari
from ranked as r
