"""The Laporan SKM page from its Jinja2 templates (``templates/``, shipped as package data).

``laporan.html.j2`` is the page (one file: inline CSS from ``laporan.css.j2``, inline SVG, no
script, no URL), with one file per section under ``sections/`` and the shared macros in
``macros.html.j2``. Headline numbers are printed Indonesian style (82,99) inside an element
carrying the plain value (``data-field``/``data-value``) for machines."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipelines import mutu
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

_ENV = Environment(loader=PackageLoader("pipelines.report.laporan", "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
_ENV.filters["angka"] = angka
_ENV.filters["selisih"] = selisih
_ENV.filters["plain"] = plain
_ENV.globals.update(mutu_bands=mutu.bands(), mutu_colors=MUTU_COLORS, band_colors=BAND_COLORS, reasons=REASONS, file_status=FILE_STATUS)


def render_page(ctx: dict) -> str:
    return _ENV.get_template("laporan.html.j2").render(**ctx)
