"""The Laporan SKM per periode, for the city and for each OPD, read from the PUBLISHED file only.

One self-contained HTML page per unit (inline CSS and SVG, no script, no URL) under
``<data_dir>/published/laporan/<periode>/kota.html`` and ``<periode>/<opd_kode>.html``, and a PDF
of each printed by headless Chromium when it is installed (when it is not, the HTML is still
written and the PDF is recorded as skipped). A periode's folder is built beside the old one and
swapped in, so a reader never sees half a set.

What a page shows follows the methodology's "What is published"; parts whose data is not
published yet (minimum sample, saran) say so instead of inventing it. Small respondent groups in
the profile are hidden, with one plan over the city page and every OPD page of the periode so that
no hidden group can be worked out from the others (`publish/disclosure.py`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.periode import Periode, waktu_wita
from pipelines.publish.disclosure import (
    MIN_GROUP,
    SECONDARY_LABEL,
    SUPPRESSED_LABEL,
    TOTAL_ROW,
    Group,
    label_of_reason,
    suppression_plan,
)
from pipelines.report.exports import published_periodes, replace_dir, staging_dir
from pipelines.report.laporan import charts
from pipelines.report.laporan.chromium import FLAGS, ChromiumError, HeadlessChromium
from pipelines.report.laporan.fmt import angka, suppress_counts
from pipelines.report.laporan.peringatan import warnings_for_page
from pipelines.report.laporan.templates import render_page

@dataclass(frozen=True)
class LaporanOptions:
    """How the Laporan is written: the run context's kota_nama, laporan_pdf, chromium and
    laporan_browsers (pipelines/context.py), handed in by the report asset."""

    kota_nama: str = "Kota Bontang"
    pdf: bool = True  # print each page to PDF with headless Chromium
    chromium: str | None = None  # the executable; None: `chromium` on PATH
    browsers: int = 0  # Chromium processes at once; 0: one per core, at most 2


NO_PDF = LaporanOptions(pdf=False)
TREND_PERIODES = 6  # the trend chart shows up to this many periodes, the current one last
SARAN_MAX_ITEMS = 50

DIMENSI = (
    ("jenis_kelamin", "Jenis kelamin", ("L", "P")),
    ("usia_kelompok", "Usia (tahun)", ("< 20", "20-30", "31-40", "41-50", "> 50")),
    ("pendidikan", "Pendidikan", ("SD", "SMP", "SMA/SMK", "D1-D3", "D4/S1", "S2", "S3")),
    ("pekerjaan", "Pekerjaan", ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Pelajar/Mahasiswa", "Lainnya")),
)
KATEGORI_LABEL = {("jenis_kelamin", "L"): "Laki-laki", ("jenis_kelamin", "P"): "Perempuan"}
UNKNOWN = "Tidak diketahui"


@dataclass(frozen=True)
class ReportFile:
    periode: str
    unit: str  # 'kota' or the opd_kode
    nama: str
    html: Path
    pdf: Path | None
    pdf_status: str  # 'ditulis' | 'dilewati: ...' | 'gagal: ...'
    jumlah_responden: int | None


# --------------------------------------------------------------------------- reading the file


class Published:
    """A read-only connection to the published file and what it holds."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.columns: dict[str, list[str]] = defaultdict(list)
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall():
            self.columns[table].append(column)

    def has(self, table: str, *cols: str) -> bool:
        return table in self.columns and all(c in self.columns[table] for c in cols)

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | None = None) -> dict | None:
        found = self.rows(sql, params)
        return found[0] if found else None


def _int(v) -> int | None:
    return None if v is None else int(v)


def _delta(now, before) -> Decimal | None:
    if now is None or before is None:
        return None
    return Decimal(str(now)) - Decimal(str(before))


# --------------------------------------------------------------------------- page sections


