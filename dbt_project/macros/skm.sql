{#- The nine unsur of PermenPANRB 14/2017 as the lake's answer columns are named (`u_<key>`);
    must match seeds/unsur.csv (tested) and pipelines/settings.py UNSUR_KEYS. -#}
{% macro unsur_keys() -%}
    {{ return(['persyaratan', 'prosedur', 'waktu', 'biaya', 'produk', 'kompetensi', 'perilaku', 'sarana', 'pengaduan']) }}
{%- endmacro %}

{#- The nine answer (or score) columns as a list: `unsur_columns('r.u_')` is
    r.u_persyaratan, r.u_prosedur, ..., r.u_pengaduan (no trailing comma). -#}
{% macro unsur_columns(prefix) -%}
    {%- for k in unsur_keys() -%}{{ prefix }}{{ k }}{{ ", " if not loop.last }}{%- endfor -%}
{%- endmacro %}

{#- The column of the given unsur among nine side by side: `unsur_column('r.u_', 'u.unsur')` is
    r.u_persyaratan when u.unsur = 'persyaratan', and so on. Crossed with the 9-row unsur seed it
    unpivots in one scan (portable: no UNPIVOT). -#}
{% macro unsur_column(prefix, unsur_expr) -%}
    case {{ unsur_expr }}
        {% for k in unsur_keys() -%}
        when '{{ k }}' then {{ prefix }}{{ k }}
        {% endfor -%}
    end
{%- endmacro %}

{#- The weight of one unsur, from the `weight_mode` var: 'exact' = 1/9 (published), '0.111' and
    '0.11' reproduce legacy reports made with the rounded weights of the regulation's examples. -#}
{% macro unsur_bobot() -%}
    {%- set mode = var('weight_mode', 'exact') | string -%}
    {%- if mode == 'exact' -%}
        (cast(1 as double) / 9)
    {%- elif mode in ('0.111', '0.11') -%}
        cast({{ mode }} as double)
    {%- else -%}
        {{ exceptions.raise_compiler_error("var weight_mode must be 'exact', '0.111' or '0.11', got '" ~ mode ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- Left-joins the mutu/kinerja category of a ROUNDED Nilai (25-100 scale) by lower bounds:
    >= 88.31 A, >= 76.61 B, >= 65.00 C, else D (the lowest category is open below). -#}
{% macro join_mutu(nilai_expr, alias) -%}
    left join {{ ref('int_mutu_kategori') }} as {{ alias }}
        on ({{ alias }}.batas_bawah_efektif is null or {{ nilai_expr }} >= {{ alias }}.batas_bawah_efektif)
       and ({{ alias }}.batas_atas is null or {{ nilai_expr }} < {{ alias }}.batas_atas)
{%- endmacro %}

{#- A formula cell without a saved value, as the Excel reader writes it (pipelines/ingest/readers.py
    FORMULA_MARK): '#FORMULA_WITHOUT_VALUE! D7 =C7+1' (mark, cell, formula). Quarantined with
    reason formula_without_value, never read as a blank or as a label. Portable: substr and instr. -#}
{% macro formula_without_value_mark() -%}
    #FORMULA_WITHOUT_VALUE!
{%- endmacro %}

{% macro is_formula_without_value(expr) -%}
    coalesce(substr({{ expr }}, 1, {{ formula_without_value_mark() | length }}) = '{{ formula_without_value_mark() }}', false)
{%- endmacro %}

{#- 'D7 =C7+1': the cell and the formula after the mark -#}
{% macro _formula_rest(expr) -%}
    substr({{ expr }}, {{ (formula_without_value_mark() | length) + 2 }})
{%- endmacro %}

{#- the formula ('=C7+1'), the raw value the quarantine shows -#}
{% macro formula_text(expr) -%}
    substr({{ _formula_rest(expr) }}, instr({{ _formula_rest(expr) }}, ' ') + 1)
{%- endmacro %}

{#- what the quarantine's detail says: the cell and what to do -#}
{% macro formula_detail(expr) -%}
    'cell ' || substr({{ _formula_rest(expr) }}, 1, instr({{ _formula_rest(expr) }}, ' ') - 1)
        || ' holds a formula with no saved value (the workbook was written by a program that does not calculate): '
        || 'open it in Excel, save it and land it again'
{%- endmacro %}
