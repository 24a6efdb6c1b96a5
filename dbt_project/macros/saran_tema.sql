{#- What citizens say, per unsur: tagging a saran with the unsur it speaks of, by the keyword
    lexicon of seeds/saran_leksikon.csv (the data team edits it; no code).

    The text is cut into words (lower case, everything but a-z is a space), each word into the
    forms it may be an affixed version of, and the forms are joined to the lexicon's words:

    - suffixes: -nya/-lah/-kah/-pun, then -kan/-an/-i ("antreannya" -> antrean -> antre);
    - prefixes: diper-, memper-, me(ng|ny|m|n)-, pe(ng|ny|m|n|r)-, ber-, ter-, di-, ke-, and the
      spoken ng(e)- ("ngantri"), on the word and on each suffix-stripped form ("mengantre" ->
      antre, "keramahan" -> ramah, "dipercepat" -> cepat);
    - the nasal prefixes' dropped first letter put back: meny-/peny- + vowel -> s, men-/pen- -> t,
      mem-/pem- -> p, meng-/peng- -> k ("menunggu" -> tunggu, "memahami" -> paham).

    The word itself is always one of its forms, so a keyword may be written as a root ("antre")
    or as it is spelled ("pengaduan"); a wrong strip only adds a form that matches nothing (a
    stripped form that happens to be a keyword is the risk: keep keywords longer than 2 letters
    unless they are exact words such as "ac"). A keyword of several words ("ruang tunggu") matches
    its words at consecutive positions; a match inside a longer one is dropped ("tunggu" within
    "ruang tunggu" is sarana, not waktu). Spelling variants are rows whose kata_baku names the
    keyword they count as (antri -> antre).

    Set-based and portable: word splitting is the only engine-specific part (split_words below);
    the anchored regexp_replace / regexp_extract calls behave the same on DuckDB (first match) and
    Spark (every match: an anchored pattern matches once). -#}

{#- Rows (<keys>, posisi, kata) of `relation`: the words of `text` split on `sep` (a literal;
    on Spark a regular expression, so keep it plain), numbered from 1; empty words dropped. -#}
{% macro split_words(relation, keys, text, sep=' ') -%}
    {{ return(adapter.dispatch('split_words', 'skm')(relation, keys, text, sep)) }}
{%- endmacro %}

{% macro duckdb__split_words(relation, keys, text, sep) -%}
    select {{ keys | join(', ') }}, posisi, kata
    from (
        select {{ keys | join(', ') }},
               unnest(_kata) as kata,
               unnest(range(1, len(_kata) + 1)) as posisi
        from (select {{ keys | join(', ') }}, string_split({{ text }}, '{{ sep }}') as _kata from {{ relation }}) as _s
    ) as _w
    where kata <> ''
{%- endmacro %}

{% macro spark__split_words(relation, keys, text, sep) -%}
    select {{ keys | join(', ') }}, posisi, kata
    from (
        select {{ keys | join(', ') }}, _p.posisi + 1 as posisi, _p.kata
        from (select {{ keys | join(', ') }}, split({{ text }}, '{{ sep }}') as _kata from {{ relation }}) as _s
        lateral view posexplode(_kata) _p as posisi, kata
    ) as _w
    where kata <> ''
{%- endmacro %}

{% macro default__split_words(relation, keys, text, sep) %}{{ not_ported('split_words') }}{% endmacro %}

{#- Every match of `pattern` replaced (DuckDB needs the 'g' option, Spark replaces every match). -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'skm')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) %}{{ not_ported('regexp_replace_all') }}{% endmacro %}

{#- The distinct values of `expr` in the group, sorted, joined with `sep` (NULL for none). -#}
{% macro sorted_distinct_join(expr, sep=', ') -%}
    {{ return(adapter.dispatch('sorted_distinct_join', 'skm')(expr, sep)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_join(expr, sep) -%}
    string_agg(distinct {{ expr }}, '{{ sep }}' order by {{ expr }})
{%- endmacro %}

{% macro spark__sorted_distinct_join(expr, sep) -%}
    nullif(array_join(array_sort(collect_set({{ expr }})), '{{ sep }}'), '')
{%- endmacro %}

{% macro default__sorted_distinct_join(expr, sep) %}{{ not_ported('sorted_distinct_join') }}{% endmacro %}

{#- A text as the tagging reads it: lower case, every run of non-letters one space, trimmed. -#}
{% macro saran_words_text(expr) -%}
    trim({{ regexp_replace_all('lower(' ~ expr ~ ')', '[^a-z]+', ' ') }})
{%- endmacro %}

{#- CTE definitions (to put in a model's WITH list, after the CTE `texts`) ending in the CTE
    `saran_tema_cocok`: one row per (<key>, unsur, kata_kunci) for every lexicon keyword found in
    the text, kata_kunci being the keyword's kata_baku when it has one. `texts` must have the
    columns `key` (unique) and `text`. `leksikon` is the lexicon relation (default: the seed). -#}
{% macro saran_tema_ctes(texts, key, text, leksikon=none) -%}
    {%- set leksikon = leksikon or ref('saran_leksikon') -%}
    _st_norm as (
        select {{ key }} as _key, {{ saran_words_text(text) }} as _teks from {{ texts }}
    ),
    _st_kata as (
        {{ split_words('_st_norm', ['_key'], '_teks') }}
    ),
    _st_sufiks as (
        select _key, posisi, kata as s0,
               regexp_replace(kata, '(nya|lah|kah|pun)$', '') as s1,
               regexp_replace(regexp_replace(kata, '(nya|lah|kah|pun)$', ''), '(kan|an|i)$', '') as s2
        from _st_kata
    ),
    _st_dasar as (
        select _key, posisi, s0 as bentuk from _st_sufiks
        union select _key, posisi, s1 from _st_sufiks
        union select _key, posisi, s2 from _st_sufiks
    ),
    _st_bentuk as (
        select _key, posisi, bentuk from _st_dasar
        union
        select _key, posisi,
               regexp_replace(bentuk, '^(diper|memper|meng|meny|mem|men|me|peng|peny|pem|pen|per|pe|ber|ter|di|ke|nge|ng)', '')
        from _st_dasar
        union
        select _key, posisi,
               concat(case when bentuk like 'meny%' or bentuk like 'peny%' then 's'
                           when bentuk like 'meng%' or bentuk like 'peng%' then 'k'
                           when bentuk like 'mem%' or bentuk like 'pem%' then 'p'
                           else 't' end,
                      regexp_extract(bentuk, '^(?:meny|peny|meng|peng|mem|pem|men|pen)([aiueo][a-z]*)$', 1))
        from _st_dasar
        where regexp_extract(bentuk, '^(?:meny|peny|meng|peng|mem|pem|men|pen)([aiueo][a-z]*)$', 1) <> ''
    ),
    _st_leksikon as (
        select {{ saran_words_text('kata_kunci') }} as kata_kunci,
               unsur,
               coalesce(nullif({{ saran_words_text('kata_baku') }}, ''), {{ saran_words_text('kata_kunci') }}) as kata_baku
        from {{ leksikon }}
        where kata_kunci is not null and unsur is not null
    ),
    _st_leksikon_kata as (
        {{ split_words('_st_leksikon', ['kata_kunci', 'unsur', 'kata_baku'], 'kata_kunci') }}
    ),
    _st_leksikon_panjang as (
        select kata_kunci, unsur, kata_baku, count(*) as jumlah_kata
        from _st_leksikon_kata
        group by kata_kunci, unsur, kata_baku
    ),
    _st_temuan as (
        -- a keyword's words found at consecutive positions: same start (position - word's index)
        select b._key, l.kata_kunci, l.unsur, l.kata_baku, b.posisi - l.posisi + 1 as mulai,
               count(distinct l.posisi) as kata_cocok
        from _st_bentuk as b
        inner join _st_leksikon_kata as l
            on b.bentuk = l.kata
        group by b._key, l.kata_kunci, l.unsur, l.kata_baku, b.posisi - l.posisi + 1
    ),
    _st_utuh as (
        select t._key, t.kata_kunci, t.unsur, t.kata_baku, t.mulai, t.mulai + p.jumlah_kata - 1 as akhir,
               p.jumlah_kata
        from _st_temuan as t
        inner join _st_leksikon_panjang as p
            on t.kata_kunci = p.kata_kunci and t.unsur = p.unsur and t.kata_baku = p.kata_baku
        where t.kata_cocok = p.jumlah_kata
    ),
    saran_tema_cocok as (
        -- a match within a longer one is not a match of its own
        select distinct a._key as {{ key }}, a.unsur, a.kata_baku as kata_kunci
        from _st_utuh as a
        left join _st_utuh as b
            on a._key = b._key
           and b.jumlah_kata > a.jumlah_kata
           and b.mulai <= a.mulai
           and b.akhir >= a.akhir
        where b._key is null
    )
{%- endmacro %}