def _headline(pub: Published, periode: str, opd_kode: str | None) -> dict | None:
    """The unit's headline row, with its sample adequacy (kecukupan_sampel), its 95 % interval
    (ketidakpastian_ikm) and whether the change is real (ikm_perubahan) when those are published."""
    if opd_kode is None:
        row = pub.one("SELECT * FROM ikm_kota WHERE periode = ?", [periode])
    else:
        row = pub.one("SELECT * FROM ikm_opd WHERE periode = ? AND opd_kode = ?", [periode, opd_kode])
    if row is None:
        return None
    level = "kota" if opd_kode is None else "opd"
    if opd_kode is not None and pub.has("kecukupan_sampel", "populasi", "sampel_minimum", "memadai"):
        row.update(pub.one("SELECT populasi, sampel_minimum, memadai AS sampel_memadai FROM kecukupan_sampel "
                           "WHERE periode = ? AND level = 'opd' AND opd_kode = ?", [periode, opd_kode]) or {})
    if pub.has("ketidakpastian_ikm", "ci_bawah", "ci_atas", "mutu_pasti"):
        why = ", sebab_mutu_tidak_pasti" if pub.has("ketidakpastian_ikm", "sebab_mutu_tidak_pasti") else ""
        row.update(pub.one(f"SELECT ci_bawah, ci_atas, mutu_pasti{why} FROM ketidakpastian_ikm WHERE periode = ? "
                           "AND level = ? AND opd_kode IS NOT DISTINCT FROM ?", [periode, level, opd_kode]) or {})
    if pub.has("ikm_sensitivitas", "mutu_semua", "mutu_tanpa_ditandai"):
        # for the summary's sentence when the marks decide the grade: the value the other policy gives
        row["ditandai"] = pub.one(
            "SELECT jumlah_ditandai, kebijakan, nilai_ikm_semua, mutu_semua, nilai_ikm_tanpa_ditandai, "
            "mutu_tanpa_ditandai FROM ikm_sensitivitas WHERE periode = ? AND level = ? "
            "AND opd_kode IS NOT DISTINCT FROM ?", [periode, level, opd_kode])
    if pub.has("ikm_perubahan", "perubahan_nyata"):
        row.update(pub.one("SELECT perubahan_nyata FROM ikm_perubahan WHERE periode = ? AND level = ? "
                           "AND opd_kode IS NOT DISTINCT FROM ?", [periode, level, opd_kode]) or {})
    return row


def _sample(row: dict) -> dict:
    """Respondents against the minimum sample, when the population is known: the headline row
    carries `populasi`, `sampel_minimum` and `sampel_memadai` from kecukupan_sampel (`_headline`)."""
    out = {"jumlah_responden": _int(row.get("jumlah_responden")), "tersedia": False,
           "populasi": None, "sampel_minimum": None, "memadai": None}
    if row.get("sampel_minimum") is not None:
        out["tersedia"] = True
        out["sampel_minimum"] = _int(row["sampel_minimum"])
        out["populasi"] = _int(row.get("populasi"))
        flag = row.get("sampel_memadai")
        out["memadai"] = bool(flag) if flag is not None else (
            out["jumlah_responden"] is not None and out["jumlah_responden"] >= out["sampel_minimum"])
    return out


def _unsur(pub: Published, periode: str, opd_kode: str | None) -> list[dict]:
    if opd_kode is None:
        table, where, params = "ikm_kota_unsur", "", []
    else:
        table, where, params = "ikm_unsur", " AND opd_kode = ?", [opd_kode]
    now = pub.rows(f"SELECT * FROM {table} WHERE periode = ?{where} ORDER BY urutan, unsur", [periode, *params])
    before = {r["unsur"]: r for r in pub.rows(
        f"SELECT unsur, nilai_unsur, nrr, mutu FROM {table} WHERE periode = ?{where}",
        [Periode.parse(periode).previous.label, *params])}
    for r in now:
        prev = before.get(r["unsur"])
        r["nilai_sebelumnya"] = prev["nilai_unsur"] if prev else None
        r["selisih"] = _delta(r["nilai_unsur"], r["nilai_sebelumnya"])
        r["skor"] = tuple(int(r.get(f"skor_{s}") or 0) for s in (1, 2, 3, 4))
    return now


def _priorities(unsur: list[dict], n: int = 3) -> list[dict]:
    """The n lowest-scoring unsur (by Nilai unsur, ties by the regulation's order)."""
    scored = [u for u in unsur if u.get("nilai_unsur") is not None]
    return sorted(scored, key=lambda u: (u["nilai_unsur"], u.get("urutan") or 0))[:n]


def _layanan(pub: Published, periode: str, opd_kode: str | None) -> list[dict]:
    if opd_kode is None:
        return pub.rows("SELECT * FROM ikm_layanan WHERE periode = ? ORDER BY opd_kode, nilai_ikm DESC NULLS LAST, "
                        "jenis_layanan", [periode])
    return pub.rows("SELECT * FROM ikm_layanan WHERE periode = ? AND opd_kode = ? "
                    "ORDER BY nilai_ikm DESC NULLS LAST, jenis_layanan", [periode, opd_kode])


