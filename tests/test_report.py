"""The Laporan SKM and the exports, built from the published file only.

Fast tests use the helpers and a small synthetic published file; the `slow` ones run the whole
pipeline once on a generated estate, build the reports and exports through the `laporan_skm`
asset, and check them against the published tables (in headless Chromium where it is installed;
screenshots are kept in artifacts/report/)."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.publish.disclosure import SECONDARY_LABEL, SUPPRESSED_LABEL, suppress_profile
from pipelines.report.exports import write_exports, xlsx_path
from pipelines.report.laporan.build import (
    NO_PDF,
    LaporanOptions,
    build_reports,
    chromium_binary,
    city_profile,
    opd_profile,
    print_pdfs,
    profile_plan,
    run_chromium,
)
from pipelines.report.laporan.fmt import angka, selisih, suppress_counts
from pipelines.settings import REPO_ROOT, UNSUR_KEYS

ARTIFACTS = REPO_ROOT / "artifacts" / "report"
needs_chromium = pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")


# --------------------------------------------------------------------------- HTML reading helpers


class _Page(HTMLParser):
    """Collects data-field elements and the profile rows (table and chart) of a report page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[dict[str, str]] = []
        self.profile: dict[tuple[str, str], dict] = {}
        self._dim: str | None = None
        self._row: dict | None = None
        self._cell: list[str] | None = None
        self._g: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "data-field" in a:
            self.fields.append(a)
        if tag == "div" and "data-dimensi" in a:
            self._dim = a["data-dimensi"]
        elif self._dim and tag == "tr" and "data-kategori" in a:
            self._row = self.profile.setdefault((self._dim, a["data-kategori"]), {})
            self._row.update(suppressed=a["data-suppressed"] == "true", cells=[])
        elif self._row is not None and tag == "td":
            self._cell = []
        elif self._dim and tag == "g" and "data-kategori" in a:
            self._g = {"suppressed": a["data-suppressed"] == "true", "text": []}
            self._g_key = (self._dim, a["data-kategori"])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "g" and self._g is not None:
            self.chart_texts.setdefault(self._g_key, (self._g["suppressed"], " ".join(self._g["text"])))
            self._g = None
        elif tag == "div":
            self._dim = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._g is not None:
            self._g["text"].append(data.strip())

    chart_texts: dict

    def feed_page(self, html: str) -> _Page:
        self.chart_texts = {}
        self.feed(html)
        self.close()
        return self


def parse(html: str) -> _Page:
    return _Page().feed_page(html)


def field(page: _Page, name: str, **match: str) -> str:
    found = [f for f in page.fields if f["data-field"] == name
             and all(f.get(f"data-{k}") == v for k, v in match.items())]
    assert len(found) == 1, (name, match, found)
    return found[0]["data-value"]


def dec(v) -> Decimal:
    return Decimal(str(v))


# --------------------------------------------------------------------------- fast: helpers


def test_numbers_are_written_indonesian_style():
    assert angka(Decimal("82.99")) == "82,99"
    assert angka(82.99) == "82,99"
    assert angka(1228, 0) == "1.228"
    assert angka(Decimal("1234567.5"), 1) == "1.234.567,5"
    assert angka(Decimal("80.645")) == "80,65"  # half up on the exact value
    assert angka(Decimal("3.32950"), 4) == "3,3295"
    assert angka(None) == "–"
    assert selisih(Decimal("1.38")) == "+1,38" and selisih(Decimal("-0.4")) == "-0,40" and selisih(0) == "0,00"


def test_groups_under_five_are_hidden_and_the_others_shown():
    groups = {g.kategori: g for g in suppress_counts({"PNS": 3, "TNI": 4, "Swasta": 50, "Lainnya": 60})}
    for small in ("PNS", "TNI"):
        assert groups[small].suppressed and groups[small].label == SUPPRESSED_LABEL
        assert groups[small].shown is None and groups[small].persen is None
    assert groups["Swasta"].label == "50" and groups["Swasta"].persen == Decimal("42.74")  # 50 / 117
    assert groups["Lainnya"].label == "60"
    assert not any(hasattr(g, "jumlah") for g in groups.values())  # the hidden count is not kept


def test_a_lone_small_group_cannot_be_recovered_from_the_total():
    # total printed on the page is 174: L = 171 would give P = 3 away, so L is hidden too
    groups = {g.kategori: g for g in suppress_counts({"L": 171, "P": 3})}
    assert groups["P"].label == SUPPRESSED_LABEL and groups["L"].label == SECONDARY_LABEL
    # the next smallest group is hidden until the hidden ones add up to at least five
    groups = {g.kategori: g for g in suppress_counts({"a": 1, "b": 2, "c": 8, "d": 9, "e": 40})}
    assert [k for k, g in groups.items() if g.suppressed] == ["a", "b", "c"]
    assert groups["c"].label == SECONDARY_LABEL and groups["d"].label == "9"
    # nothing small: nothing hidden; exactly five is shown
    assert not any(g.suppressed for g in suppress_counts({"x": 5, "y": 7}))
    assert suppress_counts({}) == []


def test_city_profile_hides_a_category_only_one_opd_page_hides():
    by_opd = {
        "A": {"pekerjaan": {"PNS": 2, "TNI": 9, "Swasta": 40, "Lainnya": 30}},
        "B": {"pekerjaan": {"PNS": 20, "TNI": 11, "Swasta": 35, "Lainnya": 25}},
    }
    # page A hides PNS (2) and TNI (so PNS is not A's total minus the others) ...
    page_a = {d["dimensi"]: d for d in opd_profile(by_opd, "A")}["pekerjaan"]
    assert page_a["hidden"] == {"PNS", "TNI"}
    assert {d["dimensi"]: d for d in opd_profile(by_opd, "B")}["pekerjaan"]["hidden"] == set()
    # ... and the city page hides both too: the city count minus page B's would give A's
    city = {d["dimensi"]: d for d in city_profile(by_opd)}["pekerjaan"]
    shown = {g.kategori: g.label for g in city["groups"]}
    assert shown == {"PNS": SECONDARY_LABEL, "TNI": SECONDARY_LABEL, "Swasta": "75", "Lainnya": "55"}


