-- Every seed label stays distinct after normalisation (within its unsur for answer_labels), or a
-- lookup would double rows.
select 'answer_labels' as seed, unsur as scope, {{ normalise_label('label') }} as label_normalised, count(*) as n
from {{ ref('answer_labels') }}
group by unsur, {{ normalise_label('label') }}
having count(*) > 1
{% for seed in ['jenis_kelamin_labels', 'pendidikan_labels', 'pekerjaan_labels'] %}
union all
select '{{ seed }}', '', {{ normalise_label('label') }}, count(*)
from {{ ref(seed) }}
group by {{ normalise_label('label') }}
having count(*) > 1
{% endfor %}
union all
select 'usia_kelompok_labels', '', {{ normalise_usia_label('label') }}, count(*)
from {{ ref('usia_kelompok_labels') }}
group by {{ normalise_usia_label('label') }}
having count(*) > 1