def _ordered(dimensi: str, known: tuple[str, ...], counts: dict[str, int]) -> dict[str, int]:
    rest = sorted(k for k in counts if k not in known and k != UNKNOWN)
    order = [k for k in known if k in counts] + rest + ([UNKNOWN] if UNKNOWN in counts else [])
    return {k: counts[k] for k in order}


def profile_groups(counts_by_dim: dict[str, dict[str, int]],
                   hidden_by_dim: dict[str, dict[str, str]] | None = None,
                   given: dict[str, list[Group]] | None = None) -> list[dict]:
    """The four profile dimensions of one page, each with its categories in a fixed order and
    small groups hidden (`hidden_by_dim`: this page's part of `profile_plan`; without it the page
    is planned on its own). The order never depends on the counts, so it does not rank hidden
    groups either."""
    out = []
    for dimensi, judul, known in DIMENSI:
        counts = _ordered(dimensi, known, counts_by_dim.get(dimensi, {}))
        if given is not None:
            by_kat = {g.kategori: g for g in given.get(dimensi, [])}
            groups = [by_kat[k] for k in _ordered(dimensi, known, dict.fromkeys(by_kat, 0))]
        else:
            hidden = None if hidden_by_dim is None else hidden_by_dim.get(dimensi, {})
            groups = suppress_counts(counts, hidden=hidden)
        bars = [charts.ProfileBar(KATEGORI_LABEL.get((dimensi, g.kategori), g.kategori), g.persen, g.label)
                for g in groups]
        out.append({
            "dimensi": dimensi, "judul": judul, "groups": groups,
            "labels": {g.kategori: KATEGORI_LABEL.get((dimensi, g.kategori), g.kategori) for g in groups},
            "chart": charts.profile_bars(bars, f"Profil responden: {judul}") if groups else None,
            "hidden": {g.kategori for g in groups if g.suppressed},
        })
    return out


def profile_plan(by_opd: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, dict[str, str]]]:
    """dimensi -> unit (opd_kode, or TOTAL_ROW for the city page) -> kategori -> primary |
    secondary: one plan over every page of the periode, since the city counts are the sums of
    the OPD counts and each page prints its total (`publish/disclosure.py`)."""
    return {dim: suppression_plan({opd: dims.get(dim, {}) for opd, dims in by_opd.items()})
            for dim, _, _ in DIMENSI}


def opd_profile(by_opd: dict[str, dict[str, dict[str, int]]], opd_kode: str,
                plan: dict[str, dict[str, dict[str, str]]] | None = None) -> list[dict]:
    plan = plan if plan is not None else profile_plan(by_opd)
    return profile_groups(by_opd.get(opd_kode, {}), {dim: p.get(opd_kode, {}) for dim, p in plan.items()})


def city_profile(by_opd: dict[str, dict[str, dict[str, int]]],
                 plan: dict[str, dict[str, dict[str, str]]] | None = None) -> list[dict]:
    """The city's profile: the OPD counts summed, hidden by the same plan as the OPD pages."""
    plan = plan if plan is not None else profile_plan(by_opd)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for counts in by_opd.values():
        for dim, cats in counts.items():
            for kat, n in cats.items():
                totals[dim][kat] += n
    return profile_groups({d: dict(c) for d, c in totals.items()},
                          {dim: p.get(TOTAL_ROW, {}) for dim, p in plan.items()})


def _published_profile(pub: Published, periode: str, opd_kode: str | None) -> list[dict] | None:
    """The page's profile from a published `profil_responden` that is already suppressed
    (publish/disclosure.py: a `disembunyikan` column and city rows); None for an exact table."""
    if not pub.has("profil_responden", "level", "disembunyikan", "persen"):
        return None
    given: dict[str, list[Group]] = defaultdict(list)
    for dim, kat, n, pct, why in pub.con.execute(
        "SELECT dimensi, coalesce(kategori, ?), jumlah_responden, persen, disembunyikan FROM profil_responden "
        "WHERE periode = ? AND level = ? AND opd_kode IS NOT DISTINCT FROM ?",
        [UNKNOWN, periode, "kota" if opd_kode is None else "opd", opd_kode],
    ).fetchall():
        given[dim].append(Group(kat, None, None, label_of_reason(why)) if why or n is None
                          else Group(kat, int(n), pct, angka(n, 0)))
    return profile_groups({}, given=dict(given))


