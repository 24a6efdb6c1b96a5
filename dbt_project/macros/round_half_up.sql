{#- Half-up rounding of the exact value, for every published number.

    round() on a binary DOUBLE rounds what the double holds: 80.645 computed in floating point is
    80.64499999... and DuckDB returns 80.64. Casting to DECIMAL(38,10) first removes the binary
    noise (far below 1e-10 for values on a 1-100 scale), and round() on a DECIMAL rounds half away
    from zero, which is half up for the positive values published here. The result is a
    DECIMAL(18, digits): exact in every BI client. -#}
{% macro round_half_up(expr, digits) -%}
    {{ return(adapter.dispatch('round_half_up', 'skm')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_half_up(expr, digits) -%}
    cast(round(cast(({{ expr }}) as decimal(38, 10)), {{ digits }}) as decimal(18, {{ digits }}))
{%- endmacro %}
