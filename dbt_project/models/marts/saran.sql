-- Published: the saran / masukan of the responses that count, one row per response that wrote
-- one, with personal data masked in the text (mask_personal_text). No respondent key: a saran
-- cannot be joined back to a response or a raw row.
{{ config(**periode_config('periode')) }}

with used as (

    select response_id, periode, opd_kode, jenis_layanan
    from {{ ref('int_responses_used') }}
    where {{ periode_filter('periode_declared') }}

),

written as (

    select response_id, saran
    from {{ ref('stg_raw__responses') }}
    where {{ periode_filter('periode_declared') }}
      and saran is not null

),

masked as (

    select
        u.periode,
        u.opd_kode,
        u.jenis_layanan,
        w.saran as saran_asli,
        {{ mask_personal_text('w.saran') }} as saran
    from used as u
    inner join written as w
        on u.response_id = w.response_id

)

select
    m.periode,
    m.opd_kode,
    coalesce(o.opd_nama, m.opd_kode) as opd_nama,
    m.jenis_layanan,
    m.saran,
    m.saran <> m.saran_asli as disamarkan
from masked as m
left join {{ ref('int_opd') }} as o
    on m.opd_kode = o.opd_kode
