-- Published: what citizens say per periode x OPD x unsur (and 'umum', the saran that name no
-- unsur), from saran_tema: how many saran speak of it, the keywords found most often, and three
-- example texts (masked). Only unsur with at least one saran have a row.
-- Examples: the distinct texts (ignoring case) of at most 200 characters, longest first, then by
-- text, so the choice is the same on every run and engine; a longer text only when too few are
-- short enough (cut at 200). Keywords: the 5 most frequent, 'antre (12), lama (5)', counted once
-- per saran.
{{ config(**periode_config('periode')) }}

with tema as (

    select periode, opd_kode, opd_nama, saran_nomor, saran, unsur, kata_kunci
    from {{ ref('saran_tema') }}
    where {{ periode_filter('periode') }}

),

jumlah as (

    select periode, opd_kode, min(opd_nama) as opd_nama, unsur, count(*) as jumlah_saran
    from tema
    group by periode, opd_kode, unsur

),

kata_per_saran as (

    {{ split_words('tema', ['periode', 'opd_kode', 'unsur', 'saran_nomor'], 'kata_kunci', ', ') }}

),

kata as (

    select periode, opd_kode, unsur, kata, count(*) as jumlah,
           row_number() over (partition by periode, opd_kode, unsur order by count(*) desc, kata) as urutan
    from kata_per_saran
    group by periode, opd_kode, unsur, kata

),

kata_teratas as (

    select periode, opd_kode, unsur,
           nullif(concat_ws(', '
               {%- for i in range(1, 6) %},
               max(case when urutan = {{ i }} then concat(kata, ' (', cast(jumlah as string), ')') end)
               {%- endfor %}), '') as kata_teratas
    from kata
    where urutan <= 5
    group by periode, opd_kode, unsur

),

contoh_teks as (

    select periode, opd_kode, unsur, min(saran) as saran
    from tema
    group by periode, opd_kode, unsur, lower(saran)

),

contoh as (

    select periode, opd_kode, unsur,
           {%- for i in range(1, 4) %}
           max(case when urutan = {{ i }} then substring(saran, 1, 200) end) as contoh_{{ i }}{{ ',' if not loop.last }}
           {%- endfor %}
    from (
        select periode, opd_kode, unsur, saran,
               row_number() over (partition by periode, opd_kode, unsur
                                  order by case when length(saran) <= 200 then 0 else 1 end,
                                           length(saran) desc, saran) as urutan
        from contoh_teks
    ) as r
    where urutan <= 3
    group by periode, opd_kode, unsur

)

select
    j.periode,
    j.opd_kode,
    j.opd_nama,
    j.unsur,
    coalesce(u.unsur_nama, 'Umum') as unsur_nama,
    j.jumlah_saran,
    k.kata_teratas,
    c.contoh_1,
    c.contoh_2,
    c.contoh_3
from jumlah as j
left join kata_teratas as k
    on j.periode = k.periode and j.opd_kode = k.opd_kode and j.unsur = k.unsur
left join contoh as c
    on j.periode = c.periode and j.opd_kode = c.opd_kode and j.unsur = c.unsur
left join {{ ref('unsur') }} as u
    on j.unsur = u.unsur
