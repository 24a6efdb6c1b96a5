{#- What differs between the engines at the level of the project (not of one expression). -#}

{#- Periode models are incremental on DuckDB (semester runs replace one semester: macros/periode.sql).
    dbt-spark has no delete+insert on plain Parquet tables, so on Spark they are tables rebuilt
    whole: a Spark build is always a full build. -#}
{% macro periode_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}

{#- The raw Parquet lake as tables of the `raw` schema. DuckDB reads the files directly (the
    sources' `external_location`); Spark gets external tables over the same files, re-created at
    the start of every run so that files landed since are seen. Run as on-run-start. -#}
{% macro create_raw_tables() -%}
    {{ return(adapter.dispatch('create_raw_tables', 'skm')()) }}
{%- endmacro %}

{% macro default__create_raw_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__create_raw_tables() -%}
    {%- set lake = var('data_dir', env_var('SKM_DATA_DIR', '../data')) ~ '/warehouse/raw' -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for name, path, recursive in [('responses', lake ~ '/responses', true),
                                      ('ingest_files', lake ~ '/ingest_files.parquet', false),
                                      ('sources', lake ~ '/sources.parquet', false),
                                      ('rtl', lake ~ '/rtl', true),
                                      ('rtl_files', lake ~ '/rtl_files.parquet', false)] -%}
        {%- do run_query('drop table if exists raw.' ~ name) -%}
        {%- do run_query("create table raw." ~ name ~ " using parquet options (path " ~ sql_string(path)
                         ~ (", recursiveFileLookup 'true', mergeSchema 'true'" if recursive else "") ~ ")") -%}
    {%- endfor -%}
    select 1
{%- endmacro %}

{#- Spark only, with --vars '{spark_export_dir: /abs/dir}': every model of the schemas the gates
    and the publish step read (marts, profiles) written as Parquet under <dir>/<schema>/<model>/,
    at the end of the same build (one Spark start-up). The pipeline mirrors them into the DuckDB
    working warehouse (pipelines/transform/spark_mirror.py), which every gate, the GX suites and
    the publish step read, whatever the engine; tests/test_spark_parity.py compares them with the
    DuckDB build. -#}
{% macro export_tables() -%}
    {%- set out = var('spark_export_dir', none) -%}
    {%- if execute and target.type == 'spark' and out -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model'
                and node.config.schema in ('marts', 'profiles') and node.config.materialized != 'ephemeral' -%}
            {%- do run_query("insert overwrite directory " ~ sql_string(out ~ "/" ~ node.config.schema ~ "/" ~ node.alias)
                             ~ " using parquet select * from " ~ node.schema ~ "." ~ node.alias) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- The config of every periode model, in one place: `{{ config(**periode_config('periode')) }}`
    (aggregates and marts) or `periode_declared` (row-level models). On DuckDB an incremental
    model whose semester range is replaced on a semester run (macros/periode.sql); on Spark a
    table. -#}
{% macro periode_config(key) -%}
    {{ return({
        'materialized': periode_materialization(),
        'incremental_strategy': 'delete+insert',
        'unique_key': key,
        'full_refresh': periode_full_refresh(),
        'pre_hook': "{{ periode_delete('" ~ key ~ "') }}",
    }) }}
{%- endmacro %}
