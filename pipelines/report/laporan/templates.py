"""The Jinja2 template of the Laporan SKM page (kept in Python so it ships with the package).

One page, inline CSS, inline SVG, no script, no URL. Headline numbers are printed Indonesian style
(82,99) inside an element carrying the plain value (``data-field``/``data-value``) for machines."""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from pipelines.report.laporan.fmt import BAND_COLORS, MUTU_COLORS, angka, plain, selisih

REASONS = {
    "score_out_of_range": "skor di luar 1–4",
    "unknown_label": "jawaban tidak dikenali",
    "unparseable_date": "tanggal tidak terbaca",
    "missing_layanan": "jenis layanan kosong",
    "missing_opd": "OPD kosong",
    "periode_mismatch": "tanggal di luar periode berkas",
    "too_few_answers": "terlalu sedikit unsur terjawab",
    "formula_without_value": "rumus Excel tanpa nilai tersimpan",
}
FILE_STATUS = {
    "duplicate_file": "berkas kembar (isi sama, nama lain)",
    "replaced": "diganti ekspor yang lebih baru",
    "removed": "dihapus dari folder",
    "error": "tidak dapat dibaca",
}

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:#24292f;font:14px/1.5 'Segoe UI','DejaVu Sans',Arial,sans-serif}
main{max-width:940px;margin:0 auto;background:#fff;padding:28px 36px 36px}
header.top{border-bottom:4px solid #0969da;padding-bottom:12px;margin-bottom:18px}
header.top .eyebrow{color:#57606a;text-transform:uppercase;letter-spacing:.06em;font-size:12px}
h1{font-size:26px;margin:4px 0 2px}
h2{font-size:19px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de;break-after:avoid}
h3{font-size:15px;margin:14px 0 6px;break-after:avoid}
p{margin:6px 0}
.muted{color:#57606a}
.small{font-size:12px}
.cards{display:grid;grid-template-columns:1.35fr 1fr 1fr 1fr;gap:10px;margin-bottom:10px}
.card{border:1px solid #d0d7de;border-radius:8px;padding:12px 14px;break-inside:avoid}
.card .label{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .big{font-size:38px;font-weight:700;line-height:1.1}
.card .mid{font-size:24px;font-weight:700}
.badge{display:inline-block;min-width:22px;padding:1px 7px;border-radius:10px;color:#fff;font-weight:700;text-align:center}
""" + "".join(f".mutu-{m}{{background:{c}}}" for m, c in MUTU_COLORS.items()) + "".join(
    f".band-{m}{{background:{c}}}" for m, c in BAND_COLORS.items()) + """
.up{color:#1a7f37}.down{color:#cf222e}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid #d8dee4;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr{break-inside:avoid}
.chart{display:block;margin:6px 0 10px;max-width:100%}
figure{margin:0;break-inside:avoid}
figcaption{color:#57606a;font-size:12px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:8px 20px}
.grid2>div{break-inside:avoid}
.note{background:#f6f8fa;border-left:3px solid #8c959f;padding:6px 10px;font-size:12.5px}
.empty{font-style:italic;color:#57606a}
ol.prio li{margin:4px 0}
footer{margin-top:28px;border-top:1px solid #d0d7de;padding-top:8px;color:#57606a;font-size:12px}
@page{size:A4;margin:12mm}
@media print{body{background:#fff}main{max-width:none;padding:0}section{break-inside:auto}
}
"""

PAGE = r"""<!DOCTYPE html>
{%- macro num(field, value, decimals=2) -%}
<span data-field="{{ field }}" data-value="{{ value|plain }}">{{ value|angka(decimals) }}</span>
{%- endmacro -%}
{%- macro txt(field, value) -%}
<span data-field="{{ field }}" data-value="{{ value if value is not none else '' }}">{{ value if value is not none else '–' }}</span>
{%- endmacro -%}
{%- macro badge(m) -%}
{%- if m %}<span class="badge mutu-{{ m }}">{{ m }}</span>{% else %}–{% endif -%}
{%- endmacro -%}
{%- macro change(d, unit='poin') -%}
{%- if d is none %}<span class="muted">–</span>
{%- elif d > 0 %}<span class="up">▲ {{ d|selisih }}</span>
{%- elif d < 0 %}<span class="down">▼ {{ d|selisih }}</span>
{%- else %}<span class="muted">= 0,00</span>{% endif -%}
{%- endmacro -%}
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan SKM {{ unit_nama }} – {{ periode_nama }}</title>
<style>{{ css }}</style>
</head>
<body>
<main data-report="{{ jenis }}" data-unit="{{ unit_kode }}" data-periode="{{ periode }}">
<header class="top">
  <div class="eyebrow">Laporan Survei Kepuasan Masyarakat (SKM) · {{ kota_nama }}</div>
  <h1>{{ unit_nama }}</h1>
  <div>{{ periode_nama }} · periode <strong>{{ periode }}</strong>{% if jenis == 'opd' %} · kode OPD {{ unit_kode }}{% endif %}</div>
</header>

<section id="ringkasan">
<h2>1. Ringkasan</h2>
{%- set h = head %}
<div class="cards">
  <div class="card main">
    <div class="label">Nilai IKM{% if jenis == 'kota' %} kota (gabungan){% endif %}</div>
    <div class="big">{{ num('nilai_ikm', h.nilai_ikm) }}</div>
    <p>Mutu {{ badge(h.mutu) }} <span data-field="mutu" data-value="{{ h.mutu or '' }}" hidden></span>
       · kinerja <strong>{{ txt('kinerja', h.kinerja) }}</strong></p>
    <p class="small">IKM (skala 1–4): {{ num('ikm', h.ikm, 4) }} · Nilai IKM = IKM × 25</p>
    {%- if h.ci_bawah is defined and h.ci_bawah is not none %}
    <p class="small">Selang kepercayaan 95 %: {{ num('ci_bawah', h.ci_bawah) }} – {{ num('ci_atas', h.ci_atas) }}
      {%- if h.mutu_pasti %} · mutu pasti{% else %} · <strong class="down">mutu belum pasti</strong> (selang melewati batas kategori){% endif %}</p>
    {%- endif %}
  </div>
  <div class="card">
    <div class="label">Responden</div>
    <div class="mid">{{ num('jumlah_responden', h.jumlah_responden, 0) }}</div>
    <p class="small">Sampel minimum:
    {%- if sampel.tersedia %} {{ num('sampel_minimum', sampel.sampel_minimum, 0) }}
      {%- if sampel.populasi is not none %} (populasi {{ num('populasi', sampel.populasi, 0) }}){% endif %} –
      {% if sampel.memadai %}<strong class="up">memadai</strong>{% else %}<strong class="down">belum memadai</strong>{% endif %}
    {%- else %} <span data-field="sampel_minimum" data-value="">belum tersedia</span>{% endif %}</p>
  </div>
  {%- if jenis == 'kota' %}
  <div class="card">
    <div class="label">Rata-rata Nilai IKM OPD</div>
    <div class="mid">{{ num('nilai_ikm_rata_opd', h.nilai_ikm_rata_opd) }}</div>
    <p class="small">Mutu {{ badge(rata_mutu[0] if rata_mutu else none) }} · rata-rata sederhana dari
      {{ num('jumlah_opd_dengan_ikm', h.jumlah_opd_dengan_ikm, 0) }} OPD (dari {{ num('jumlah_opd', h.jumlah_opd, 0) }} OPD)</p>
  </div>
  {%- else %}
  <div class="card">
    <div class="label">Peringkat di {{ kota_nama }}</div>
    <div class="mid">{{ num('peringkat', h.peringkat, 0) }}</div>
    <p class="small">menurut Nilai IKM, 1 = tertinggi</p>
  </div>
  {%- endif %}
  <div class="card">
    <div class="label">Dibanding {{ periode_sebelumnya }}</div>
    {%- if prev %}
    <div class="mid">{{ change(selisih) }}</div>
    <p class="small">dari {{ num('nilai_ikm_sebelumnya', prev.nilai_ikm) }} ({{ prev.mutu or '–' }})
      <span data-field="selisih_nilai_ikm" data-value="{{ selisih|plain }}" hidden></span></p>
    {%- if h.perubahan_nyata is defined and h.perubahan_nyata is not none %}
    <p class="small" data-field="perubahan_nyata" data-value="{{ h.perubahan_nyata|lower }}">
      {%- if h.perubahan_nyata %}perubahan nyata (lebih besar dari ketidakpastiannya){% else %}belum tentu nyata (dalam batas ketidakpastian){% endif %}</p>
    {%- endif %}
    {%- else %}
    <p class="small empty">Periode sebelumnya belum ada dalam data yang diterbitkan.</p>
    {%- endif %}
  </div>
</div>
<p>Nilai IKM {{ unit_nama }} pada {{ periode_nama }} adalah <strong>{{ h.nilai_ikm|angka }}</strong>
{%- if h.mutu %} dengan mutu pelayanan <strong>{{ h.mutu }}</strong> ({{ h.kinerja }}){% endif %}, dihitung dari
{{ h.jumlah_responden|angka(0) }} responden{% if jenis == 'kota' %} di {{ h.jumlah_opd|angka(0) }} OPD{% endif %}.
{%- if jenis == 'kota' %} Angka utama adalah <em>indeks gabungan</em>: seluruh jawaban responden kota dihitung
bersama, sehingga OPD dengan lebih banyak responden berbobot lebih besar. Rata-rata sederhana Nilai IKM per OPD
adalah {{ h.nilai_ikm_rata_opd|angka }}.{% endif %}
{%- if prev %} Dibanding {{ periode_sebelumnya }} ({{ prev.nilai_ikm|angka }}) nilainya
{% if selisih is none %}tidak dapat dibandingkan{% elif selisih > 0 %}naik {{ selisih|angka }} poin{% elif selisih < 0 %}turun {{ (-selisih)|angka }} poin{% else %}tetap{% endif %}.{% endif %}</p>
</section>

<section id="unsur">
<h2>2. Nilai per unsur pelayanan</h2>
<figure>{{ charts.unsur }}
<figcaption>Nilai unsur = NRR × 25 (skala 25–100). Pita latar: D &lt; 65,00 · C 65,00–76,60 · B 76,61–88,30 · A ≥ 88,31.</figcaption></figure>
<table>
<thead><tr><th>No</th><th>Unsur</th><th class="n">Jawaban</th><th class="n">Tidak menjawab</th><th class="n">NRR</th>
<th class="n">NRR tertimbang</th><th class="n">Nilai</th><th>Mutu</th><th>Kinerja</th><th class="n">Δ {{ periode_sebelumnya }}</th></tr></thead>
<tbody>
{%- for u in unsur %}
<tr data-unsur="{{ u.unsur }}"><td>{{ u.urutan }}</td><td>{{ u.unsur_nama or u.unsur }}</td>
<td class="n">{{ u.jumlah_jawaban|angka(0) }}</td><td class="n">{{ u.jumlah_tidak_menjawab|angka(0) }}</td>
<td class="n"><span data-field="nrr" data-unsur="{{ u.unsur }}" data-value="{{ u.nrr|plain }}">{{ u.nrr|angka(4) }}</span></td>
<td class="n">{{ u.nrr_tertimbang|angka(4) }}</td>
<td class="n"><span data-field="nilai_unsur" data-unsur="{{ u.unsur }}" data-value="{{ u.nilai_unsur|plain }}">{{ u.nilai_unsur|angka }}</span></td>
<td>{{ badge(u.mutu) }}</td><td>{{ u.kinerja or '–' }}</td><td class="n">{{ change(u.selisih) }}</td></tr>
{%- endfor %}
</tbody></table>
</section>

<section id="prioritas">
<h2>3. Prioritas perbaikan</h2>
<p>Tiga unsur dengan nilai terendah, dasar rencana tindak lanjut (RTL) periode berikutnya:</p>
{%- if prioritas %}
<ol class="prio">
{%- for u in prioritas %}
<li data-unsur="{{ u.unsur }}"><strong>{{ u.unsur_nama or u.unsur }}</strong> – nilai
<span data-field="nilai_prioritas" data-unsur="{{ u.unsur }}" data-value="{{ u.nilai_unsur|plain }}">{{ u.nilai_unsur|angka }}</span>
(NRR {{ u.nrr|angka(3) }}, mutu {{ badge(u.mutu) }});
{%- if u.nilai_sebelumnya is not none %}
{% if u.selisih > 0 %}naik {{ u.selisih|angka }} poin{% elif u.selisih < 0 %}turun {{ (-u.selisih)|angka }} poin{% else %}tidak berubah{% endif %}
dari {{ u.nilai_sebelumnya|angka }} pada {{ periode_sebelumnya }}.
{%- else %}
perubahan belum dapat dihitung (periode {{ periode_sebelumnya }} belum ada dalam data yang diterbitkan).
{%- endif %}</li>
{%- endfor %}
</ol>
{%- else %}<p class="empty">Belum ada unsur dengan nilai.</p>{% endif %}
</section>

<section id="sebaran">
<h2>4. Sebaran jawaban per unsur</h2>
<figure>{{ charts.sebaran }}<figcaption>Bagian jawaban bernilai 1, 2, 3 dan 4 dari seluruh jawaban sah per unsur.</figcaption></figure>
<table>
<thead><tr><th>Unsur</th><th class="n">Skor 1</th><th class="n">Skor 2</th><th class="n">Skor 3</th><th class="n">Skor 4</th><th class="n">Jumlah</th></tr></thead>
<tbody>
{%- for u in unsur %}
<tr><td>{{ u.unsur_nama or u.unsur }}</td>{% for c in u.skor %}<td class="n">{{ c|angka(0) }}</td>{% endfor %}<td class="n">{{ u.skor|sum|angka(0) }}</td></tr>
{%- endfor %}
</tbody></table>
</section>

<section id="layanan">
<h2>5. IKM per jenis layanan</h2>
{%- if layanan %}
{%- if jenis == 'opd' and charts.layanan %}<figure>{{ charts.layanan }}</figure>{% endif %}
<table>
<thead><tr>{% if jenis == 'kota' %}<th>OPD</th>{% endif %}<th>Jenis layanan</th><th class="n">Responden</th><th class="n">IKM</th><th class="n">Nilai IKM</th><th>Mutu</th><th>Kinerja</th></tr></thead>
<tbody>
{%- for r in layanan %}
<tr>{% if jenis == 'kota' %}<td>{{ r.opd_kode }}</td>{% endif %}<td>{{ r.jenis_layanan }}</td><td class="n">{{ r.jumlah_responden|angka(0) }}</td>
<td class="n">{{ r.ikm|angka(4) }}</td>
<td class="n"><span data-field="nilai_ikm_layanan" data-layanan="{{ r.jenis_layanan }}" data-opd="{{ r.opd_kode }}" data-value="{{ r.nilai_ikm|plain }}">{% if r.nilai_ikm is none %}tidak dapat dihitung{% else %}{{ r.nilai_ikm|angka }}{% endif %}</span></td>
<td>{{ badge(r.mutu) }}</td><td>{{ r.kinerja or '–' }}</td></tr>
{%- endfor %}
</tbody></table>
<p class="small muted">Nilai IKM layanan tidak dapat dihitung bila ada unsur yang tidak dijawab sama sekali.</p>
{%- else %}<p class="empty">Tidak ada data per jenis layanan.</p>{% endif %}
</section>

{%- if jenis == 'kota' %}
<section id="peringkat">
<h2>6. Peringkat OPD</h2>
<figure>{{ charts.peringkat }}</figure>
<table>
<thead><tr><th class="n">Peringkat</th><th>OPD</th><th class="n">Responden</th><th class="n">Nilai IKM</th><th>Mutu</th><th>Kinerja</th>
<th class="n">{{ periode_sebelumnya }}</th><th class="n">Δ</th><th class="n">Peringkat {{ periode_sebelumnya }}</th></tr></thead>
<tbody>
{%- for r in peringkat %}
<tr data-opd="{{ r.opd_kode }}"><td class="n"><span data-field="peringkat_opd" data-opd="{{ r.opd_kode }}" data-value="{{ r.peringkat|plain }}">{{ r.peringkat if r.peringkat is not none else '–' }}</span></td>
<td>{{ r.opd_nama or r.opd_kode }} <span class="muted small">({{ r.opd_kode }})</span></td>
<td class="n">{{ r.jumlah_responden|angka(0) }}</td>
<td class="n"><span data-field="nilai_ikm_opd" data-opd="{{ r.opd_kode }}" data-value="{{ r.nilai_ikm|plain }}">{{ r.nilai_ikm|angka }}</span></td>
<td>{{ badge(r.mutu) }}</td><td>{{ r.kinerja or '–' }}</td>
<td class="n">{{ r.nilai_sebelumnya|angka }}</td><td class="n">{{ change(r.selisih) }}</td>
<td class="n">{{ r.peringkat_sebelumnya if r.peringkat_sebelumnya is not none else '–' }}</td></tr>
{%- endfor %}
</tbody></table>
<p class="small muted">Peringkat 1 = Nilai IKM tertinggi; nilai yang sama berbagi peringkat.</p>
</section>
{%- endif %}

<section id="tren">
<h2>{{ 7 if jenis == 'kota' else 6 }}. Tren per semester</h2>
<figure>{{ charts.tren }}</figure>
{%- if prev %}
<p>{{ periode_sebelumnya }}: {{ prev.nilai_ikm|angka }} ({{ prev.mutu or '–' }}) → {{ periode }}: {{ head.nilai_ikm|angka }} ({{ head.mutu or '–' }}), perubahan {{ change(selisih) }} poin.</p>
{%- else %}
<p class="empty">Periode sebelumnya ({{ periode_sebelumnya }}) belum ada dalam data yang diterbitkan, sehingga tren belum dapat dihitung.</p>
{%- endif %}
</section>

<section id="responden">
<h2>{{ 8 if jenis == 'kota' else 7 }}. Profil responden</h2>
<p>Jumlah responden: <strong>{{ head.jumlah_responden|angka(0) }}</strong>.
{%- if sampel.tersedia %} Sampel minimum (Krejcie &amp; Morgan) {{ sampel.sampel_minimum|angka(0) }}{% if sampel.populasi is not none %} dari populasi {{ sampel.populasi|angka(0) }}{% endif %}: {% if sampel.memadai %}sampel memadai{% else %}sampel belum memadai{% endif %}.
{%- else %} Sampel minimum: <em>belum tersedia</em> (data jumlah penerima layanan belum diterbitkan).{% endif %}</p>
<div class="grid2">
{%- for d in profil %}
<div data-dimensi="{{ d.dimensi }}">
<h3>{{ d.judul }}</h3>
{%- if d.groups %}
{{ d.chart }}
<table class="small">
<thead><tr><th>Kategori</th><th class="n">Responden</th><th class="n">%</th></tr></thead>
<tbody>
{%- for g in d.groups %}
<tr data-kategori="{{ g.kategori }}" data-suppressed="{{ 'true' if g.suppressed else 'false' }}"><td>{{ d.labels[g.kategori] }}</td>
<td class="n">{{ g.label }}</td><td class="n">{% if g.persen is not none %}{{ g.persen|angka }}{% else %}–{% endif %}</td></tr>
{%- endfor %}
</tbody></table>
{%- else %}<p class="empty">Belum ada data.</p>{% endif %}
</div>
{%- endfor %}
</div>
<p class="note">Kelompok dengan kurang dari {{ min_group }} responden ditampilkan sebagai “{{ suppressed_label }}” agar tidak ada
responden yang dapat dikenali. Bila perlu, kelompok lain juga disembunyikan (“{{ secondary_label }}”) agar angka yang
tersembunyi tidak dapat dihitung dari jumlah responden, dari laporan kota, atau dari laporan OPD lain.</p>
</section>

<section id="saran">
<h2>{{ 9 if jenis == 'kota' else 8 }}. Saran dan masukan</h2>
{%- if not saran.tersedia %}
<p class="empty" data-field="saran" data-value="belum_diterbitkan">Saran dan masukan responden belum diterbitkan: data terbit belum
memuat tabel saran (dengan data pribadi dihapus).</p>
{%- elif jenis == 'opd' %}
<p>{{ saran.jumlah|angka(0) }} saran/masukan{% if saran.jumlah > saran['items']|length %}; ditampilkan {{ saran['items']|length }}{% endif %}.</p>
<ul>{% for s in saran['items'] %}<li>{{ s.teks }}{% if s.layanan %} <span class="muted small">({{ s.layanan }})</span>{% endif %}</li>{% endfor %}</ul>
{%- else %}
<p>{{ saran.jumlah|angka(0) }} saran/masukan pada periode ini; isinya ada di laporan masing-masing OPD.</p>
<table class="small"><thead><tr><th>OPD</th><th class="n">Saran</th></tr></thead><tbody>
{%- for r in saran.per_opd %}<tr><td>{{ r.opd_kode or '–' }}</td><td class="n">{{ r.jumlah|angka(0) }}</td></tr>{% endfor %}
</tbody></table>
{%- endif %}
</section>

<section id="mutu-data">
<h2>{{ 10 if jenis == 'kota' else 9 }}. Catatan mutu data</h2>
{%- set k = kualitas %}
{%- if k.rekonsiliasi and k.rekonsiliasi.files %}
{%- set r = k.rekonsiliasi %}
<p>Periode {{ periode }}{% if jenis == 'opd' %} (seluruh kota; rincian per OPD belum diterbitkan){% endif %}:
{{ r.files|angka(0) }} berkas dimuat, <span data-field="rows_read" data-value="{{ r.rows_read|plain }}">{{ r.rows_read|angka(0) }}</span> baris dibaca:
<span data-field="rows_used" data-value="{{ r.rows_used|plain }}">{{ r.rows_used|angka(0) }}</span> dipakai,
<span data-field="rows_quarantined" data-value="{{ r.rows_quarantined|plain }}">{{ r.rows_quarantined|angka(0) }}</span> dikarantina,
<span data-field="rows_duplicate" data-value="{{ r.rows_duplicate|plain }}">{{ r.rows_duplicate|angka(0) }}</span> duplikat.
{%- if r.unbalanced %} <strong class="down">{{ r.unbalanced }} berkas tidak seimbang.</strong>{% endif %}
{%- if jenis == 'opd' %} Responden yang dipakai untuk {{ unit_kode }}: {{ head.jumlah_responden|angka(0) }}.{% endif %}</p>
{%- else %}<p class="empty">Rekonsiliasi berkas untuk periode ini tidak ada dalam data yang diterbitkan.</p>{% endif %}
{%- if k.alasan %}
<p class="small">Alasan karantina (per masalah; satu baris dapat memiliki beberapa):
{% for a in k.alasan %}{{ reasons.get(a.reason_code, a.reason_code) }}: {{ a.jumlah|angka(0) }}{% if not loop.last %}; {% endif %}{% endfor %}.</p>
{%- endif %}
{%- if k.file_lain %}
<p class="small">Berkas lain: {% for f in k.file_lain %}{{ f.files|angka(0) }} {{ file_status.get(f.file_status, f.file_status) }}{% if not loop.last %}; {% endif %}{% endfor %}.</p>
{%- endif %}
{%- if k.gates %}
<p class="small">Pemeriksaan mutu pada penerbitan: {{ k.gates.passed|angka(0) }} dari {{ k.gates.total|angka(0) }} lulus.</p>
{%- if k.peringatan %}
<p class="small"><strong>Peringatan:</strong></p><ul class="small" data-field="peringatan" data-value="{{ k.peringatan|length }}">
{%- for w in k.peringatan %}<li>{{ w.asset }} · {{ w.gate }}: {{ w.description or '' }}</li>{% endfor %}</ul>
{%- else %}<p class="small" data-field="peringatan" data-value="0">Tidak ada peringatan{% if jenis == 'opd' %} untuk OPD ini{% endif %}.</p>{% endif %}
{%- if k.peringatan_lain %}<p class="small muted">{{ k.peringatan_lain }} peringatan lain untuk OPD lain/seluruh kota: lihat laporan kota.</p>{% endif %}
{%- endif %}
</section>

<footer>
<p>Dihitung menurut PermenPANRB Nomor 14 Tahun 2017: NRR unsur = jumlah skor / jumlah jawaban sah (jawaban kosong atau
“tidak tahu” tidak dihitung); bobot tiap unsur 1/9; IKM = Σ NRR × 1/9 (skala 1–4); Nilai IKM = IKM × 25, dibulatkan setengah
ke atas ke 2 desimal. Mutu: A (Sangat baik) ≥ 88,31; B (Baik) 76,61–88,30; C (Kurang baik) 65,00–76,60; D (Tidak baik) &lt; 65,00.
Hanya respons yang lolos pemeriksaan (tidak dikarantina, bukan duplikat) yang dihitung.</p>
<p>Sumber: data terbit SKM{% if terbit.waktu %}, diterbitkan {{ terbit.waktu }}{% endif %}{% if terbit.run_id %} (run {{ terbit.run_id }}){% endif %}.</p>
</footer>
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
_ENV.filters["angka"] = angka
_ENV.filters["selisih"] = selisih
_ENV.filters["plain"] = plain
_TEMPLATE = _ENV.from_string(PAGE)


def render_page(ctx: dict) -> str:
    return _TEMPLATE.render(**ctx, css=Markup(CSS), reasons=REASONS, file_status=FILE_STATUS)
