-- Published: what each saran speaks of. One row per (masked) saran x unsur it mentions, by the
-- keyword lexicon (seed saran_leksikon, macros/saran_tema.sql); a saran matching no keyword has
-- one row with unsur 'umum'. The tagging reads the masked text of int_saran, never the raw one.
-- saran_nomor numbers the saran within periode x OPD by their text (then jenis layanan): it ties
-- the rows of one saran together and says nothing about the response (no time, no row order).
{{ config(**periode_config('periode')) }}

with numbered as (

    select
        s.periode,
        s.opd_kode,
        coalesce(o.opd_nama, s.opd_kode) as opd_nama,
        s.jenis_layanan,
        s.saran,
        cast(row_number() over (partition by s.periode, s.opd_kode order by s.saran, s.jenis_layanan) as bigint) as saran_nomor
    from {{ ref('int_saran') }} as s
    left join {{ ref('int_opd') }} as o
        on s.opd_kode = o.opd_kode
    where {{ periode_filter('s.periode') }}

),

-- each distinct text is tagged once (many saran are the same few words)
texts as (

    select distinct saran from numbered

),

{{ saran_tema_ctes('texts', 'saran', 'saran') }},

tema as (

    select saran, unsur, {{ sorted_distinct_join('kata_kunci') }} as kata_kunci
    from saran_tema_cocok
    group by saran, unsur

)

select
    n.periode,
    n.opd_kode,
    n.opd_nama,
    n.jenis_layanan,
    n.saran_nomor,
    n.saran,
    coalesce(t.unsur, 'umum') as unsur,
    t.kata_kunci
from numbered as n
left join tema as t
    on n.saran = t.saran