def _computable(cells: dict[str, dict[str, int]], hidden: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Hidden cells a reader can compute exactly from the pages: every page prints its total and
    the city row ("kota") is the column sums. Independent of the production check on purpose."""
    import numpy as np

    unknown = sorted(hidden)
    if not unknown:
        return set()
    rel = [[1.0 if c[0] == u else 0.0 for c in unknown] for u in cells]
    rel += [[(1.0 if c[0] == "kota" else -1.0) if c[1] == k else 0.0 for c in unknown]
            for k in {k for cats in cells.values() for k in cats}]
    a = np.array(rel)
    r = np.linalg.matrix_rank(a)
    return {c for i, c in enumerate(unknown)
            if np.linalg.matrix_rank(np.vstack([a, np.eye(len(unknown))[i]])) == r}


def test_a_group_hidden_on_two_pages_is_not_left_alone_on_the_city_page():
    # A hides k (2) and j; B hides j (3) and m; C hides m (4) and j. A naive rule ("hide the city
    # cell when exactly one page hides it") hides only k on the city page: then city k = city total
    # minus the other city cells, and A's k = city k minus B's and C's shown k.
    by_opd = {
        "A": {"d": {"k": 2, "j": 6, "x": 50}},
        "B": {"d": {"k": 9, "j": 3, "m": 7, "x": 40}},
        "C": {"d": {"k": 8, "j": 8, "m": 4, "x": 30}},
    }
    plan = profile_plan({o: {"pendidikan": v["d"]} for o, v in by_opd.items()})["pendidikan"]
    cells = {o: v["d"] for o, v in by_opd.items()}
    cells["kota"] = {k: sum(c.get(k, 0) for c in cells.values()) for k in ("k", "j", "m", "x")}
    hidden = {("kota" if u == "__total__" else u, k) for u, cats in plan.items() for k in cats}
    assert {("A", "k"), ("B", "j"), ("C", "m")} <= hidden
    assert not _computable(cells, hidden) & {("A", "k"), ("B", "j"), ("C", "m")}
    for u in cells:
        mine = [k for (v, k) in hidden if v == u]
        assert not mine or (len(mine) >= 2 and sum(cells[u][k] for k in mine) >= 5), u


# --------------------------------------------------------------------------- fast: a synthetic published file


def _synthetic_published(path: Path, *, saran: bool = False, sampel: bool = False, quality: bool = False) -> Path:
    """A small published file with the contract tables (two periodes, two OPDs)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE ikm_unsur (periode VARCHAR, opd_kode VARCHAR, opd_nama VARCHAR, unsur VARCHAR, "
                "urutan INTEGER, unsur_nama VARCHAR, jumlah_responden HUGEINT, jumlah_jawaban HUGEINT, "
                "jumlah_tidak_menjawab HUGEINT, skor_1 HUGEINT, skor_2 HUGEINT, skor_3 HUGEINT, skor_4 HUGEINT, "
                "nrr DECIMAL(18,4), bobot DECIMAL(18,4), nrr_tertimbang DECIMAL(18,4), nilai_unsur DECIMAL(18,2), "
                "mutu VARCHAR, kinerja VARCHAR)")
    for periode, shift in (("2025-S1", 0), ("2025-S2", 1)):
        for opd, nama, base in (("OPD-A", "Dinas A", 2), ("OPD-B", "Dinas <B> & Co", 3)):
            for i, u in enumerate(UNSUR_KEYS):
                s4 = base + i + shift
                counts = (1, 3, 10, s4)
                n = sum(counts)
                nrr = Decimal(sum((k + 1) * c for k, c in enumerate(counts))) / n
                nilai = (nrr * 25).quantize(Decimal("0.01"))
                good = nilai >= Decimal("76.61")
                con.execute("INSERT INTO ikm_unsur VALUES (?,?,?,?,?,?,?,?,0,?,?,?,?,?,0.1111,?,?,?,?)",
                            [periode, opd, nama, u, i + 1, u.title(), n, n, *counts, nrr, nrr / 9, nilai,
                             "B" if good else "C", "Baik" if good else "Kurang baik"])
    con.execute("""CREATE TABLE ikm_opd AS
        SELECT periode, opd_kode, any_value(opd_nama) AS opd_nama, any_value(jumlah_responden) AS jumlah_responden,
               9 AS jumlah_unsur_terjawab, round(avg(nrr), 4)::DECIMAL(18,4) AS ikm,
               round(avg(nrr) * 25, 2)::DECIMAL(18,2) AS nilai_ikm, 'B' AS mutu, 'Baik' AS kinerja,
               rank() OVER (PARTITION BY periode ORDER BY avg(nrr) DESC) AS peringkat
        FROM ikm_unsur GROUP BY periode, opd_kode""")
    if sampel:
        con.execute("ALTER TABLE ikm_opd ADD COLUMN populasi BIGINT DEFAULT 100")
        con.execute("ALTER TABLE ikm_opd ADD COLUMN sampel_minimum BIGINT DEFAULT 80")
    con.execute("""CREATE TABLE ikm_kota_unsur AS
        SELECT periode, unsur, any_value(urutan) AS urutan, any_value(unsur_nama) AS unsur_nama,
               sum(jumlah_responden) AS jumlah_responden, sum(jumlah_jawaban) AS jumlah_jawaban,
               sum(jumlah_tidak_menjawab) AS jumlah_tidak_menjawab, sum(skor_1) AS skor_1, sum(skor_2) AS skor_2,
               sum(skor_3) AS skor_3, sum(skor_4) AS skor_4, round(avg(nrr), 4)::DECIMAL(18,4) AS nrr,
               0.1111::DECIMAL(18,4) AS bobot, round(avg(nrr) / 9, 4)::DECIMAL(18,4) AS nrr_tertimbang,
               round(avg(nrr) * 25, 2)::DECIMAL(18,2) AS nilai_unsur, 'B' AS mutu, 'Baik' AS kinerja
        FROM ikm_unsur GROUP BY periode, unsur""")
    con.execute("""CREATE TABLE ikm_kota AS
        SELECT periode, count(*) AS jumlah_opd, sum(jumlah_responden) AS jumlah_responden,
               round(avg(ikm), 4)::DECIMAL(18,4) AS ikm, round(avg(nilai_ikm), 2)::DECIMAL(18,2) AS nilai_ikm,
               'B' AS mutu, 'Baik' AS kinerja, round(avg(ikm), 4)::DECIMAL(18,4) AS ikm_rata_opd,
               round(avg(nilai_ikm), 2)::DECIMAL(18,2) AS nilai_ikm_rata_opd, 'B' AS mutu_rata_opd,
               'Baik' AS kinerja_rata_opd, count(*) AS jumlah_opd_dengan_ikm
        FROM ikm_opd GROUP BY periode""")
    con.execute("""CREATE TABLE ikm_layanan AS
        SELECT periode, opd_kode, opd_nama, 'Izin <script>alert(1)</script>' AS jenis_layanan,
               jumlah_responden, 9 AS jumlah_unsur_terjawab, ikm, nilai_ikm, mutu, kinerja FROM ikm_opd
        UNION ALL
        SELECT periode, opd_kode, opd_nama, 'Layanan tanpa indeks', 3, 8, NULL, NULL, NULL, NULL FROM ikm_opd""")
    con.execute("CREATE TABLE profil_responden (periode VARCHAR, opd_kode VARCHAR, opd_nama VARCHAR, "
                "dimensi VARCHAR, kategori VARCHAR, jumlah_responden BIGINT, persen DECIMAL(18,2))")
    for periode in ("2025-S1", "2025-S2"):
        for opd, cats in (("OPD-A", {"L": 30, "P": 2}), ("OPD-B", {"L": 20, "P": 21})):
            for kat, n in cats.items():
                con.execute("INSERT INTO profil_responden VALUES (?,?,?,?,?,?,NULL)",
                            [periode, opd, opd, "jenis_kelamin", kat, n])
    if saran:
        con.execute("CREATE TABLE saran (periode VARCHAR, opd_kode VARCHAR, jenis_layanan VARCHAR, saran VARCHAR)")
        con.execute("INSERT INTO saran VALUES ('2025-S2', 'OPD-A', 'Izin', 'Antrian <b>terlalu</b> lama'), "
                    "('2025-S2', 'OPD-A', 'Izin', '  '), ('2025-S2', 'OPD-B', 'Izin', 'Petugas ramah')")
    if quality:
        con.execute("CREATE TABLE reconciliation (source_code VARCHAR, file_name VARCHAR, periode_declared VARCHAR, "
                    "file_status VARCHAR, rows_read BIGINT, rows_used HUGEINT, rows_quarantined HUGEINT, "
                    "rows_duplicate HUGEINT, is_balanced BOOLEAN)")
        con.execute("INSERT INTO reconciliation VALUES ('a', 'a.csv', '2025-S2', 'loaded', 1300, 1234, 60, 6, true), "
                    "('b', 'b.csv', '2025-S2', 'loaded', 10, 10, 0, 0, true), "
                    "('b', 'old.csv', '2025-S2', 'replaced', 10, 0, 0, 0, true)")
        con.execute("CREATE TABLE quarantine (periode_declared VARCHAR, reason_code VARCHAR)")
        con.execute("INSERT INTO quarantine SELECT '2025-S2', 'unknown_label' FROM range(60)")
        con.execute("CREATE TABLE quality_gates (asset VARCHAR, gate VARCHAR, blocking BOOLEAN, status VARCHAR, "
                    "severity VARCHAR, description VARCHAR)")
        con.execute("INSERT INTO quality_gates VALUES ('ikm_opd', 'index_change_within_bounds', false, 'failed', "
                    "'WARN', 'OPD-A: 70.00 -> 85.00 (+15.00 from 2025-S1 to 2025-S2)'), "
                    "('ikm_opd', 'other', true, 'passed', 'ERROR', NULL)")
        con.execute("CREATE TABLE _published AS SELECT TIMESTAMP '2026-01-05 02:30:00' AS published_at_utc, "
                    "'run-123' AS run_id")
    con.close()
    return path


def _read(p: Path) -> str:
    return p.read_text(encoding="utf-8")


def test_reports_from_a_minimal_published_file(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb")
    out = build_reports(db, tmp_path / "laporan", options=NO_PDF)
    assert sorted(out) == ["2025-S1", "2025-S2"]
    names = sorted(p.name for p in (tmp_path / "laporan" / "2025-S2").iterdir())
    assert names == ["OPD-A.html", "OPD-B.html", "kota.html"]
    assert all(r.pdf is None and r.pdf_status.startswith("dilewati") for rs in out.values() for r in rs)
    assert (tmp_path / "laporan" / "2025-S2").stat().st_mode & 0o005 == 0o005  # readable by a web server
    kota = _read(tmp_path / "laporan" / "2025-S2" / "kota.html")
    opd_b = _read(tmp_path / "laporan" / "2025-S2" / "OPD-B.html")
    # data is escaped, never markup
    assert "<script>" not in kota and "&lt;script&gt;" in kota
    assert "Dinas &lt;B&gt; &amp; Co" in opd_b
    # parts not published yet say so
    assert "belum tersedia" in kota and "Saran dan masukan responden belum diterbitkan" in kota
    assert "Rekonsiliasi berkas untuk periode ini tidak ada" in kota
    # an index that cannot be computed is not shown as a number
    assert "tidak dapat dihitung" in opd_b
    # the first periode has no previous one
    s1 = _read(tmp_path / "laporan" / "2025-S1" / "kota.html")
    assert "Periode sebelumnya belum ada" in s1
    page = parse(kota)
    assert field(page, "sampel_minimum") == ""
    # headline numbers carry the plain value; text is Indonesian style
    con = duckdb.connect(str(db), read_only=True)
    nilai = con.execute("SELECT nilai_ikm FROM ikm_kota WHERE periode = '2025-S2'").fetchone()[0]
    assert dec(field(page, "nilai_ikm")) == nilai and f">{angka(nilai)}<" in kota


def test_the_mutu_bands_on_the_page_are_the_seeds(tmp_path):
    """The band texts (unsur figcaption, method note) and the chart ticks come from pipelines.mutu."""
    from pipelines import mutu

    db = _synthetic_published(tmp_path / "skm.duckdb")
    build_reports(db, tmp_path / "laporan", ["2025-S2"], options=NO_PDF)
    kota = _read(tmp_path / "laporan" / "2025-S2" / "kota.html")
    assert "Pita latar: D &lt; 65,00 · C 65,00–76,60 · B 76,61–88,30 · A ≥ 88,31." in kota
    assert ("Mutu: A (Sangat baik) ≥ 88,31; B (Baik) 76,61–88,30; C (Kurang baik) 65,00–76,60; "
            "D (Tidak baik) &lt; 65,00.") in kota
    for band in mutu.bands():
        assert f"<title>Mutu {band.mutu} ({band.kinerja})</title>" in kota
        assert f'font-size="10.5">{angka(band.lower, 2 if band.lower % 1 else 0)}</text>' in kota


def _add_certainty(db: Path, rows: list[tuple]) -> None:
    """ketidakpastian_ikm and ikm_sensitivitas rows for OPD pages: (opd, periode, mutu_pasti, sebab,
    kebijakan, ditandai, semua, mutu_semua, tanpa, mutu_tanpa)."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE ketidakpastian_ikm (periode VARCHAR, level VARCHAR, opd_kode VARCHAR, "
                "ci_bawah DECIMAL(18,2), ci_atas DECIMAL(18,2), mutu_pasti BOOLEAN, sebab_mutu_tidak_pasti VARCHAR)")
    con.execute("CREATE TABLE ikm_sensitivitas (periode VARCHAR, level VARCHAR, opd_kode VARCHAR, "
                "jumlah_ditandai BIGINT, kebijakan VARCHAR, nilai_ikm_semua DECIMAL(18,2), mutu_semua VARCHAR, "
                "nilai_ikm_tanpa_ditandai DECIMAL(18,2), mutu_tanpa_ditandai VARCHAR)")
    for opd, periode, pasti, why, policy, k, semua, m_semua, tanpa, m_tanpa in rows:
        con.execute("INSERT INTO ketidakpastian_ikm VALUES (?, 'opd', ?, 80.10, 85.20, ?, ?)", [periode, opd, pasti, why])
        con.execute("INSERT INTO ikm_sensitivitas VALUES (?, 'opd', ?, ?, ?, ?, ?, ?, ?)",
                    [periode, opd, k, policy, semua, m_semua, tanpa, m_tanpa])
    con.close()


def _summary_text(html: str) -> str:
    section = html[html.index('<section id="ringkasan">'):]
    section = section[:section.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))


def test_the_summary_says_in_one_sentence_when_the_marks_decide_the_grade(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb")
    _add_certainty(db, [
        ("OPD-A", "2025-S2", False, "ditandai", "hitung", 109, Decimal("82.83"), "B", Decimal("76.51"), "C"),
        ("OPD-B", "2025-S2", False, "sampel dan ditandai", "kecualikan", 12, Decimal("90.10"), "A",
         Decimal("87.90"), "B"),
        ("OPD-A", "2025-S1", True, None, "hitung", 3, Decimal("82.00"), "B", Decimal("82.10"), "B"),
        ("OPD-B", "2025-S1", False, "sampel", "hitung", 0, Decimal("80.00"), "B", Decimal("80.00"), "B"),
    ])
    build_reports(db, tmp_path / "laporan", options=NO_PDF)
    a = _summary_text(_read(tmp_path / "laporan" / "2025-S2" / "OPD-A.html"))
    assert "Mutu belum pasti: tanpa 109 respons yang ditandai mencurigakan, Nilai IKM menjadi 76,51 (mutu C)." in a
    b_html = _read(tmp_path / "laporan" / "2025-S2" / "OPD-B.html")
    assert ("Mutu belum pasti: selang kepercayaan 95 % melewati batas kategori, dan bila 12 respons yang ditandai "
            "mencurigakan ikut dihitung, Nilai IKM menjadi 90,10 (mutu A).") in _summary_text(b_html)
    assert field(parse(b_html), "sebab_mutu_tidak_pasti") == "sampel dan ditandai"
    a1 = _summary_text(_read(tmp_path / "laporan" / "2025-S1" / "OPD-A.html"))
    assert "mutu pasti" in a1 and "Mutu belum pasti" not in a1
    b1 = _summary_text(_read(tmp_path / "laporan" / "2025-S1" / "OPD-B.html"))
    assert "Mutu belum pasti: selang kepercayaan 95 % melewati batas kategori." in b1 and "ditandai" not in b1


def test_saran_and_minimum_sample_are_shown_once_published(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb", saran=True, sampel=True)
    build_reports(db, tmp_path / "laporan", ["2025-S2"], options=NO_PDF)
    opd_a = _read(tmp_path / "laporan" / "2025-S2" / "OPD-A.html")
    assert "Antrian &lt;b&gt;terlalu&lt;/b&gt; lama" in opd_a and "Petugas ramah" not in opd_a
    page = parse(opd_a)
    assert field(page, "sampel_minimum") == "80" and field(page, "populasi") == "100"
    kota = _read(tmp_path / "laporan" / "2025-S2" / "kota.html")
    assert "2 saran/masukan pada periode ini" in kota


def test_the_data_quality_footnote(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb", quality=True)
    build_reports(db, tmp_path / "laporan", ["2025-S2"], options=NO_PDF)
    kota = parse(_read(tmp_path / "laporan" / "2025-S2" / "kota.html"))
    assert [field(kota, f) for f in ("rows_read", "rows_used", "rows_quarantined", "rows_duplicate")] == \
        ["1310", "1244", "60", "6"]
    text = _read(tmp_path / "laporan" / "2025-S2" / "kota.html")
    assert "1.310</span> baris dibaca" in text and "jawaban tidak dikenali: 60" in text
    assert "1 diganti ekspor yang lebih baru" in text and "1 dari 2 lulus" in text
    assert field(kota, "peringatan") == "1" and "(index_change_within_bounds)" in text
    assert "diterbitkan 05-01-2026 10:30 WITA (run run-123)" in text
    # the warning in Indonesian from the published ikm_opd (never the gate's English description),
    # on the city page and the page of the OPD it names; the other OPD's page counts it
    con = duckdb.connect(str(db), read_only=True)
    before, now = (v for (v,) in con.execute(
        "SELECT nilai_ikm FROM ikm_opd WHERE opd_kode = 'OPD-A' ORDER BY periode").fetchall())
    con.close()
    sentence = (f"Nilai IKM Dinas A berubah {selisih(now - before)} poin, dari {angka(before)} (2025-S1) menjadi "
                f"{angka(now)} (2025-S2), melebihi batas perubahan yang ditetapkan")
    opd_a = _read(tmp_path / "laporan" / "2025-S2" / "OPD-A.html")
    opd_b = _read(tmp_path / "laporan" / "2025-S2" / "OPD-B.html")
    assert sentence in text and sentence in opd_a and "70.00" not in opd_a + text
    assert field(parse(opd_a), "peringatan") == "1"
    assert field(parse(opd_b), "peringatan") == "0" and "1 peringatan lain" in opd_b


def test_without_chromium_the_html_is_written_and_the_pdf_recorded_as_skipped(tmp_path, monkeypatch):
    db = _synthetic_published(tmp_path / "skm.duckdb")
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on it (and none configured)
    out = build_reports(db, tmp_path / "laporan", ["2025-S2"])
    assert {r.pdf_status for r in out["2025-S2"]} == {"dilewati: chromium tidak terpasang"}
    assert all(r.html.exists() and r.pdf is None for r in out["2025-S2"])
    assert not list((tmp_path / "laporan").rglob("*.pdf"))


@needs_chromium
def test_every_page_is_printed_and_a_page_that_fails_does_not_stop_the_rest(tmp_path):
    for name in ("a", "c"):
        (tmp_path / f"{name}.html").write_text(f"<html><style>@page{{size:A4}}</style><body><h1>Laporan {name}</h1></body></html>")
    pages = [(tmp_path / f"{n}.html", tmp_path / f"{n}.pdf") for n in ("a", "b", "c")]  # b.html is missing
    assert print_pdfs(pages, browsers=1) == print_pdfs(pages, browsers=2)  # same statuses, same order
    statuses = print_pdfs(pages)
    assert statuses[0] == statuses[2] == "ditulis"
    assert statuses[1].startswith("gagal:") and "ERR_FILE_NOT_FOUND" in statuses[1]
    for n in ("a", "c"):
        pdf = (tmp_path / f"{n}.pdf").read_bytes()
        assert pdf[:5] == b"%PDF-" and b"/MediaBox [0 0 594.95996 841.91998]" in pdf  # A4, from @page
    assert not (tmp_path / "b.pdf").exists()


def test_a_failing_chromium_is_recorded_not_raised(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb")
    failing = LaporanOptions(chromium=shutil.which("false") or "/bin/false")  # the run context's chromium
    out = build_reports(db, tmp_path / "laporan", ["2025-S2"], options=failing)
    assert all(r.pdf is None and r.pdf_status.startswith("gagal: chromium exit 1") for r in out["2025-S2"])


def test_a_periode_without_data_writes_nothing(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb")
    assert build_reports(db, tmp_path / "laporan", ["2024-S2"], options=NO_PDF) == {"2024-S2": []}
    assert write_exports(db, tmp_path / "exports", ["2024-S2"]) == {"2024-S2": []}
    assert not (tmp_path / "laporan" / "2024-S2").exists() and not (tmp_path / "exports" / "2024-S2").exists()


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    db = tmp_path / "skm.duckdb"
    _synthetic_published(db)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE quarantine (periode_declared VARCHAR, raw_value VARCHAR, reason VARCHAR)")
        con.execute("INSERT INTO quarantine VALUES ('2025-S2', '=HYPERLINK(\"x\")', 'bad\x01char')")
    write_exports(db, tmp_path / "exports", ["2025-S2"])
    ws = openpyxl.load_workbook(xlsx_path(tmp_path / "exports", "2025-S2"))["quarantine"]
    cell = ws.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


def test_a_long_table_gets_a_capped_sheet_and_its_full_rows_as_csv(tmp_path):
    """XLSX is for people and slow to write: a row-level table over the cap (here 3, the run
    context's xlsx_max_rows) keeps its first rows on the sheet, says so in '_catatan', and its
    every row is in the CSV (and the Parquet)."""
    db = tmp_path / "skm.duckdb"
    _synthetic_published(db)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE saran (periode VARCHAR, opd_kode VARCHAR, saran VARCHAR)")
        con.execute("INSERT INTO saran SELECT '2025-S2', 'A', 'saran ' || i FROM range(7) t(i)")
        con.execute("INSERT INTO saran VALUES ('2025-S1', 'A', 'other semester')")
    out = write_exports(db, tmp_path / "exports", ["2025-S2"], max_rows=3)
    saran = next(e for e in out["2025-S2"] if e.table == "saran")
    assert (saran.rows, saran.xlsx_rows) == (7, 3)
    folder = tmp_path / "exports" / "2025-S2"
    wb = openpyxl.load_workbook(xlsx_path(tmp_path / "exports", "2025-S2"), read_only=True)
    assert [r[2] for r in wb["saran"].iter_rows(values_only=True)] == ["saran", "saran 0", "saran 1", "saran 2"]
    note = [r for r in wb["_catatan"].iter_rows(values_only=True)][1:]
    assert [(n, w, "saran.csv" in why) for t, n, w, why in note if t == "saran"] == [(7, 3, True)]
    wb.close()
    raw = (folder / "saran.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines[0] == "periode,opd_kode,saran" and sorted(lines[1:]) == [f"2025-S2,A,saran {i}" for i in range(7)]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["saran"]["csv"] == "saran.csv" and "csv" not in manifest["tables"]["ikm_kota"]
    assert not (folder / "ikm_kota.csv").exists()


def test_the_workbook_reads_like_a_report_for_opd_staff(tmp_path):
    """The XLSX for OPD staff: a 'Petunjuk' sheet first (title with the city, periode, publication
    time in WITA, a line per sheet); each table sheet with a frozen, filterable header, widths
    set, numbers in the published decimals (84.50 stays 84,50 in an Indonesian Excel), ikm_opd in
    rank order and ikm_unsur U1..U9 per OPD, the values those of the published table."""
    import datetime as dt

    db = _synthetic_published(tmp_path / "skm.duckdb", quality=True)
    write_exports(db, tmp_path / "exports", ["2025-S2"], kota_nama="Kota Contoh")
    wb = openpyxl.load_workbook(xlsx_path(tmp_path / "exports", "2025-S2"))
    assert wb.sheetnames[0] == "Petunjuk"
    guide = [[v for v in r if v is not None] for r in wb["Petunjuk"].iter_rows(values_only=True)]
    with duckdb.connect(str(db), read_only=True) as con:
        published_utc = con.execute("SELECT published_at_utc FROM _published").fetchone()[0]
        opd = con.execute("SELECT opd_kode, nilai_ikm, ikm, jumlah_responden FROM ikm_opd WHERE periode = '2025-S2' "
                          "ORDER BY peringkat").fetchall()
        unsur = con.execute("SELECT opd_kode, unsur, nilai_unsur FROM ikm_unsur WHERE periode = '2025-S2' "
                            "ORDER BY opd_kode, urutan").fetchall()
    assert guide[0] == ["Survei Kepuasan Masyarakat - Kota Contoh"]
    assert any("2025-S2" in str(v) and "Semester II 2025" in str(v) for v in guide[1])
    wita = (published_utc + dt.timedelta(hours=8)).strftime("%d-%m-%Y %H:%M WITA")  # WITA is UTC+8, no DST
    assert guide[2] == ["Diterbitkan", wita]
    listed = {r[0]: r[1] for r in guide if len(r) == 3 and r[0] in wb.sheetnames}
    assert set(listed) == set(wb.sheetnames) - {"Petunjuk"} and all(listed.values())

    ws = wb["ikm_opd"]
    header = [c.value for c in ws[1]]
    col = {name: i for i, name in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2))
    # rank order (OPD-B ranks first; by code it would come second), values as published
    assert [(r[col["opd_kode"]].value, Decimal(str(r[col["nilai_ikm"]].value))) for r in rows] == \
        [(k, n) for k, n, _, _ in opd]
    assert opd[0][0] == "OPD-B"
    assert {r[col["nilai_ikm"]].number_format for r in rows} == {"0.00"}
    assert {r[col["ikm"]].number_format for r in rows} == {"0.0000"}
    assert {r[col["jumlah_responden"]].number_format for r in rows} == {"#,##0"}
    assert rows[0][col["opd_nama"]].number_format == "General"
    last = openpyxl.utils.get_column_letter(len(header))
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{last}{len(rows) + 1}"
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert all(widths.get(openpyxl.utils.get_column_letter(i + 1)) for i in range(len(header)))
    longest_name = max(len(r[col["opd_nama"]].value) for r in rows)
    assert widths[openpyxl.utils.get_column_letter(col["opd_nama"] + 1)] >= longest_name

    ws = wb["ikm_unsur"]
    header = [c.value for c in ws[1]]
    got = [(r[header.index("opd_kode")], r[header.index("unsur")], Decimal(str(r[header.index("nilai_unsur")])))
           for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == unsur
    assert [u for k, u, _ in got if k == "OPD-A"] == list(UNSUR_KEYS)  # U1..U9, not alphabetical (biaya first)
    assert ws.freeze_panes == "A2"


def test_every_published_table_has_an_indonesian_line_on_the_guide_sheet():
    """A new mart gets a line in exports.TABLE_GUIDE, not the generic fallback, on the sheet OPD
    staff read first."""
    from pipelines.publish.contract import published_tables
    from pipelines.report.exports import TABLE_GUIDE

    assert sorted(t for t in published_tables() if not t.startswith("_") and t not in TABLE_GUIDE) == []


# --------------------------------------------------------------------------- slow: the real pipeline


@pytest.fixture(scope="module")
def built(sample_run):
    """The session's pipeline run on the 60-rows estate over both semesters, PDFs on
    (tests/conftest.py); its last asset is `laporan_skm`. Read only: it is shared."""
    assert sample_run.success
    return sample_run.data_dir, sample_run.laporan  # the laporan_skm materialization's metadata values


def _published(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "published" / "skm.duckdb"), read_only=True)


def _periodes(data_dir: Path) -> list[str]:
    with _published(data_dir) as con:
        return [r[0] for r in con.execute("SELECT periode FROM ikm_kota ORDER BY 1").fetchall()]


@pytest.mark.slow
def test_the_asset_writes_a_report_per_unit_and_lists_every_file(built):
    data_dir, metadata = built
    files = metadata["files"]
    with _published(data_dir) as con:
        for periode in _periodes(data_dir):
            opds = [r[0] for r in con.execute("SELECT opd_kode FROM ikm_opd WHERE periode = ?", [periode]).fetchall()]
            folder = data_dir / "published" / "laporan" / periode
            assert sorted(p.name for p in folder.glob("*.html")) == sorted(["kota.html", *(f"{o}.html" for o in opds)])
            for html in folder.glob("*.html"):
                assert str(html) in files
                if chromium_binary():
                    pdf = html.with_suffix(".pdf")
                    assert pdf.read_bytes()[:5] == b"%PDF-" and str(pdf) in files
    assert metadata["reports_html"] == metadata["reports_pdf"] or chromium_binary() is None
    assert metadata["periodes_without_data"] == "none"


def _dump_dom(html: Path) -> str:
    proc = run_chromium(["--dump-dom"], html.resolve().as_uri())
    assert proc.returncode == 0 and "<main" in proc.stdout, proc.stderr[-500:]
    return proc.stdout


def _screenshot(html: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    target.unlink(missing_ok=True)
    run_chromium(["--hide-scrollbars", "--window-size=1000,7000", f"--screenshot={target}"], html.resolve().as_uri())
    return target


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_the_published_numbers_on_the_city_page(built):
    data_dir, _ = built
    periode = _periodes(data_dir)[-1]
    html = data_dir / "published" / "laporan" / periode / "kota.html"
    page = parse(_dump_dom(html))
    with _published(data_dir) as con:
        kota = con.execute("SELECT * FROM ikm_kota WHERE periode = ?", [periode]).fetchone()
        cols = [d[0] for d in con.description]
        kota = dict(zip(cols, kota))
        opd = con.execute("SELECT opd_kode, nilai_ikm, peringkat FROM ikm_opd WHERE periode = ?", [periode]).fetchall()
        prev = con.execute("SELECT nilai_ikm FROM ikm_kota WHERE periode < ? ORDER BY periode DESC LIMIT 1",
                           [periode]).fetchone()
    for name in ("nilai_ikm", "ikm", "nilai_ikm_rata_opd"):
        assert dec(field(page, name)) == kota[name], name
    for name in ("jumlah_responden", "jumlah_opd", "jumlah_opd_dengan_ikm"):
        assert int(field(page, name)) == kota[name], name
    assert field(page, "mutu") == kota["mutu"] and field(page, "kinerja") == kota["kinerja"]
    for code, nilai, rank in opd:
        assert dec(field(page, "nilai_ikm_opd", opd=code)) == nilai
        assert int(field(page, "peringkat_opd", opd=code)) == rank
    assert prev is not None and dec(field(page, "nilai_ikm_sebelumnya")) == prev[0]
    assert dec(field(page, "selisih_nilai_ikm")) == kota["nilai_ikm"] - prev[0]
    shot = _screenshot(html, f"kota-{periode}")
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_the_published_numbers_on_an_opd_page(built):
    data_dir, _ = built
    periode = _periodes(data_dir)[-1]
    with _published(data_dir) as con:
        # the lowest-ranked OPD: the page the follow-up plan starts from
        row = con.execute("SELECT * FROM ikm_opd WHERE periode = ? ORDER BY peringkat DESC, opd_kode LIMIT 1",
                          [periode]).fetchone()
        opd = dict(zip([d[0] for d in con.description], row))
        unsur = con.execute("SELECT unsur, nrr, nilai_unsur FROM ikm_unsur WHERE periode = ? AND opd_kode = ?",
                            [periode, opd["opd_kode"]]).fetchall()
        lowest = con.execute("SELECT unsur FROM ikm_unsur WHERE periode = ? AND opd_kode = ? "
                             "ORDER BY nilai_unsur, urutan LIMIT 3", [periode, opd["opd_kode"]]).fetchall()
    html = data_dir / "published" / "laporan" / periode / f"{opd['opd_kode']}.html"
    page = parse(_dump_dom(html))
    assert dec(field(page, "nilai_ikm")) == opd["nilai_ikm"]
    assert dec(field(page, "ikm")) == opd["ikm"]
    assert int(field(page, "jumlah_responden")) == opd["jumlah_responden"]
    assert int(field(page, "peringkat")) == opd["peringkat"]
    assert field(page, "mutu") == opd["mutu"] and field(page, "kinerja") == opd["kinerja"]
    for u, nrr, nilai in unsur:
        assert dec(field(page, "nrr", unsur=u)) == nrr and dec(field(page, "nilai_unsur", unsur=u)) == nilai
    priorities = [f["data-unsur"] for f in page.fields if f["data-field"] == "nilai_prioritas"]
    assert priorities == [u for (u,) in lowest]
    with _published(data_dir) as con:
        sample = con.execute("SELECT sampel_minimum FROM kecukupan_sampel WHERE periode = ? AND level = 'opd' "
                             "AND opd_kode = ?", [periode, opd["opd_kode"]]).fetchall()
        ci = con.execute("SELECT ci_bawah, ci_atas FROM ketidakpastian_ikm WHERE periode = ? AND level = 'opd' "
                         "AND opd_kode = ?", [periode, opd["opd_kode"]]).fetchall()[0]
    minimum = sample[0][0] if sample else None  # unknown population: "belum tersedia"
    assert field(page, "sampel_minimum") == ("" if minimum is None else str(minimum))
    assert (dec(field(page, "ci_bawah")), dec(field(page, "ci_atas"))) == ci
    shot = _screenshot(html, f"{opd['opd_kode']}-{periode}")
    assert shot.stat().st_size > 10_000


URLISH = re.compile(r"https?:|//[\w.-]+\.\w|<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=", re.IGNORECASE)


@pytest.mark.slow
def test_reports_are_self_contained(built):
    data_dir, _ = built
    pages = list((data_dir / "published" / "laporan").rglob("*.html"))
    assert pages
    for html in pages:
        text = _read(html)
        assert URLISH.search(text) is None, (html, URLISH.search(text))
        assert "<style>" in text and "<svg" in text


def _true_counts(data_dir: Path, periode: str) -> dict[str, dict[str, dict[str, int]]]:
    """The exact counts, from the working warehouse (the published table is suppressed)."""
    out: dict = {}
    with duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"), read_only=True) as con:
        for opd, dim, kat, n in con.execute("SELECT opd_kode, dimensi, coalesce(kategori, 'Tidak diketahui'), "
                                            "jumlah_responden "
                                            "FROM marts.profil_responden WHERE periode = ?", [periode]).fetchall():
            out.setdefault(opd, {}).setdefault(dim, {})[kat] = n
    return out


def _with_city(truth: dict[str, dict[str, dict[str, int]]], dim: str) -> dict[str, dict[str, int]]:
    """One dimension's cells per OPD plus the city row ("kota"), the column sums."""
    cells = {opd: dims.get(dim, {}) for opd, dims in truth.items()}
    city: dict[str, int] = {}
    for cats in cells.values():
        for k, n in cats.items():
            city[k] = city.get(k, 0) + n
    cells["kota"] = city
    return cells


@pytest.mark.slow
def test_no_small_group_is_shown_or_recoverable_by_subtraction(built):
    data_dir, _ = built
    small_seen = 0
    for periode in _periodes(data_dir):
        truth = _true_counts(data_dir, periode)
        pages = {opd: parse(_read(data_dir / "published" / "laporan" / periode / f"{opd}.html")) for opd in truth}
        pages["kota"] = parse(_read(data_dir / "published" / "laporan" / periode / "kota.html"))
        for dim in ("jenis_kelamin", "usia_kelompok", "pendidikan", "pekerjaan"):
            cells = _with_city(truth, dim)
            hidden: set[tuple[str, str]] = set()
            for unit, cats in cells.items():
                page = pages[unit]
                for k, n in cats.items():
                    row = page.profile[(dim, k)]
                    if row["suppressed"]:
                        hidden.add((unit, k))
                        assert row["cells"][1] in (SUPPRESSED_LABEL, SECONDARY_LABEL) and row["cells"][2] == "–"
                        assert page.chart_texts[(dim, k)][0] is True
                    else:
                        assert row["cells"][1] == angka(n, 0), (periode, unit, dim, k)
                    if n < 5:
                        small_seen += 1
                        assert row["suppressed"] and row["cells"][1] == SUPPRESSED_LABEL, (periode, unit, dim, k)
                mine = [k for (u, k) in hidden if u == unit]
                assert not mine or (len(mine) >= 2 and sum(cats[k] for k in mine) >= 5), (periode, unit, dim)
            small = {(u, k) for u, cats in cells.items() for k, n in cats.items() if n < 5}
            assert not (_computable(cells, hidden) & small), (periode, dim)
    assert small_seen > 0  # the sample estate does have small groups


@pytest.mark.slow
def test_a_constructed_group_of_two_is_hidden_and_larger_groups_shown(built, tmp_path):
    data_dir, _ = built
    periode = _periodes(data_dir)[-1]
    db = tmp_path / "skm.duckdb"
    shutil.copy(data_dir / "published" / "skm.duckdb", db)
    with duckdb.connect(str(db)) as con:
        # the exact profile of the warehouse, one OPD's pekerjaan rows replaced, then published as
        # the publish step does (publish/disclosure.py)
        con.execute("DROP TABLE profil_responden")
        con.execute(f"ATTACH '{data_dir / 'warehouse' / 'skm.duckdb'}' AS wh (READ_ONLY)")
        con.execute("CREATE TABLE profil_responden AS SELECT * FROM wh.marts.profil_responden")
        con.execute("DETACH wh")
        opd = con.execute("SELECT min(opd_kode) FROM ikm_opd WHERE periode = ?", [periode]).fetchall()[0][0]
        con.execute("DELETE FROM profil_responden WHERE periode = ? AND opd_kode = ? AND dimensi = 'pekerjaan'",
                    [periode, opd])
        for kat, n in (("PNS", 2), ("TNI", 4), ("Swasta", 40), ("Wirausaha", 31), ("Lainnya", 25)):
            con.execute("INSERT INTO profil_responden VALUES (?, ?, ?, 'pekerjaan', ?, ?, NULL)",
                        [periode, opd, opd, kat, n])
        suppress_profile(con, "profil_responden")
    build_reports(db, tmp_path / "laporan", [periode], options=NO_PDF)
    page = parse(_read(tmp_path / "laporan" / periode / f"{opd}.html"))
    for kat in ("PNS", "TNI"):
        row = page.profile[("pekerjaan", kat)]
        assert row["suppressed"] and row["cells"][1:] == [SUPPRESSED_LABEL, "–"]
        suppressed, text = page.chart_texts[("pekerjaan", kat)]
        assert suppressed and text.strip().endswith(SUPPRESSED_LABEL) and not re.search(r"\d", text.replace("5", ""))
    for kat, n in (("Swasta", 40), ("Wirausaha", 31), ("Lainnya", 25)):
        row = page.profile[("pekerjaan", kat)]
        assert not row["suppressed"] and row["cells"][1] == str(n)
        assert page.chart_texts[("pekerjaan", kat)][1].startswith(f"{kat} {n} (")
    # the hidden pair adds up to 6 >= 5: no other group had to be hidden
    assert sum(r["suppressed"] for (d, _), r in page.profile.items() if d == "pekerjaan") == 2


@pytest.mark.slow
def test_exports_hold_each_periodes_rows_of_every_published_table(built):
    data_dir, _ = built
    root = data_dir / "published" / "exports"
    con = _published(data_dir)
    tables = {t: [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                             [t]).fetchall()]
              for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_name NOT LIKE '\\_%' ESCAPE '\\'").fetchall()}
    assert {"ikm_unsur", "ikm_layanan", "ikm_opd", "ikm_kota", "profil_responden", "quality_gates"} <= set(tables)
    reader = duckdb.connect()
    for periode in _periodes(data_dir):
        folder = root / periode
        assert sorted(p.stem for p in folder.glob("*.parquet")) == sorted(tables)
        for table, cols in tables.items():
            where = ("WHERE periode = ?" if "periode" in cols else
                     "WHERE periode_declared = ?" if "periode_declared" in cols else "WHERE ? IS NOT NULL")
            expected = con.execute(f'SELECT count(*) FROM "{table}" {where}', [periode]).fetchone()[0]
            got = reader.execute(f"SELECT count(*) FROM read_parquet('{folder / (table + '.parquet')}')").fetchone()[0]
            assert got == expected, (periode, table)
        assert reader.execute(f"SELECT count(*) FROM read_parquet('{folder / 'ikm_kota.parquet'}') "
                              "WHERE periode = ?", [periode]).fetchone()[0] == 1
        # counts stay integers in Parquet (DuckDB's HUGEINT sums would otherwise become DOUBLE)
        kinds = dict(reader.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                                    f"read_parquet('{folder / 'ikm_kota.parquet'}'))").fetchall())
        assert kinds["jumlah_responden"] == "BIGINT" and kinds["nilai_ikm"].startswith("DECIMAL")
        wb = openpyxl.load_workbook(xlsx_path(root, periode), read_only=True)
        assert wb.sheetnames[0] == "Petunjuk"
        assert sorted(n for n in wb.sheetnames[1:] if n != "_catatan") == sorted(tables)
        ranked = [r[0] for r in con.execute("SELECT opd_kode FROM ikm_opd WHERE periode = ? ORDER BY peringkat, "
                                            "opd_kode", [periode]).fetchall()]
        sheet = list(wb["ikm_opd"].iter_rows(values_only=True))
        assert [r[sheet[0].index("opd_kode")] for r in sheet[1:]] == ranked, periode
        from pipelines.report.exports import XLSX_MAX_ROWS

        for table in tables:
            n = reader.execute(f"SELECT count(*) FROM read_parquet('{folder / (table + '.parquet')}')").fetchone()[0]
            rows = list(wb[table].iter_rows(values_only=True))
            # a sheet holds the first XLSX_MAX_ROWS rows; a longer table is whole in its CSV
            assert list(rows[0]) == tables[table] and len(rows) - 1 == min(n, XLSX_MAX_ROWS), (periode, table)
            assert (folder / f"{table}.csv").exists() == (n > XLSX_MAX_ROWS), (periode, table)
        wb.close()
    con.close()


@pytest.mark.slow
def test_the_published_profile_table_itself_hides_small_groups(built):
    """A dashboard reads profil_responden directly, not the report: the table must be safe on its
    own. Every group of 1-4 respondents is NULL with its reason, no hidden small group can be
    computed from the published OPD rows, city rows and totals, and every shown count is exact."""
    data_dir, _ = built
    small_seen = 0
    with _published(data_dir) as con:
        columns = [r[0] for r in con.execute("DESCRIBE profil_responden").fetchall()]
        assert {"level", "disembunyikan"} <= set(columns)
        published = con.execute(
            "SELECT periode, coalesce(opd_kode, 'kota'), level, dimensi, coalesce(kategori, 'Tidak diketahui'), "
            "jumlah_responden, persen, disembunyikan FROM profil_responden").fetchall()
        assert con.execute("SELECT min(jumlah_responden) FROM profil_responden").fetchall()[0][0] >= 5
    shown = {(per, unit, dim, k): (n, pct, why) for per, unit, _lvl, dim, k, n, pct, why in published}
    assert {lvl for _, _, lvl, *_ in published} == {"opd", "kota"}
    for periode in _periodes(data_dir):
        truth = _true_counts(data_dir, periode)
        for dim in ("jenis_kelamin", "usia_kelompok", "pendidikan", "pekerjaan"):
            cells = _with_city(truth, dim)
            hidden = set()
            for unit, cats in cells.items():
                for k, n in cats.items():
                    got_n, got_pct, why = shown[(periode, unit, dim, k)]
                    if why is None:
                        assert got_n == n and got_pct is not None, (periode, unit, dim, k)
                    else:
                        hidden.add((unit, k))
                        assert got_n is None and got_pct is None
                        assert why == ("kelompok_kecil" if n < 5 else "pelengkap"), (periode, unit, dim, k, n)
                    if n < 5:
                        small_seen += 1
                        assert why == "kelompok_kecil", (periode, unit, dim, k)
            small = {(u, k) for u, cats in cells.items() for k, n in cats.items() if n < 5}
            assert not (_computable(cells, hidden) & small), (periode, dim)
    assert small_seen > 0  # the sample estate does have small groups
