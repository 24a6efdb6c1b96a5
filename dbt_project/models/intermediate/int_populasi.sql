-- Population (service recipients) per periode x OPD (jenis_layanan NULL) or OPD x jenis layanan:
-- the populasi seed plus any rows the registry gives (var populasi_tambahan, passed by the
-- Dagster asset from the `kepercayaan.populasi` block). A row from the registry wins over the
-- seed's row for the same unit. Units absent here have an unknown population.
with seed as (

    select
        cast(periode as {{ dbt.type_string() }}) as periode,
        cast(opd_kode as {{ dbt.type_string() }}) as opd_kode,
        cast(nullif(trim(jenis_layanan), '') as {{ dbt.type_string() }}) as jenis_layanan,
        cast(populasi as bigint) as populasi,
        2 as prioritas
    from {{ ref('populasi') }}

),

registry as (

    {%- set extra = var('populasi_tambahan', []) or [] %}
    {%- if extra | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as periode,
        cast(null as {{ dbt.type_string() }}) as opd_kode,
        cast(null as {{ dbt.type_string() }}) as jenis_layanan,
        cast(null as bigint) as populasi,
        1 as prioritas
    from {{ ref('populasi') }}
    where 1 = 0
    {%- else %}
    {%- for r in extra %}
    select
        cast({{ sql_string(r["periode"]) }} as {{ dbt.type_string() }}) as periode,
        cast({{ sql_string(r["opd_kode"]) }} as {{ dbt.type_string() }}) as opd_kode,
        {% if r.get("jenis_layanan") %}cast({{ sql_string(r["jenis_layanan"]) }} as {{ dbt.type_string() }}){% else %}cast(null as {{ dbt.type_string() }}){% endif %} as jenis_layanan,
        cast({{ r["populasi"] | int }} as bigint) as populasi,
        1 as prioritas
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- endif %}

),

both_sources as (

    select * from seed
    union all
    select * from registry

),

ranked as (

    select
        *,
        row_number() over (
            partition by periode, opd_kode, coalesce(jenis_layanan, '')
            order by prioritas
        ) as urutan
    from both_sources

)

select
    periode,
    opd_kode,
    jenis_layanan,
    case when jenis_layanan is null then 'opd' else 'layanan' end as level,
    populasi
from ranked
where urutan = 1
