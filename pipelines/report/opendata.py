"""Open data per periode, for a Satu Data / CKAN portal: ``<data_dir>/published/opendata/<periode>/``.

What a walidata takes (Perpres 39/2019 Satu Data Indonesia): the headline tables as UTF-8 CSV
(DuckDB COPY from the READ-ONLY published file, the periode's rows in the reading order of the
exports, dot decimals, a header row), a Frictionless ``datapackage.json`` describing them (title and
description in Indonesian, licence, sources, and per column its type and the description written
beside the dbt model), and the statistical metadata in the fields of BPS's forms (Peraturan BPS
5/2020): ``ms-keg.json`` for the survey activity, ``ms-ind.json`` for the IKM indicator, both
filled from the published numbers of the periode and referenced in ``datapackage.json``.

The package is validated with the Frictionless library before it is swapped in (built beside the
old folder, like the exports): a portal never receives a package its own validator refuses."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines import mutu
from pipelines.periode import WITA, Periode
from pipelines.publish.contract import published_tables
from pipelines.report.exports import (
    TABLE_GUIDE,
    published_at,
    published_periodes,
    replace_dir,
    staging_dir,
    table_columns,
    table_select,
)

# The tables a portal publishes (the index at each level, and whether it can be trusted), with the
# resource title a portal shows; the resource description is the table's line in TABLE_GUIDE.
OPENDATA_TABLES: dict[str, str] = {
    "ikm_kota": "IKM kota",
    "ikm_opd": "IKM per OPD",
    "ikm_unsur": "Nilai unsur pelayanan per OPD",
    "ikm_layanan": "IKM per jenis layanan",
    "kecukupan_sampel": "Kecukupan sampel",
    "ketidakpastian_ikm": "Selang kepercayaan 95 % Nilai IKM",
}
DATAPACKAGE = "datapackage.json"
MS_KEG, MS_IND = "ms-keg.json", "ms-ind.json"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
REGULATION = ("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017 "
              "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik")
# How responses reach the platform (the registry's source formats: web form exports, kiosk dumps,
# paper questionnaires keyed into Excel by the unit).
METODE_PENGUMPULAN = ("swacacah melalui formulir daring (mis. Google Forms, aplikasi layanan)",
                      "swacacah melalui kios/tablet di unit layanan",
                      "kuesioner kertas yang direkap unit layanan ke lembar kerja")
LEVELS = ("kota", "OPD", "jenis layanan", "unsur pelayanan")

_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "UHUGEINT"}


@dataclass(frozen=True)
class OpenDataFile:
    periode: str
    path: Path
    rows: int | None  # CSV rows; None for the JSON metadata
    what: str  # the table, or 'datapackage' / 'MS-Keg' / 'MS-Ind'


def frictionless_type(dtype: str) -> str:
    """The Frictionless Table Schema type of a DuckDB column type (a type it has no word for is
    'string', which is how the CSV holds it)."""
    t = dtype.upper()
    if t in _INTEGER:
        return "integer"
    if t.startswith("DECIMAL") or t in ("DOUBLE", "FLOAT", "REAL"):
        return "number"
    if t == "BOOLEAN":
        return "boolean"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    if t == "TIME":
        return "time"
    return "string"


def write_opendata_from(con: duckdb.DuckDBPyConnection, out_root: Path, periodes: list[str] | None,
                        kota_nama: str) -> dict[str, list[OpenDataFile]]:
    """The open-data folder of every requested periode (default: all published ones). A periode the
    file does not hold gets no folder and maps to []."""
    have = published_periodes(con)
    return {p: opendata_periode(con, p, out_root / p, kota_nama) if p in have else []
            for p in (periodes if periodes is not None else have)}


def opendata_periode(con: duckdb.DuckDBPyConnection, periode: str, out_dir: Path,
                     kota_nama: str) -> list[OpenDataFile]:
    """One periode's CSVs, MS-Keg, MS-Ind and datapackage.json, validated, swapped in at `out_dir`."""
    per = Periode.parse(periode)
    tables = table_columns(con)
    missing = [t for t in OPENDATA_TABLES if t not in tables]
    if missing:
        raise ValueError(f"the published file has no table {', '.join(missing)}: the open data of {periode} "
                         f"needs {', '.join(OPENDATA_TABLES)}")
    tmp = staging_dir(out_dir)
    try:
        rows = {}
        for t in OPENDATA_TABLES:
            sql, _ = table_select(t, tables[t], periode)
            rows[t] = int(con.execute(f"COPY ({sql}) TO ? (FORMAT csv, HEADER true, DELIMITER ',', "
                                      "TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S')", [(tmp / f"{t}.csv").as_posix()])
                          .fetchall()[0][0])
        ts = published_at(con)
        _write_json(tmp / MS_KEG, ms_keg(con, per, kota_nama, ts))
        _write_json(tmp / MS_IND, ms_ind(con, per, kota_nama))
        _write_json(tmp / DATAPACKAGE, datapackage(per, kota_nama, {t: tables[t] for t in OPENDATA_TABLES}, ts))
        _validate(tmp / DATAPACKAGE)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [*(OpenDataFile(periode, out_dir / f"{t}.csv", rows[t], t) for t in OPENDATA_TABLES),
            OpenDataFile(periode, out_dir / MS_KEG, None, "MS-Keg"),
            OpenDataFile(periode, out_dir / MS_IND, None, "MS-Ind"),
            OpenDataFile(periode, out_dir / DATAPACKAGE, None, "datapackage")]


