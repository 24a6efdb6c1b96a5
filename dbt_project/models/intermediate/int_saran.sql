-- The saran of the responses that count, masked once: one row per response that wrote one, the
-- text with personal data replaced (mask_personal_text). Both published readers of free text
-- (marts saran and saran_tema) read this, so the masking is written and run once and the theme
-- tagging only ever sees the masked text. No respondent key is carried on.
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
    periode,
    opd_kode,
    jenis_layanan,
    saran,
    saran <> saran_asli as disamarkan
from masked
