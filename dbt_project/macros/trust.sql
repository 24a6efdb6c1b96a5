{#- "Can the number be trusted?" (issue 8): sample adequacy, uncertainty, suspicious submissions. -#}

{#- Krejcie & Morgan (1970) minimum sample for a population N:
      s = X2 N P (1-P) / (d2 (N-1) + X2 P (1-P)),  X2 = 3.841, P = 0.5, d = 0.05,
    rounded to the NEAREST integer (half up), which is how the published table was made: N = 500
    gives 217.47 -> 217 and N = 100 gives 79.5 -> 80 in the table (rounding up would print 218).
    NULL when N is NULL. Portable SQL (floor, arithmetic). -#}
{% macro krejcie_morgan(n_expr) -%}
    case when {{ n_expr }} is not null and {{ n_expr }} > 0 then
        cast(floor(
            3.841 * cast({{ n_expr }} as double) * 0.25
            / (0.0025 * (cast({{ n_expr }} as double) - 1) + 3.841 * 0.25)
            + 0.5
        ) as integer)
    end
{%- endmacro %}

{#- Minutes from timestamp a to timestamp b (b later is positive), as a double. -#}
{% macro minutes_between(a, b) -%}
    {{ return(adapter.dispatch('minutes_between', 'skm')(a, b)) }}
{%- endmacro %}

{% macro default__minutes_between(a, b) %}{{ not_ported('minutes_between') }}{% endmacro %}

{% macro duckdb__minutes_between(a, b) -%}
    (cast(date_diff('second', {{ a }}, {{ b }}) as double) / 60.0)
{%- endmacro %}

{% macro spark__minutes_between(a, b) -%}
    (cast(unix_timestamp({{ b }}) - unix_timestamp({{ a }}) as double) / 60.0)
{%- endmacro %}

{#- Two rows of the same graded unit: periode, level (kota / opd / layanan), OPD and jenis
    layanan, the last two NULL above their level (hence null-safe). -#}
{% macro same_unit(a, b) -%}
    {{ a }}.periode = {{ b }}.periode
       and {{ a }}.level = {{ b }}.level
       and coalesce({{ a }}.opd_kode, '') = coalesce({{ b }}.opd_kode, '')
       and coalesce({{ a }}.jenis_layanan, '') = coalesce({{ b }}.jenis_layanan, '')
{%- endmacro %}

{#- A number as text with one decimal, rounded half up, for the reasons written into a row
    ('2.35' -> '2.4'): portable (floor, decimal). -#}
{% macro text_1_decimal(expr) -%}
    cast(cast(floor({{ expr }} * 10 + 0.5) / 10 as decimal(10, 1)) as {{ dbt.type_string() }})
{%- endmacro %}

{#- The policy for marked (suspicious) responses, var `kebijakan_ditandai`: 'hitung' (default:
    they count in the published index) or 'kecualikan' (left out of it). Marked rows are never
    deleted either way; ikm_sensitivitas shows the index both ways. -#}
{% macro kebijakan_ditandai() -%}
    {%- set policy = var('kebijakan_ditandai', 'hitung') | string | trim -%}
    {%- if policy not in ('hitung', 'kecualikan') -%}
        {{ exceptions.raise_compiler_error("var kebijakan_ditandai must be 'hitung' or 'kecualikan', got '" ~ policy ~ "'") }}
    {%- endif -%}
    {{ return(policy) }}
{%- endmacro %}

{#- The semester before a periode label ('2025-S1' -> '2024-S2', '2025-S2' -> '2025-S1'). -#}
{% macro periode_sebelumnya(label) -%}
    case
        when substr({{ label }}, 6, 2) = 'S2' then substr({{ label }}, 1, 4) || '-S1'
        else cast(cast(substr({{ label }}, 1, 4) as integer) - 1 as {{ dbt.type_string() }}) || '-S2'
    end
{%- endmacro %}

{#- The semester after a periode label: 2025-S1 -> 2025-S2, 2025-S2 -> 2026-S1. -#}
{% macro periode_berikutnya(label) -%}
    case
        when substr({{ label }}, 6, 2) = 'S1' then substr({{ label }}, 1, 4) || '-S2'
        else cast(cast(substr({{ label }}, 1, 4) as integer) + 1 as {{ dbt.type_string() }}) || '-S1'
    end
{%- endmacro %}
