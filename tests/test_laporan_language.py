"""The Laporan SKM is read by the OPD and the public: every section is Indonesian, numbers with a
decimal comma. A word list of English words that are not also Indonesian catches a sentence that
slipped through (a gate's English description, an untranslated label); a dot decimal such as
82.83 catches a number printed the machine's way."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.report.laporan.build import LaporanOptions, build_reports
from tests.test_report import _add_certainty, _synthetic_published

NO_PDF = LaporanOptions(pdf=False)
# English words that are not Indonesian words (so not 'unit', 'data', 'minimum', 'status', 'no').
ENGLISH = frozenset("""the with without of and or below above first from than more less every none not is are was
were be been this that these those which who unknown population policy marked passed failed published change changed
index sample grade certain because there here into onto over under each its their our your points warning
warnings found missing rows row file files source sources run runs gate gates should would could""".split())
WORD = re.compile(r"(?<![\w/.@-])([A-Za-z]+)(?![\w/@-])")
DOT_DECIMAL = re.compile(r"(?<![\d.,\w])\d+\.\d{1,2}(?![\d\w])")


def section_texts(page: str) -> dict[str, str]:
    """Each <section>'s visible text (charts' SVG labels included, styles and scripts not; nor
    the citizens' own words quoted under a weak unsur, class "kutipan": "jam 08.00", English and all)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<ul class="kutipan">.*?</ul>', " ", page, flags=re.S)
    return {m.group(1): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())
            for m in re.finditer(r'<section id="([^"]+)"[^>]*>(.*?)</section>', page, flags=re.S)}


def english_and_dot_decimals(page: str) -> list[tuple[str, str]]:
    found = []
    for section, text in section_texts(page).items():
        found += [(section, w) for w in WORD.findall(text) if w.lower() in ENGLISH]
        found += [(section, d) for d in DOT_DECIMAL.findall(text)]
    return found


def test_the_word_list_check_finds_an_english_sentence_and_a_dot_decimal():
    page = ('<section id="x"><p>82.83 with, 76.51 without 109 marked (policy hitung)</p></section>'
            '<section id="y"><p>Nilai IKM 82,83; sampel minimum 320 unit; 1.900 populasi</p></section>')
    assert english_and_dot_decimals(page) == [("x", "with"), ("x", "without"), ("x", "marked"), ("x", "policy"),
                                               ("x", "82.83"), ("x", "76.51")]


def _with_every_warning(db: Path) -> None:
    """The publishing run's warnings as the gates write them (English, dot decimals), and the marts
    the Laporan's own sentences come from."""
    _add_certainty(db, [
        ("OPD-A", "2025-S2", False, "ditandai", "hitung", 109, Decimal("82.83"), "B", Decimal("76.51"), "C"),
        ("OPD-B", "2025-S2", True, None, "hitung", 0, Decimal("80.00"), "B", Decimal("80.00"), "B"),
    ])
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE kecukupan_sampel (periode VARCHAR, level VARCHAR, opd_kode VARCHAR, "
                "jenis_layanan VARCHAR, populasi BIGINT, sampel_minimum BIGINT, jumlah_responden BIGINT, status VARCHAR)")
    con.execute("INSERT INTO kecukupan_sampel VALUES "
                "('2025-S2', 'layanan', 'OPD-A', 'KTP-el', 9000, 368, 21, 'kurang'), "
                "('2025-S2', 'opd', 'OPD-B', NULL, NULL, NULL, 41, 'populasi tidak diketahui'), "
                "('2025-S2', 'opd', 'OPD-A', NULL, 100, 80, 100, 'memadai')")
    con.execute("DELETE FROM quality_gates")
    con.execute("INSERT INTO quality_gates VALUES "
                "('ikm_opd', 'index_change_within_bounds', false, 'failed', 'WARN', "
                "'OPD-A: 70.00 -> 85.00 (+15.00 from 2025-S1 to 2025-S2)'), "
                "('kecukupan_sampel', 'sample_below_krejcie_morgan', false, 'failed', 'WARN', "
                "'1 unit(s) below the Krejcie & Morgan minimum, first: OPD-A KTP-el 2025-S2 (21 < 368); "
                "1 unit(s) of unknown population'), "
                "('ikm_sensitivitas', 'marked_submissions_effect', false, 'failed', 'WARN', "
                "'OPD-A 2025-S2: 82.83 (B) with, 76.51 (C) without 109 marked (policy hitung)'), "
                "('marts/ikm_layanan', 'warn_layanan_without_index', false, 'failed', 'WARN', "
                "'Got 2 results, configured to warn if != 0'), "
                "('ikm_opd', 'not_null', true, 'passed', 'ERROR', NULL)")
    con.close()


def test_every_warning_is_written_in_indonesian_from_the_marts(tmp_path):
    db = _synthetic_published(tmp_path / "skm.duckdb", quality=True)
    _with_every_warning(db)
    build_reports(db, tmp_path / "laporan", ["2025-S2"], options=NO_PDF)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (tmp_path / "laporan" / "2025-S2").glob("*.html")}
    assert sorted(pages) == ["OPD-A", "OPD-B", "kota"]
    for name, page in pages.items():
        assert english_and_dot_decimals(page) == [], name
    a = section_texts(pages["OPD-A"])["mutu-data"]
    assert ("OPD-A: 109 respons ditandai mencurigakan. Nilai IKM 82,83 (mutu B) bila ikut dihitung, 76,51 (mutu C) "
            "tanpa respons itu; yang diterbitkan adalah nilai dengan respons yang ditandai (kebijakan hitung).") in a
    assert ("1 unit (OPD atau jenis layanan) memiliki responden kurang dari sampel minimum Krejcie & Morgan "
            "(OPD-A KTP-el: 21 dari minimal 368)") in a
    kota = section_texts(pages["kota"])["mutu-data"]
    assert "1 unit belum diketahui jumlah populasinya" in kota
    assert "ada jenis layanan tanpa Nilai IKM" in kota
    b = section_texts(pages["OPD-B"])["mutu-data"]
    assert "109 respons" not in b and "KTP-el" not in b
    assert "1 unit belum diketahui jumlah populasinya" in b  # OPD-B's own unit of unknown population


def test_the_pipelines_laporan_is_indonesian_with_decimal_commas(sample_run):
    """Every page the real pipeline wrote (city and OPD, every semester of the sample estate)."""
    pages = sorted((sample_run.data_dir / "published" / "laporan").glob("*/*.html"))
    assert len(pages) >= 4
    found = {p.relative_to(p.parents[1]).as_posix(): english_and_dot_decimals(p.read_text(encoding="utf-8"))
             for p in pages}
    assert {k: v for k, v in found.items() if v} == {}
    assert any(re.search(r"\b\d{2},\d{2}\b", p.read_text(encoding="utf-8")) for p in pages)
