-- The OPD's follow-up plans, one row per filled-in row of every loaded RTL file: the values
-- read (OPD upper case, unsur resolved against the unsur seed by key, name or U1-U9, target
-- waktu as a date, status one of three words), the free text with personal data masked, and
-- the raw text kept (masked) where a value does not read, for the quarantine message.
with source as (

    select * from {{ source('raw', 'rtl') }}

),

unsur as (

    select unsur, urutan, unsur_nama from {{ ref('unsur') }}

),

read as (

    select
        concat(s.file_sha256, '-', cast(s.row_number as {{ dbt.type_string() }})) as rtl_id,
        s.file_name,
        s.file_sha256,
        s.periode_declared,
        s.row_number,
        upper(trim(s.opd_kode)) as opd_kode,
        {{ mask_personal_text('s.unsur') }} as unsur_tertulis,
        {{ normalise_label('s.unsur') }} as unsur_label,
        {{ mask_personal_text('s.masalah') }} as masalah,
        {{ mask_personal_text('s.kegiatan') }} as kegiatan,
        {{ normalise_label('s.kegiatan') }} as kegiatan_label,
        {{ mask_personal_text('s.penanggung_jawab') }} as penanggung_jawab,
        {{ mask_personal_text('s.target_waktu') }} as target_waktu_tertulis,
        {{ rtl_target_date('s.target_waktu') }} as target_waktu,
        {{ mask_personal_text('s.status') }} as status_tertulis,
        {{ rtl_status('s.status') }} as status,
        {{ mask_personal_text('s.keterangan') }} as keterangan
    from source as s

)

select
    r.*,
    u.unsur,
    u.urutan,
    u.unsur_nama
from read as r
left join unsur as u
    on r.unsur_label = u.unsur
    or r.unsur_label = {{ normalise_label('u.unsur_nama') }}
    or r.unsur_label = concat('u', cast(u.urutan as {{ dbt.type_string() }}))