def _profile_counts(pub: Published, periode: str) -> dict[str, dict[str, dict[str, int]]]:
    """opd_kode -> dimensi -> kategori -> respondents, for one periode."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if not pub.has("profil_responden", "periode", "opd_kode", "dimensi", "kategori", "jumlah_responden"):
        return out
    if pub.has("profil_responden", "disembunyikan"):
        return out  # already suppressed on publication: pages read it as it is (_published_profile)
    for opd, dim, kat, n in pub.con.execute(
        "SELECT opd_kode, dimensi, coalesce(kategori, ?), sum(jumlah_responden) FROM profil_responden "
        "WHERE periode = ? GROUP BY ALL", [UNKNOWN, periode]
    ).fetchall():
        out[opd][dim][kat] = int(n)
    return out


def _trend(pub: Published, periode: str, opd_kode: str | None) -> list[dict]:
    if opd_kode is None:
        rows = pub.rows("SELECT periode, nilai_ikm, mutu FROM ikm_kota WHERE periode <= ? ORDER BY periode", [periode])
    else:
        rows = pub.rows("SELECT periode, nilai_ikm, mutu FROM ikm_opd WHERE periode <= ? AND opd_kode = ? "
                        "ORDER BY periode", [periode, opd_kode])
    return rows[-TREND_PERIODES:]


def _saran(pub: Published, periode: str, opd_kode: str | None) -> dict:
    """The saran of the periode (the published `saran` mart, personal data masked)."""
    table, text_col = "saran", "saran"
    if not pub.has(table, "periode", text_col):
        return {"tersedia": False}
    by_opd = pub.has(table, "opd_kode")
    if opd_kode is not None and by_opd:
        total = pub.con.execute(f'SELECT count(*) FROM "{table}" WHERE periode = ? AND opd_kode = ? '
                                f'AND nullif(trim("{text_col}"), \'\') IS NOT NULL', [periode, opd_kode]).fetchone()[0]
        layanan = ', "jenis_layanan"' if pub.has(table, "jenis_layanan") else ", NULL"
        items = pub.con.execute(
            f'SELECT "{text_col}"{layanan} FROM "{table}" WHERE periode = ? AND opd_kode = ? '
            f'AND nullif(trim("{text_col}"), \'\') IS NOT NULL ORDER BY ALL LIMIT {SARAN_MAX_ITEMS}',
            [periode, opd_kode]).fetchall()
        return {"tersedia": True, "jumlah": total, "items": [{"teks": t, "layanan": lay} for t, lay in items],
                "per_opd": []}
    per_opd = pub.rows(
        f'SELECT {"opd_kode" if by_opd else "NULL AS opd_kode"}, count(*) AS jumlah FROM "{table}" '
        f'WHERE periode = ? AND nullif(trim("{text_col}"), \'\') IS NOT NULL GROUP BY ALL ORDER BY ALL', [periode])
    return {"tersedia": True, "jumlah": sum(r["jumlah"] for r in per_opd), "items": [], "per_opd": per_opd}


SUARA_CONTOH = 3  # masked quotes shown under each weak unsur


def _suara_warga(pub: Published, periode: str, opd_kode: str | None, prioritas: list[dict]) -> dict:
    """What citizens said about each of the page's weak unsur in the periode
    (saran_tema_ringkasan: the number of saran tagged with the unsur, the most frequent keywords,
    up to SUARA_CONTOH masked quotes): {"tersedia": the mart is published, "unsur": unsur -> that}.
    OPD pages only."""
    tersedia = pub.has("saran_tema_ringkasan", "periode", "opd_kode", "unsur", "jumlah_saran", "kata_teratas")
    if opd_kode is None or not prioritas or not tersedia:
        return {"tersedia": tersedia, "unsur": {}}
    quotes = [c for c in ("contoh_1", "contoh_2", "contoh_3") if pub.has("saran_tema_ringkasan", c)][:SUARA_CONTOH]
    out = {}
    for r in pub.rows(f"SELECT unsur, jumlah_saran, kata_teratas{''.join(', ' + c for c in quotes)} "
                      "FROM saran_tema_ringkasan WHERE periode = ? AND opd_kode = ?", [periode, opd_kode]):
        out[r["unsur"]] = {"jumlah": _int(r["jumlah_saran"]), "kata": r["kata_teratas"],
                           "contoh": [r[c] for c in quotes if r.get(c)]}
    return {"tersedia": True, "unsur": {u["unsur"]: out[u["unsur"]] for u in prioritas if u["unsur"] in out}}


def _rencana(pub: Published, periode: str, opd_kode: str | None, prioritas: list[dict]) -> dict:
    """The follow-up plan made after this periode (rencana_tindak_lanjut of the periode): on an
    OPD page its actions and, for each of the page's priorities, whether the plan covers it; on
    the city page the OPD without an action for their weakest unsur (cakupan_tindak_lanjut)."""
    out: dict = {"tersedia": pub.has("rencana_tindak_lanjut", "periode", "opd_kode", "kegiatan"),
                 "kegiatan": [], "prioritas": [], "tanpa_rtl": [], "jumlah_opd": 0}
    if not out["tersedia"]:
        return out
    if opd_kode is not None:
        out["kegiatan"] = pub.rows(
            "SELECT unsur, unsur_nama, urutan, prioritas, nilai_unsur, masalah, kegiatan, penanggung_jawab, "
            "target_waktu, status, keterangan FROM rencana_tindak_lanjut WHERE periode = ? AND opd_kode = ? "
            "ORDER BY prioritas NULLS LAST, urutan, file_name, row_number", [periode, opd_kode])
        planned = {k["unsur"] for k in out["kegiatan"]}
        out["prioritas"] = [{**u, "ada_rtl": u["unsur"] in planned} for u in prioritas]
    elif pub.has("cakupan_tindak_lanjut", "unsur_terlemah_ditangani"):
        out["tanpa_rtl"] = pub.rows(
            "SELECT opd_kode, opd_nama, unsur_terlemah, unsur_terlemah_nama, nilai_unsur_terlemah, jumlah_kegiatan, "
            "ada_rtl FROM cakupan_tindak_lanjut WHERE periode = ? AND NOT unsur_terlemah_ditangani "
            "ORDER BY opd_kode", [periode])
        out["jumlah_opd"] = pub.one("SELECT count(*) AS n FROM cakupan_tindak_lanjut WHERE periode = ?",
                                    [periode])["n"]
    return out


def _hasil_tindak_lanjut(pub: Published, periode: str, opd_kode: str | None) -> dict:
    """The appendix: what became of the previous periode's actions, judged by this periode
    (hasil_tindak_lanjut whose periode_berikutnya is this one), each with the unsur's change and
    whether it is larger than its uncertainty."""
    if not pub.has("hasil_tindak_lanjut", "periode_berikutnya", "perubahan_nyata", "hasil"):
        return {"tersedia": False, "kegiatan": []}
    where, params = ("", [periode]) if opd_kode is None else (" AND opd_kode = ?", [periode, opd_kode])
    rows = pub.rows(
        "SELECT periode, opd_kode, opd_nama, unsur, unsur_nama, kegiatan, penanggung_jawab, target_waktu, status, "
        "nilai_unsur, nilai_unsur_berikutnya, selisih, galat_baku_selisih, perubahan_nyata, hasil "
        f"FROM hasil_tindak_lanjut WHERE periode_berikutnya = ?{where} ORDER BY opd_kode, urutan, file_name, row_number",
        params)
    for r in rows:  # the half-width of the 95 % band the change is judged against
        r["batas"] = None if r["galat_baku_selisih"] is None else Decimal("1.96") * Decimal(str(r["galat_baku_selisih"]))
    return {"tersedia": True, "kegiatan": rows}


def _kualitas(pub: Published, periode: str, opd_kode: str | None) -> dict:
    """The data-quality footnote: what became of the landed rows of the periode (city-wide: the
    published reconciliation has no OPD column) and the warnings of the publishing run."""
    out: dict = {"rekonsiliasi": None, "file_lain": [], "alasan": [], "peringatan": [], "peringatan_lain": 0,
                 "gates": None}
    if pub.has("reconciliation", "periode_declared", "file_status", "rows_read", "rows_used"):
        out["rekonsiliasi"] = pub.one(
            "SELECT count(*) AS files, sum(rows_read) AS rows_read, sum(rows_used) AS rows_used, "
            "sum(rows_quarantined) AS rows_quarantined, sum(rows_duplicate) AS rows_duplicate, "
            "count(*) FILTER (WHERE NOT is_balanced) AS unbalanced "
            "FROM reconciliation WHERE periode_declared = ? AND file_status = 'loaded'", [periode])
        out["file_lain"] = pub.rows(
            "SELECT file_status, count(*) AS files FROM reconciliation WHERE periode_declared = ? "
            "AND file_status <> 'loaded' GROUP BY ALL ORDER BY ALL", [periode])
    if pub.has("quarantine", "periode_declared", "reason_code"):
        out["alasan"] = pub.rows(
            "SELECT reason_code, count(*) AS jumlah FROM quarantine WHERE periode_declared = ? "
            "GROUP BY ALL ORDER BY jumlah DESC, reason_code", [periode])
    if pub.has("quality_gates", "status", "gate", "asset", "description"):
        out["gates"] = pub.one("SELECT count(*) AS total, count(*) FILTER (WHERE status = 'passed') AS passed "
                               "FROM quality_gates")
        failed = pub.rows("SELECT asset, gate, description FROM quality_gates WHERE status = 'failed' ORDER BY ALL")
        out["peringatan"], out["peringatan_lain"] = warnings_for_page(pub, failed, periode, opd_kode)
    return out


def _published_at(pub: Published) -> dict:
    if not pub.has("_published", "published_at_utc"):
        return {"waktu": None, "run_id": None}
    row = pub.one("SELECT * FROM _published LIMIT 1") or {}
    ts = row.get("published_at_utc")
    waktu = waktu_wita(ts) if ts else None
    return {"waktu": waktu, "run_id": row.get("run_id")}


# --------------------------------------------------------------------------- one page


def report_context(pub: Published, periode: str, opd_kode: str | None = None,
                   profile: tuple[dict, dict] | None = None, kota_nama: str = LaporanOptions.kota_nama) -> dict | None:
    """Everything one page shows; None when the unit has no published row for the periode.
    `profile`: the periode's (counts, plan) from `periode_profile`, shared by its pages."""
    head = _headline(pub, periode, opd_kode)
    if head is None:
        return None
    prev_periode = Periode.parse(periode).previous.label
    prev = _headline(pub, prev_periode, opd_kode)
    unsur = _unsur(pub, periode, opd_kode)
    layanan = _layanan(pub, periode, opd_kode)
    trend = _trend(pub, periode, opd_kode)
    priorities = _priorities(unsur)
    ctx = {
        **_unit(head, periode, prev_periode, opd_kode, kota_nama),
        "head": head,
        "prev": prev,
        "selisih": _delta(head.get("nilai_ikm"), prev.get("nilai_ikm") if prev else None),
        "sampel": _sample(head),
        "unsur": unsur,
        "prioritas": priorities,
        "suara": _suara_warga(pub, periode, opd_kode, priorities),
        "rencana": _rencana(pub, periode, opd_kode, priorities),
        "hasil_tl": _hasil_tindak_lanjut(pub, periode, opd_kode),
        "layanan": layanan,
        "profil": _page_profile(pub, periode, opd_kode, profile),
        "min_group": MIN_GROUP,
        "suppressed_label": SUPPRESSED_LABEL,
        "secondary_label": SECONDARY_LABEL,
        "trend": trend,
        "saran": _saran(pub, periode, opd_kode),
        "kualitas": _kualitas(pub, periode, opd_kode),
        "terbit": _published_at(pub),
        "peringkat": [],
        "charts": _charts(unsur, layanan, trend, opd_kode),
    }
    if opd_kode is None:
        ctx["peringkat"] = _ranking(pub, periode, prev_periode)
        ctx["charts"]["peringkat"] = _ranking_chart(ctx["peringkat"])
        # the mart classifies the mean of the OPD indices (ikm_kota.mutu_rata_opd)
        ctx["rata_mutu"] = (head.get("mutu_rata_opd"), head.get("kinerja_rata_opd"))
    return ctx


