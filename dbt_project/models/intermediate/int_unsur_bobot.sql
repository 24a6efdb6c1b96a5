-- The nine unsur with the weight each carries in the IKM under the `weight_mode` var.
select
    unsur,
    urutan,
    unsur_nama,
    {{ unsur_bobot() }} as bobot,
    '{{ var("weight_mode", "exact") }}' as weight_mode
from {{ ref('unsur') }}
