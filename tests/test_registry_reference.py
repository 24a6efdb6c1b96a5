"""docs/registry.md lists every key of the registry, generated from the schema and never stale;
and a key the registry accepts is honoured, not ignored (header_row was accepted and ignored)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.readers import FileProblem, read_xlsx
from pipelines.registry import KEY_DOCS, load_registry, reference_markdown, schema_keys
from pipelines.settings import REPO_ROOT


def test_docs_registry_md_is_generated_from_the_schema_and_up_to_date():
    page = (REPO_ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    assert page == reference_markdown(), "stale: run `python -m pipelines.registry --reference`"
    keys = [k for k, _, _ in schema_keys()]
    assert set(keys) == set(KEY_DOCS), (set(keys) ^ set(KEY_DOCS))
    for key in ("sources[].encoding", "sources[].delimiter", "sources[].header_row", "sources[].sheet",
                "sources[].date_format", "sources[].record_path", "sources[].timezone", "sources[].first_periode",
                "sources[].quality.max_quarantine_rate", "quality.waivers[].gate"):
        assert f"| `{key}` |" in page
    assert "docs/registry.md" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _workbook(path: Path, header_at: int) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for _ in range(header_at - 1):
        ws.append(["REKAP SKM"])
    ws.append(["Tanggal", "Layanan", *(f"U{i}" for i in range(1, 10))])
    ws.append(["2025-08-06", "PBB", *(["4"] * 9)])
    wb.save(path)


def _source(tmp_path: Path, header_row: int):
    (tmp_path / "sources.yml").write_text(
        "sources:\n  - {code: x, opd_kode: X, opd_nama: X, format: xlsx, landing: raw/x, header_row: %d,\n"
        "     columns: {submitted_at: Tanggal, jenis_layanan: Layanan, persyaratan: U1, prosedur: U2, waktu: U3,\n"
        "               biaya: U4, produk: U5, kompetensi: U6, perilaku: U7, sarana: U8, pengaduan: U9}}\n" % header_row)
    return load_registry(tmp_path / "sources.yml")[0]


def test_header_row_is_honoured_and_a_wrong_one_is_refused(tmp_path: Path):
    _workbook(tmp_path / "a.xlsx", header_at=3)
    con = duckdb.connect()
    raw = read_xlsx(con, _source(tmp_path, 3), tmp_path / "a.xlsx", "v")
    assert raw.facts == {"sheet": "Sheet", "header_row": "3"}
    assert con.execute("SELECT count(*) FROM v").fetchone()[0] == 1
    with pytest.raises(FileProblem, match=r"row 2 of sheet 'Sheet' \(the registry's header_row\) holds none"):
        read_xlsx(con, _source(tmp_path, 2), tmp_path / "a.xlsx", "w")