def _unit(head: dict, periode: str, prev_periode: str, opd_kode: str | None, kota_nama: str) -> dict:
    """Which page this is: the city or an OPD, and its periode."""
    return {
        "jenis": "kota" if opd_kode is None else "opd",
        "kota_nama": kota_nama,
        "unit_kode": opd_kode or "kota",
        "unit_nama": kota_nama if opd_kode is None else (head.get("opd_nama") or opd_kode),
        "periode": periode,
        "periode_nama": Periode.parse(periode).nama,
        "periode_sebelumnya": prev_periode,
    }


def periode_profile(pub: Published, periode: str) -> tuple[dict, dict]:
    """The periode's exact profile counts and the one suppression plan over all its pages."""
    by_opd = _profile_counts(pub, periode)
    return by_opd, profile_plan(by_opd)


def _page_profile(pub: Published, periode: str, opd_kode: str | None,
                  profile: tuple[dict, dict] | None) -> list[dict]:
    """The page's profile: as published when the published table is already suppressed, else
    from the exact counts with the periode's plan."""
    published = _published_profile(pub, periode, opd_kode)
    if published is not None:
        return published
    by_opd, plan = profile if profile is not None else periode_profile(pub, periode)
    return city_profile(by_opd, plan) if opd_kode is None else opd_profile(by_opd, opd_kode, plan)