def _write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=_json_value) + "\n", encoding="utf-8")


def _json_value(value):
    """Numbers stay numbers (a DECIMAL as its JSON number), dates ISO."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def _validate(descriptor: Path) -> None:
    """Frictionless' own validation of the built package (schema, types, every CSV row); its
    errors name the resource, row and field."""
    import frictionless  # imported here: ~1 s of import time only for the run that writes open data

    report = frictionless.validate(str(descriptor))
    if not report.valid:
        errors = "; ".join(f"{task.name} row {e.get('rowNumber')} field {e.get('fieldName')}: {e.get('note')}"
                           for task in report.tasks for e in (err.to_dict() for err in task.errors))
        errors = errors or "; ".join(e.message for e in report.errors)
        raise ValueError(f"open data {descriptor.parent.name}: {DATAPACKAGE} is not a valid data package: {errors}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _utc_iso(ts: dt.datetime | None) -> str | None:
    return ts.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z") if ts else None


def _wita_iso(ts: dt.datetime | None) -> str | None:
    return ts.replace(tzinfo=dt.UTC).astimezone(WITA).isoformat() if ts else None


def judul(per: Periode, kota_nama: str) -> str:
    return f"Survei Kepuasan Masyarakat (SKM) {kota_nama} {per.nama}"


def datapackage(per: Periode, kota_nama: str, tables: dict[str, list[tuple[str, str]]],
                ts: dt.datetime | None) -> dict:
    """The Frictionless descriptor: the package, each CSV with its schema (column descriptions from
    the dbt .yml through the data contract, in English as written there; titles and descriptions
    for readers in Indonesian), and the two BPS metadata files. `created` is the
    publication time, so a rebuild from the same published file writes the same descriptor."""
    described = published_tables()
    resources = []
    for t, columns in tables.items():
        doc = described.get(t)
        fields = []
        for c, d in columns:
            f = {"name": c, "type": frictionless_type(d)}
            if doc and doc.columns.get(c):
                f["description"] = doc.columns[c]
            fields.append(f)
        resources.append({
            "name": t, "path": f"{t}.csv", "title": OPENDATA_TABLES.get(t, t), "description": TABLE_GUIDE.get(t, t),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": [""]},
        })
    for name, path, title in (("ms-keg", MS_KEG, "MS-Keg: metadata statistik kegiatan Survei Kepuasan Masyarakat"),
                              ("ms-ind", MS_IND, "MS-Ind: metadata statistik indikator Indeks Kepuasan Masyarakat")):
        resources.append({"name": name, "path": path, "title": title, "type": "json", "format": "json",
                          "mediatype": "application/json", "encoding": "utf-8",
                          "description": "Formulir metadata statistik (Peraturan BPS Nomor 5 Tahun 2020), diisi dari "
                                         "data terbitan periode ini."})
    return {
        "name": f"skm-{_slug(kota_nama)}-{per.label.lower()}",
        "title": judul(per, kota_nama),
        "description": (f"Indeks Kepuasan Masyarakat (IKM) {kota_nama} periode {per.nama}: tingkat kota, OPD, jenis "
                        "layanan dan unsur pelayanan, dengan kecukupan sampel dan selang kepercayaan 95 %. Dihitung "
                        "menurut PermenPANRB 14/2017 dari jawaban responden yang lolos pemeriksaan mutu data. Angka "
                        "desimal memakai titik; satu berkas CSV per tabel, dengan baris judul."),
        "keywords": ["SKM", "IKM", "kepuasan masyarakat", "pelayanan publik", kota_nama, per.label],
        "licenses": [LICENSE],
        "sources": [{"title": f"Survei Kepuasan Masyarakat {kota_nama}: data responden dari tiap OPD penyelenggara "
                              "pelayanan publik"},
                    {"title": REGULATION}],
        **({"created": _utc_iso(ts)} if ts else {}),
        "resources": resources,
    }


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict:
    cur = con.execute(sql, params)
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else {}


def _sampel(con: duckdb.DuckDBPyConnection, periode: str, level: str) -> dict:
    return _one(con, "SELECT count(*) AS jumlah_unit, count(*) FILTER (WHERE status = 'memadai') AS sampel_memadai, "
                     "count(*) FILTER (WHERE status = 'kurang') AS sampel_kurang, "
                     "count(*) FILTER (WHERE populasi IS NULL) AS populasi_tidak_diketahui, "
                     "CAST(sum(populasi) AS BIGINT) AS jumlah_populasi_diketahui "
                     "FROM kecukupan_sampel WHERE periode = ? AND level = ?", [periode, level])


def ms_keg(con: duckdb.DuckDBPyConnection, per: Periode, kota_nama: str, ts: dt.datetime | None) -> dict:
    """MS-Keg (metadata statistik kegiatan) of the periode's survey, its numbers from the published
    tables: responden and OPD (ikm_kota), sample adequacy (kecukupan_sampel), the quality gates
    the publication passed (quality_gates), the files loaded (ingest_files)."""
    p = per.label
    kota = _one(con, "SELECT CAST(jumlah_responden AS BIGINT) AS jumlah_responden, jumlah_opd FROM ikm_kota "
                     "WHERE periode = ?", [p])
    tables = table_columns(con)
    gates = {}
    warnings = []
    if "quality_gates" in tables:
        gates = _one(con, "SELECT count(*) AS jumlah_pemeriksaan, count(*) FILTER (WHERE status = 'passed') AS lulus, "
                          "count(*) FILTER (WHERE status = 'failed' AND NOT blocking) AS peringatan, "
                          "count(*) FILTER (WHERE status = 'failed' AND blocking) AS gagal_menghalangi, "
                          "count(*) FILTER (WHERE status NOT IN ('passed', 'failed')) AS tidak_dijalankan, "
                          "count(*) FILTER (WHERE blocking) AS pemeriksaan_menghalangi FROM quality_gates", [])
        warnings = [{"pemeriksaan": g, "aset": a, "temuan": d} for g, a, d in con.execute(
            "SELECT gate, asset, description FROM quality_gates WHERE status = 'failed' AND NOT blocking "
            "ORDER BY asset, gate").fetchall()]
    files = {}
    if "ingest_files" in tables:
        files = dict(con.execute(
            "SELECT lower(regexp_extract(file_name, '\\.([A-Za-z0-9]+)$', 1)) AS jenis, count(*) FROM ingest_files "
            "WHERE periode_declared = ? AND status = 'loaded' GROUP BY ALL ORDER BY 1", [p]).fetchall())
    return {
        "formulir": "MS-Keg",
        "keterangan_formulir": "Metadata Statistik Kegiatan (Peraturan BPS Nomor 5 Tahun 2020), diisi otomatis dari "
                               "data terbitan periode ini.",
        "judul_kegiatan": judul(per, kota_nama),
        "tahun_kegiatan": per.year,
        "periode": p,
        "penyelenggara": {"instansi": f"Pemerintah {kota_nama}",
                          "pelaksana": "Organisasi Perangkat Daerah (OPD) penyelenggara pelayanan publik",
                          "jumlah_opd": kota.get("jumlah_opd")},
        "dasar_hukum": [REGULATION, "Peraturan Presiden Nomor 39 Tahun 2019 tentang Satu Data Indonesia"],
        "tujuan_kegiatan": "Mengukur kepuasan masyarakat atas pelayanan publik tiap OPD dan kota, sebagai bahan "
                           "perbaikan pelayanan (rencana tindak lanjut).",
        "jenis_statistik": "sektoral",
        "cara_pengumpulan_data": "survei",
        "kegiatan_dilakukan": "berulang",
        "frekuensi_penyelenggaraan": "semesteran",
        "tipe_pengumpulan_data": "cross-sectional",
        "cakupan_wilayah": f"{kota_nama}: OPD penyelenggara pelayanan yang mengirim data periode ini",
        "metode_pengumpulan_data": list(METODE_PENGUMPULAN),
        "berkas_sumber_dimuat": {"jumlah": sum(files.values()), "menurut_jenis": files},
        "unit_pengumpulan_data": "responden (penerima layanan)",
        "desain_sampel": {
            "jenis_rancangan_sampel": "non-probabilitas: penerima layanan yang mengisi survei selama periode",
            "aturan_ukuran_sampel": "sampel minimum Krejcie & Morgan (X² = 3,841; P = 0,5; d = 0,05) dari populasi "
                                    "penerima layanan (N) per OPD dan per jenis layanan",
            "jumlah_responden": kota.get("jumlah_responden"),
            "opd": _sampel(con, p, "opd"),
            "jenis_layanan": _sampel(con, p, "layanan"),
            "tabel": "kecukupan_sampel.csv",
        },
        "unit_observasi": "responden",
        "unit_analisis": list(LEVELS),
        "tingkat_penyajian": list(LEVELS),
        "jaminan_kualitas": {
            "keterangan": "Data diterbitkan hanya bila semua pemeriksaan yang menghalangi (blocking) lulus; "
                          "pemeriksaan yang tidak menghalangi dan gagal tercatat sebagai peringatan. Angka ini "
                          "berlaku untuk penerbitan ini (semua periode yang diterbitkan bersamanya); rinciannya di "
                          "tabel quality_gates.",
            **gates,
            "daftar_peringatan": warnings,
        },
        "jadwal": {"pengumpulan_data_mulai": per.first_day, "pengumpulan_data_selesai": per.last_day,
                   "diterbitkan": _wita_iso(ts)},
        "produk": ["Laporan SKM kota dan tiap OPD (HTML, PDF)", "data terbuka CSV dengan datapackage.json",
                   "workbook Excel untuk OPD"],
    }


def _rentang(band: mutu.Band) -> str:
    return f"{band.lower:.2f} – {band.highest_shown:.2f}".replace(".", ",")


def ms_ind(con: duckdb.DuckDBPyConnection, per: Periode, kota_nama: str) -> dict:
    """MS-Ind (metadata statistik indikator) of the IKM: the formula as the marts compute it, the
    mutu bands from the seed (pipelines.mutu), the nine unsur and the kota's value of the periode."""
    p = per.label
    kota = _one(con, "SELECT CAST(jumlah_responden AS BIGINT) AS jumlah_responden, jumlah_opd, ikm, nilai_ikm, mutu, "
                     "kinerja FROM ikm_kota WHERE periode = ?", [p])
    ci = _one(con, "SELECT ci_bawah, ci_atas FROM ketidakpastian_ikm WHERE periode = ? AND level = 'kota'", [p])
    unsur = [{"kode": f"U{u}", "unsur": k, "nama": n} for u, k, n in con.execute(
        "SELECT urutan, unsur, unsur_nama FROM ikm_kota_unsur WHERE periode = ? ORDER BY urutan",
        [p]).fetchall()]
    return {
        "formulir": "MS-Ind",
        "keterangan_formulir": "Metadata Statistik Indikator (Peraturan BPS Nomor 5 Tahun 2020), diisi otomatis dari "
                               "data terbitan periode ini.",
        "nama_indikator": "Indeks Kepuasan Masyarakat (IKM)",
        "konsep": "Kepuasan masyarakat: hasil pendapat dan penilaian masyarakat atas kinerja pelayanan yang diberikan "
                  "aparatur penyelenggara pelayanan publik.",
        "definisi": "IKM mengukur kepuasan penerima layanan atas sembilan unsur pelayanan, dari jawaban responden "
                    "pada skala 1-4, dan dinyatakan sebagai Nilai IKM 25-100.",
        "metode_perhitungan": [
            "NRR per unsur = jumlah skor jawaban (1-4) unsur itu / jumlah responden yang menjawabnya (jawaban "
            "kosong bukan nol)",
            "NRR tertimbang per unsur = NRR × bobot 1/9",
            "IKM = jumlah NRR tertimbang sembilan unsur (1-4)",
            "Nilai IKM = IKM × 25, dibulatkan setengah ke atas ke 2 desimal dari nilai eksak",
            "Nilai IKM kota menggabungkan semua responden kota (tertimbang jumlah responden)",
        ],
        "rumus": "Nilai IKM = 25 × Σ_{u=1..9} (NRR_u × 1/9),  NRR_u = Σ skor_u / n_u",
        "ukuran": "indeks",
        "satuan": "indeks (Nilai IKM 25-100; IKM 1-4)",
        "sifat_indikator": "komposit",
        "indikator_pembangun": unsur,
        "interpretasi": [{"mutu": b.mutu, "kinerja": b.kinerja, "nilai_dari": b.lower, "nilai_sampai": b.highest_shown,
                          "teks": f"{_rentang(b)}: mutu {b.mutu} ({b.kinerja})"} for b in reversed(mutu.bands())],
        "keterangan_interpretasi": "Mutu ditentukan dari Nilai IKM yang sudah dibulatkan; makin tinggi makin puas.",
        "level_estimasi": list(LEVELS),
        "periodisitas": "semesteran",
        "sumber_data": judul(per, kota_nama),
        "metadata_kegiatan": MS_KEG,
        "nilai_periode": {
            "periode": p, "tingkat": "kota", "nilai_ikm": kota.get("nilai_ikm"), "ikm": kota.get("ikm"),
            "mutu": kota.get("mutu"), "kinerja": kota.get("kinerja"),
            "jumlah_responden": kota.get("jumlah_responden"), "jumlah_opd": kota.get("jumlah_opd"),
            "selang_kepercayaan_95": [ci.get("ci_bawah"), ci.get("ci_atas")] if ci else None,
        },
        "tabel_data": [f"{t}.csv" for t in OPENDATA_TABLES],
    }
