-- One row per raw data row of a loaded export: ids, trimmed texts, the survey time in WITA, its
-- periode, normalised demographics. Answers stay raw here (scored in int_answers).
{{ config(**periode_config('periode_declared')) }}

with responses as (

    -- only the periode range on a semester run: DuckDB skips the other files' row groups by the
    -- Parquet statistics of the constant periode_declared column
    select * from {{ source('raw', 'responses') }}
    where {{ periode_filter('periode_declared') }}

),

loaded_files as (

    -- only files whose log status is 'loaded' count (a replaced or removed file's rows do not);
    -- grouped so that a doubled log row can never double responses (tested on stg_raw__ingest_files)
    select
        source_code,
        file_sha256,
        min(ingested_at) as file_ingested_at
    from {{ ref('stg_raw__ingest_files') }}
    where is_loaded
    group by source_code, file_sha256

),

{#- The demographic texts repeat a few dozen spellings over millions of rows: each distinct
    text is normalised and looked up once (reading that one column of the lake), and the rows
    join the result on the text itself, instead of running the regular expressions per row. -#}
{%- set distinct_raw -%}
    select distinct nullif(trim(COLUMN), '') as raw
    from {{ source('raw', 'responses') }}
    where {{ periode_filter('periode_declared') }}
      and nullif(trim(COLUMN), '') is not null
{%- endset %}

{% for column, seed, target in [('jenis_kelamin', 'jenis_kelamin_labels', 'jenis_kelamin'),
                                ('pendidikan', 'pendidikan_labels', 'pendidikan'),
                                ('pekerjaan', 'pekerjaan_labels', 'pekerjaan')] %}
{{ column }}_values as (

    select v.raw, l.{{ target }}
    from ({{ distinct_raw | replace('COLUMN', column) }}) as v
    inner join {{ ref(seed) }} as l
        on {{ normalise_label('l.label') }} = {{ normalise_label('v.raw') }}

),

{% endfor %}
usia_values as (

    select
        v.raw,
        v.usia,
        coalesce(uk.usia_kelompok, ul.usia_kelompok) as usia_kelompok
    from (
        select raw, {{ usia_tahun(normalise_label('raw')) }} as usia
        from ({{ distinct_raw | replace('COLUMN', 'usia') }}) as d
    ) as v
    left join {{ ref('usia_kelompok') }} as uk
        on v.usia between uk.usia_min and uk.usia_max
    left join {{ ref('usia_kelompok_labels') }} as ul
        on v.usia is null
       and {{ normalise_usia_label('ul.label') }} = {{ normalise_usia_label('v.raw') }}

),

trimmed as (

    select
        r.source_code || ':' || left(r.file_sha256, 16) || ':' || cast(r.row_number as {{ dbt.type_string() }}) as response_id,
        r.source_code,
        nullif(trim(r.opd_kode), '') as opd_kode,
        r.file_name,
        r.file_sha256,
        r.periode_declared,
        r.row_number,
        f.file_ingested_at,
        r.source_timezone,
        nullif(trim(r.submission_id), '') as submission_id,
        nullif(trim(r.device_id), '') as device_id,
        nullif(trim(r.submitted_at), '') as submitted_at,
        r.submitted_at_iso,
        nullif(trim(r.jenis_layanan), '') as jenis_layanan,
        {% for k in unsur_keys() -%}
        nullif(trim(r.u_{{ k }}), '') as u_{{ k }},
        {% endfor -%}
        nullif(trim(r.jenis_kelamin), '') as jenis_kelamin_raw,
        nullif(trim(r.usia), '') as usia_raw,
        nullif(trim(r.pendidikan), '') as pendidikan_raw,
        nullif(trim(r.pekerjaan), '') as pekerjaan_raw,
        nullif(trim(r.saran), '') as saran,
        nullif(trim(r.respondent_hash), '') as respondent_hash
    from responses as r
    inner join loaded_files as f
        on r.source_code = f.source_code
       and r.file_sha256 = f.file_sha256

),

parsed as (

    select
        *,
        {{ submitted_at_wita('submitted_at_iso', 'source_timezone') }} as submitted_at_wita
    from trimmed

)

select
    p.response_id,
    p.source_code,
    p.opd_kode,
    p.file_name,
    p.file_sha256,
    p.periode_declared,
    p.row_number,
    p.file_ingested_at,
    p.source_timezone,
    p.submission_id,
    p.device_id,
    p.submitted_at,
    p.submitted_at_wita,
    {{ periode_label('p.submitted_at_wita') }} as periode,
    p.jenis_layanan,
    {{ unsur_columns('p.u_') }},
    p.jenis_kelamin_raw,
    coalesce(jk.jenis_kelamin, 'Tidak diketahui') as jenis_kelamin,
    p.usia_raw,
    us.usia,
    coalesce(us.usia_kelompok, 'Tidak diketahui') as usia_kelompok,
    p.pendidikan_raw,
    coalesce(pd.pendidikan, 'Tidak diketahui') as pendidikan,
    p.pekerjaan_raw,
    coalesce(pk.pekerjaan, 'Tidak diketahui') as pekerjaan,
    p.saran,
    p.respondent_hash
from parsed as p
left join jenis_kelamin_values as jk
    on jk.raw = p.jenis_kelamin_raw
left join usia_values as us
    on us.raw = p.usia_raw
left join pendidikan_values as pd
    on pd.raw = p.pendidikan_raw
left join pekerjaan_values as pk
    on pk.raw = p.pekerjaan_raw