def _charts(unsur: list[dict], layanan: list[dict], trend: list[dict], opd_kode: str | None) -> dict:
    return {
        "unsur": charts.banded_bars(
            [charts.Bar(u["unsur_nama"] or u["unsur"], u["nilai_unsur"], u["mutu"],
                        f"NRR {angka(u['nrr'], 3)} · {angka(u['nilai_unsur'])} ({u['mutu'] or '–'})",
                        {"unsur": u["unsur"], "value": str(u["nilai_unsur"] if u["nilai_unsur"] is not None else "")})
             for u in unsur], "Nilai per unsur dengan pita mutu", width=840, label_width=310, note_width=170),
        "sebaran": charts.distribution_bars(
            [charts.Distribution(u["unsur_nama"] or u["unsur"], u["skor"]) for u in unsur],
            "Sebaran jawaban 1-4 per unsur"),
        "layanan": charts.banded_bars(
            [charts.Bar(r["jenis_layanan"], r["nilai_ikm"], r["mutu"],
                        f"{angka(r['nilai_ikm'])} · n = {angka(r['jumlah_responden'], 0)}")
             for r in layanan], "Nilai IKM per jenis layanan")
        if layanan and opd_kode is not None else None,  # the city page lists its many services in a table
        "tren": charts.trend_columns([charts.TrendPoint(t["periode"], t["nilai_ikm"], t["mutu"]) for t in trend],
                                     "Tren Nilai IKM per semester"),
    }


