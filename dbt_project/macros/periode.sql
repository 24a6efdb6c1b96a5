{#- Building one semester (or a range of semesters) at a time.

    `dbt build --vars '{"periode_from": "2025-S2", "periode_to": "2025-S2"}'` rebuilds only the
    rows of the semesters from..to (inclusive; 'YYYY-S1' | 'YYYY-S2' labels sort correctly as
    text); a plain `dbt build` (no vars) rebuilds everything from scratch, as before.

    Every model whose rows belong to a periode is configured

        {{ config(**periode_config('periode_declared')) }}      -- or 'periode' for aggregates

    (macros/engine.sql): incremental, delete+insert on that key, full refresh unless the vars
    are given, and a pre-hook `periode_delete(key)`;

    and reads its inputs through `where {{ periode_filter('<column>') }}`:
    - row-level models (one row per raw row, answer or issue) are keyed on `periode_declared`,
      the semester folder the file landed in; aggregates and the index marts on `periode` (used
      rows always have periode = periode_declared: a mismatch is quarantined);
    - without the vars, `full_refresh` is true: the table is rebuilt with every periode;
    - with the vars, the pre-hook deletes the range's rows first, inside the model's transaction,
      then delete+insert adds the new batch. delete+insert alone only deletes the key values
      present in the new batch: a semester whose rows all disappeared (its files removed) would
      keep its old rows. With the pre-hook, re-running a semester REPLACES it, whatever it holds.
    Lookups and file-level models (sources, ingest file log, reconciliation) stay full tables.

    After a change that affects every semester (a seed, the registry's OPD names, the
    weight_mode or min_answered_unsur vars, a model's columns) run a plain `dbt build`: an
    incremental run leaves the other semesters as they were built (a column change fails the
    run: on_schema_change is 'fail'). -#}

{#- The [from, to] labels of the vars, or none when neither is given. Both or neither; each must
    be a periode label; from <= to. -#}
{% macro periode_range() -%}
    {%- set p_from = var('periode_from', none) -%}
    {%- set p_to = var('periode_to', none) -%}
    {%- set p_from = none if p_from is none or (p_from | string | trim) == '' else (p_from | string | trim) -%}
    {%- set p_to = none if p_to is none or (p_to | string | trim) == '' else (p_to | string | trim) -%}
    {%- if p_from is none and p_to is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if target.type == 'spark' -%}
        {#- periode models are whole tables on Spark (macros/engine.sql): a semester run would
            otherwise leave only its own semester in them -#}
        {{ log("Spark target: periode_from/periode_to ignored, every periode is rebuilt", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- if p_from is none or p_to is none -%}
        {{ exceptions.raise_compiler_error("give both vars periode_from and periode_to (e.g. '2025-S2'), or neither; got periode_from=" ~ p_from ~ ", periode_to=" ~ p_to) }}
    {%- endif -%}
    {%- for label in [p_from, p_to] -%}
        {%- if not modules.re.fullmatch(var('periode_pattern'), label) -%}
            {{ exceptions.raise_compiler_error("periode vars must be labels like '2025-S1' or '2025-S2', got '" ~ label ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if p_from > p_to -%}
        {{ exceptions.raise_compiler_error("periode_from '" ~ p_from ~ "' is after periode_to '" ~ p_to ~ "'") }}
    {%- endif -%}
    {{ return([p_from, p_to]) }}
{%- endmacro %}

{#- A boolean SQL expression keeping the rows of the periode range: `true` without the vars or on
    --full-refresh, else `<column> between '<from>' and '<to>'`. -#}
{% macro periode_filter(column) -%}
    {%- set range = periode_range() -%}
    {%- if range is none or flags.FULL_REFRESH -%}
        true
    {%- else -%}
        {{ column }} between '{{ range[0] }}' and '{{ range[1] }}'
    {%- endif -%}
{%- endmacro %}

{#- The `full_refresh` config of a periode model: true without the vars (a plain `dbt build`
    rebuilds the table with every periode), else none (dbt's --full-refresh flag decides). -#}
{% macro periode_full_refresh() -%}
    {{ return(true if periode_range() is none else none) }}
{%- endmacro %}

{#- The pre-hook of a periode model: on an incremental run, delete the range's rows (even if the
    new batch is empty). Renders nothing on a full build. -#}
{% macro periode_delete(column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ periode_filter(column) }}
    {%- endif -%}
{%- endmacro %}
