-- Published: the saran / masukan of the responses that count, one row per response that wrote
-- one, with personal data masked in the text (int_saran: mask_personal_text). No respondent key:
-- a saran cannot be joined back to a response or a raw row.
{{ config(**periode_config('periode')) }}

select
    s.periode,
    s.opd_kode,
    coalesce(o.opd_nama, s.opd_kode) as opd_nama,
    s.jenis_layanan,
    s.saran,
    s.disamarkan
from {{ ref('int_saran') }} as s
left join {{ ref('int_opd') }} as o
    on s.opd_kode = o.opd_kode
where {{ periode_filter('s.periode') }}