def _ranking(pub: Published, periode: str, prev_periode: str) -> list[dict]:
    """The OPD of the periode by rank, each with its value and rank in the previous periode."""
    ranking = pub.rows("SELECT * FROM ikm_opd WHERE periode = ? ORDER BY peringkat NULLS LAST, opd_kode", [periode])
    before = {r["opd_kode"]: r for r in pub.rows(
        "SELECT opd_kode, nilai_ikm, peringkat FROM ikm_opd WHERE periode = ?", [prev_periode])}
    for r in ranking:
        b = before.get(r["opd_kode"])
        r["nilai_sebelumnya"] = b["nilai_ikm"] if b else None
        r["peringkat_sebelumnya"] = b["peringkat"] if b else None
        r["selisih"] = _delta(r["nilai_ikm"], r["nilai_sebelumnya"])
    return ranking


def _ranking_chart(ranking: list[dict]):
    return charts.banded_bars(
        [charts.Bar(f"{r['peringkat'] or '–'}. {r['opd_nama'] or r['opd_kode']}", r["nilai_ikm"], r["mutu"],
                    f"{angka(r['nilai_ikm'])} ({r['mutu'] or '–'})", {"opd": r["opd_kode"]}) for r in ranking],
        "Peringkat OPD menurut Nilai IKM", label_width=330, note_width=110)


# --------------------------------------------------------------------------- files


