-- The weights add up to 1 in the published (exact) mode; in a legacy mode to 9 x the rounded
-- weight (0.999 or 0.99), which is what reproduces the legacy reports.
{% set mode = var('weight_mode', 'exact') | string %}
select count(*) as unsur, sum(bobot) as jumlah_bobot
from {{ ref('int_unsur_bobot') }}
having count(*) <> 9
    or abs(sum(bobot) - {{ '1' if mode == 'exact' else '9 * ' ~ mode }}) > 1e-9