def safe_name(opd_kode: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", opd_kode).strip("._") or "opd"
    return f"opd-{name}" if name.lower() == "kota" else name


def chromium_binary(configured: str | None = None) -> str | None:
    """The configured Chromium, else `chromium` on PATH, else None."""
    return configured or shutil.which("chromium")


def run_chromium(args: list[str], url: str, timeout: float = 120,
                 binary: str | None = None) -> subprocess.CompletedProcess:
    """One headless Chromium command (`--dump-dom`, `--screenshot`) with a fresh profile directory
    (removed afterwards); the tests look at the static pages with it."""
    binary = binary or chromium_binary()
    if binary is None:
        raise FileNotFoundError("chromium is not installed")
    profile = tempfile.mkdtemp(prefix="skm-chromium-")
    try:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _print_with_one_browser(pages: list[tuple[Path, Path]], binary: str) -> list[str]:
    statuses: list[str] = []
    try:
        with HeadlessChromium(binary) as browser:
            for html, pdf in pages:
                pdf.unlink(missing_ok=True)
                try:
                    browser.print_pdf(html, pdf)
                    statuses.append("ditulis" if pdf.exists() and pdf.stat().st_size > 0 else "gagal: PDF kosong")
                except Exception as exc:  # noqa: BLE001 - recorded per page; the next page is tried
                    statuses.append(f"gagal: {type(exc).__name__}: {str(exc)[:300]}")
    except (OSError, ChromiumError) as exc:
        statuses += [f"gagal: {exc}"] * (len(pages) - len(statuses))
    return statuses


def print_pdfs(pages: list[tuple[Path, Path]], binary: str | None = None, browsers: int | None = None) -> list[str]:
    """Print each (html, pdf) pair; returns each page's status to record. Never raises for
    Chromium's sake: a report without its PDF is still a report. Printing is CPU-bound (~0.3 s a
    page): one browser per core (at most 2, or `browsers`), each started once for its share."""
    binary = chromium_binary(binary)
    if binary is None:
        return ["dilewati: chromium tidak terpasang"] * len(pages)
    n = browsers or min(2, os.cpu_count() or 1)
    n = max(1, min(n, len(pages)))
    shares = [pages[i::n] for i in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        done = list(pool.map(lambda share: _print_with_one_browser(share, binary), shares))
    statuses = [""] * len(pages)
    for i, share_statuses in enumerate(done):
        statuses[i::n] = share_statuses
    return statuses


def build_periode(pub: Published, periode: str, out_dir: Path,
                  options: LaporanOptions = LaporanOptions()) -> list[ReportFile]:
    """The city page and every OPD page of one periode into `out_dir` (replaced as a whole)."""
    Periode.parse(periode)  # refuses anything but a periode label
    tmp = staging_dir(out_dir)
    try:
        profile = periode_profile(pub, periode)
        units: list[tuple[str | None, str]] = [(None, "kota")]
        units += [(r["opd_kode"], safe_name(r["opd_kode"])) for r in
                  pub.rows("SELECT opd_kode FROM ikm_opd WHERE periode = ? ORDER BY opd_kode", [periode])]
        pages: list[tuple[str, str, str, int | None]] = []
        for opd_kode, name in units:
            ctx = report_context(pub, periode, opd_kode, profile, options.kota_nama)
            if ctx is None:
                continue
            (tmp / f"{name}.html").write_text(render_page(ctx), encoding="utf-8")
            pages.append((name, opd_kode or "kota", ctx["unit_nama"], _int(ctx["head"].get("jumlah_responden"))))
        if options.pdf:
            statuses = print_pdfs([(tmp / f"{name}.html", tmp / f"{name}.pdf") for name, *_ in pages],
                                  binary=options.chromium, browsers=options.browsers)
        else:
            statuses = ["dilewati: PDF tidak diminta (SKM_LAPORAN_PDF=0)"] * len(pages)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [ReportFile(periode, unit, nama, out_dir / f"{name}.html",
                       out_dir / f"{name}.pdf" if status == "ditulis" else None, status, n)
            for (name, unit, nama, n), status in zip(pages, statuses)]


def build_reports(published: Path, out_root: Path, periodes: list[str] | None = None,
                  options: LaporanOptions = LaporanOptions()) -> dict[str, list[ReportFile]]:
    """Every requested periode (default: all published ones) from a read-only connection to the
    published file. A periode without published data gets no folder and maps to []."""
    with duckdb.connect(str(published), read_only=True) as con:
        return build_reports_from(con, out_root, periodes, options)


def build_reports_from(con: duckdb.DuckDBPyConnection, out_root: Path, periodes: list[str] | None = None,
                       options: LaporanOptions = LaporanOptions()) -> dict[str, list[ReportFile]]:
    pub = Published(con)
    have = published_periodes(con)
    out: dict[str, list[ReportFile]] = {}
    for periode in periodes if periodes is not None else have:
        out[periode] = build_periode(pub, periode, out_root / periode, options) if periode in have else []
    return out
