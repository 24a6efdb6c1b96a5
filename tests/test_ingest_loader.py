"""The ingest step on small hand-made exports: what lands in the lake, what is refused and why."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.ingest.loader import ingest
from pipelines.registry import load_registry
from pipelines.settings import REPO_ROOT

REGISTRY = load_registry(REPO_ROOT / "data" / "sources.yml")
BY_CODE = {s.code: s for s in REGISTRY}


def _web_rows(n: int) -> list[list[str]]:
    return [
        [f"05/03/2025 10:{i:02d}:00", "Izin Usaha (NIB)"] + ["Sangat sesuai"] * 9
        + ["L", "34", "D4/S1", "Swasta", f'bagus, "sekali"\nbaris dua {i}', f"Budi Santoso {i}", f"0812000{i:04d}"]
        for i in range(n)
    ]


def write_web_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8",
                  headers: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(headers or list(BY_CODE["dpmptsp_web"].columns.values()))
        w.writerows(rows)


def lake_rows(lake: Path, where: str = "true") -> list[dict]:
    con = duckdb.connect()
    rel = con.execute(
        f"SELECT * FROM read_parquet('{lake}/responses/*/*.parquet', union_by_name = true) WHERE {where} "
        "ORDER BY source_code, file_name, row_number"
    )
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r)) for r in rel.fetchall()]


def files_log(lake: Path) -> dict[str, dict]:
    con = duckdb.connect()
    # history rows (replaced, removed) first, so a file's current row wins
    rel = con.execute(f"SELECT * FROM read_parquet('{lake}/ingest_files.parquet') "
                      "ORDER BY status IN ('replaced', 'removed') DESC")
    names = [d[0] for d in rel.description]
    return {f"{r[0]}/{r[1]}": dict(zip(names, r)) for r in rel.fetchall()}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


def run(data_dir: Path):
    return ingest(REGISTRY, data_dir, data_dir / "warehouse" / "raw", key="test-key")


def test_semicolon_bom_csv_with_quoted_newlines_numbered_headers_and_trailing_blank_rows(data_dir: Path):
    headers = list(BY_CODE["dpmptsp_web"].columns.values())
    headers[2] = "1.  " + headers[2].upper()  # numbering, casing and spacing do not matter
    rows = _web_rows(3) + [[""] * len(headers), [""] * len(headers)]
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/export.csv", rows, delimiter=";", encoding="utf-8-sig",
                  headers=headers)
    run(data_dir)
    log = files_log(data_dir / "warehouse/raw")["dpmptsp_web/2025-S1/export.csv"]
    assert (log["status"], log["rows_read"], log["rows_blank"]) == ("loaded", 3, 2)
    rows = lake_rows(data_dir / "warehouse/raw")
    assert [r["row_number"] for r in rows] == [1, 2, 3]
    assert rows[1]["saran"] == 'bagus, "sekali"\nbaris dua 1'
    assert rows[0]["u_persyaratan"] == "Sangat sesuai"
    assert rows[0]["submitted_at"] == "05/03/2025 10:00:00"
    assert rows[0]["periode_declared"] == "2025-S1" and rows[0]["source_timezone"] == "Asia/Makassar"
    # personal data is replaced by a keyed hash (HMAC-SHA256) and never written
    assert all(r["respondent_hash"] and len(r["respondent_hash"]) == 64 for r in rows)
    raw_bytes = b"".join(p.read_bytes() for p in (data_dir / "warehouse/raw").rglob("*.parquet"))
    assert b"Budi Santoso" not in raw_bytes and b"0812000" not in raw_bytes


def test_latin1_export_is_read(data_dir: Path):
    rows = _web_rows(2)
    rows[0][-3] = "pelayanan café sangat memuaskan"
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/latin.csv", rows, encoding="latin-1")
    run(data_dir)
    assert lake_rows(data_dir / "warehouse/raw")[0]["saran"] == "pelayanan café sangat memuaskan"


def test_row_numbers_follow_the_file_on_a_multi_chunk_csv(data_dir: Path):
    rows = _web_rows(1)[:1] * 30000
    rows = [[f"05/03/2025 10:00:00", f"layanan {i}"] + r[2:] for i, r in enumerate(rows, start=1)]
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/big.csv", rows)
    run(data_dir)
    got = lake_rows(data_dir / "warehouse/raw")
    assert len(got) == 30000
    assert all(r["jenis_layanan"] == f"layanan {r['row_number']}" for r in got)


def test_same_file_twice_under_another_name_is_a_duplicate_file_and_rerun_changes_nothing(data_dir: Path):
    f = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
    write_web_csv(f, _web_rows(4))
    shutil.copy(f, f.with_name("export (1).csv"))
    run(data_dir)
    lake = data_dir / "warehouse/raw"
    log = files_log(lake)
    assert log["dpmptsp_web/2025-S1/export (1).csv"]["status"] == "duplicate_file"
    assert "same content as dpmptsp_web/2025-S1/export.csv" in log["dpmptsp_web/2025-S1/export (1).csv"]["message"]
    before = lake_rows(lake)
    assert len(before) == 4
    run(data_dir)
    assert lake_rows(lake) == before
    assert files_log(lake)["dpmptsp_web/2025-S1/export.csv"]["ingested_at"] == log["dpmptsp_web/2025-S1/export.csv"]["ingested_at"]


def test_corrected_reexport_replaces_the_earlier_file_which_stays_traceable(data_dir: Path):
    f = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
    write_web_csv(f, _web_rows(4))
    run(data_dir)
    old_sha = files_log(data_dir / "warehouse/raw")["dpmptsp_web/2025-S1/export.csv"]["file_sha256"]
    write_web_csv(f, _web_rows(6))
    run(data_dir)
    con = duckdb.connect()
    log = con.execute(
        f"SELECT file_sha256, status, rows_read FROM read_parquet('{data_dir}/warehouse/raw/ingest_files.parquet') "
        "ORDER BY status"
    ).fetchall()
    assert (log[0][1], log[0][2]) == ("loaded", 6)
    assert (log[1][0], log[1][1]) == (old_sha, "replaced")
    assert len(lake_rows(data_dir / "warehouse/raw")) == 6


def test_bad_files_are_logged_with_their_reason_and_the_rest_still_loads(data_dir: Path):
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/good.csv", _web_rows(2))
    headers = list(BY_CODE["dpmptsp_web"].columns.values())
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/no_waktu.csv", [r[:4] + r[5:] for r in _web_rows(2)],
                  headers=headers[:4] + headers[5:])
    (data_dir / "raw/dpmptsp_web/2025-S1/empty.csv").write_bytes(b"")
    write_web_csv(data_dir / "raw/dpmptsp_web/loose.csv", _web_rows(1))
    kiosk = data_dir / "raw/disdukcapil_kiosk/2025-S1"
    kiosk.mkdir(parents=True)
    (kiosk / "broken.json").write_text('[{"id": "A1", "answers": {')
    (data_dir / "raw/rsud_paper/2025-S1").mkdir(parents=True)
    (data_dir / "raw/rsud_paper/2025-S1/scan.xlsx").write_text("this is a scanned letter, not a spreadsheet")
    run(data_dir)
    log = files_log(data_dir / "warehouse/raw")
    assert log["dpmptsp_web/2025-S1/good.csv"]["status"] == "loaded"
    msgs = {k: v["message"] for k, v in log.items() if v["status"] == "error"}
    assert "waktu ('Bagaimana pendapat Saudara tentang kecepatan waktu" in msgs["dpmptsp_web/2025-S1/no_waktu.csv"]
    assert msgs["dpmptsp_web/2025-S1/no_waktu.csv"].startswith("raw/dpmptsp_web/2025-S1/no_waktu.csv: required column")
    assert "empty" in msgs["dpmptsp_web/2025-S1/empty.csv"]
    assert "not in a periode folder" in msgs["dpmptsp_web/loose.csv"]
    assert "not readable as JSON" in msgs["disdukcapil_kiosk/2025-S1/broken.json"]
    assert "not a readable Excel" in msgs["rsud_paper/2025-S1/scan.xlsx"]
    assert len(lake_rows(data_dir / "warehouse/raw")) == 2


def test_a_header_shorter_than_its_rows_is_named_as_such(data_dir: Path):
    """A column name deleted from the header line while the rows keep every value: DuckDB would
    take the first data row for the header and every required column would look missing."""
    headers = list(BY_CODE["dpmptsp_web"].columns.values())
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/short_header.csv", _web_rows(3),
                  headers=headers[:4] + headers[5:])
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/good.csv", _web_rows(2))
    run(data_dir)
    log = files_log(data_dir / "warehouse/raw")
    entry = log["dpmptsp_web/2025-S1/short_header.csv"]
    assert entry["status"] == "error"
    assert entry["message"] == (
        f"raw/dpmptsp_web/2025-S1/short_header.csv: the header on line 1 names {len(headers) - 1} columns "
        f"but the data rows have {len(headers)}: a column name is missing from the header, or the rows "
        "carry an extra ','")
    assert log["dpmptsp_web/2025-S1/good.csv"]["status"] == "loaded"
    assert len(lake_rows(data_dir / "warehouse/raw")) == 2


def test_nested_json_kiosk_dump_keeps_text_values(data_dir: Path):
    kiosk = data_dir / "raw/disdukcapil_kiosk/2025-S2"
    kiosk.mkdir(parents=True)
    records = [
        {"id": f"DKC-{i}", "device": "KIOSK-01", "created_at": "2025-07-05T02:15:22Z", "service": "KTP-el",
         "answers": {f"U{u}": (4 if u != 8 else 2) for u in range(1, 10)},
         "respondent": {"gender": "P", "age": 30, "education": "SMA", "occupation": "PNS", "nik": "6474010101900001"},
         "comment": None}
        for i in range(3)
    ]
    (kiosk / "dump.json").write_text(json.dumps(records))
    run(data_dir)
    rows = lake_rows(data_dir / "warehouse/raw")
    assert [(r["submission_id"], r["submitted_at"], r["u_sarana"], r["u_pengaduan"]) for r in rows] == [
        (f"DKC-{i}", "2025-07-05T02:15:22Z", "2", "4") for i in range(3)
    ]
    assert b"6474010101900001" not in b"".join(p.read_bytes() for p in (data_dir / "warehouse/raw").rglob("*.parquet"))


def test_excel_with_title_rows_and_excel_dates(data_dir: Path):
    src = BY_CODE["rsud_paper"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = src.sheet
    ws.append(["REKAP SURVEI KEPUASAN MASYARAKAT"])
    ws.append(["RSUD Taman Husada Bontang"])
    ws.append([])
    ws.append(["No", *src.columns.values()])
    ws.append([1, dt.datetime(2025, 2, 3, 9, 30), "Poli Umum", 4, 3, 3, 4, 4, 3, 4, 2, 1, "P", 41, "SMA/SMK", "Swasta", None])
    ws.append([2, dt.datetime(2025, 2, 4), "IGD", "3", 3, 3.0, 4, 4, 3, 4, 2, 1, "L", 25, "D4/S1", "PNS", "ok"])
    path = data_dir / "raw/rsud_paper/2025-S1/rekap.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    run(data_dir)
    rows = lake_rows(data_dir / "warehouse/raw")
    assert [(r["row_number"], r["submitted_at"], r["u_persyaratan"], r["u_biaya"]) for r in rows] == [
        (1, "2025-02-03 09:30:00", "4", "4"),
        (2, "2025-02-04", "3", "4"),
    ]


def test_an_opd_on_the_standard_template_needs_only_a_registry_entry(tmp_path: Path):
    from pipelines.ingest.template import write_templates

    (tmp_path / "sources.yml").write_text(
        "sources:\n"
        "  - {code: kel_api_api, opd_kode: KEL-AA, opd_nama: Kelurahan Api-Api, format: xlsx,\n"
        "     landing: raw/kel_api_api, template: true}\n"
        "  - {code: kel_loktuan, opd_kode: KEL-LT, opd_nama: Kelurahan Loktuan, format: csv,\n"
        "     landing: raw/kel_loktuan, template: true}\n"
    )
    registry = load_registry(tmp_path / "sources.yml")
    csv_t, xlsx_t = write_templates(tmp_path / "templates")
    for code, t in (("kel_api_api", xlsx_t), ("kel_loktuan", csv_t)):
        (tmp_path / f"raw/{code}/2025-S1").mkdir(parents=True)
        shutil.copy(t, tmp_path / f"raw/{code}/2025-S1/{t.name}")
    ingest(registry, tmp_path, tmp_path / "warehouse/raw", key="s")
    rows = lake_rows(tmp_path / "warehouse/raw")
    assert [(r["source_code"], r["opd_kode"], r["jenis_layanan"], r["u_pengaduan"], r["submitted_at"]) for r in rows] == [
        ("kel_api_api", "KEL-AA", "Surat Keterangan", "4", "2025-03-05 10:15"),
        ("kel_loktuan", "KEL-LT", "Surat Keterangan", "4", "2025-03-05 10:15"),
    ]


def test_windows_1252_export_with_euro_sign_and_curly_quotes(data_dir: Path):
    rows = _web_rows(2)
    rows[1][-3] = "biaya \u20ac0, \u201cramah\u201d \u2013 caf\u00e9"
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/win.csv", rows, delimiter=";", encoding="cp1252")
    run(data_dir)
    got = lake_rows(data_dir / "warehouse/raw")
    assert got[1]["saran"] == "biaya \u20ac0, \u201cramah\u201d \u2013 caf\u00e9"
    assert not list(Path(tempfile.gettempdir()).glob("skm-utf8-*"))


def test_a_renamed_file_keeps_its_rows(data_dir: Path):
    f = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
    write_web_csv(f, _web_rows(3))
    run(data_dir)
    f.rename(f.with_name("export-final.csv"))
    run(data_dir)
    log = files_log(data_dir / "warehouse/raw")
    assert log["dpmptsp_web/2025-S1/export.csv"]["status"] == "removed"
    assert log["dpmptsp_web/2025-S1/export-final.csv"]["status"] == "loaded"
    assert len(lake_rows(data_dir / "warehouse/raw")) == 3


def test_a_semester_run_touches_only_that_semesters_files(data_dir: Path):
    s1 = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
    s2 = data_dir / "raw/dpmptsp_web/2025-S2/export.csv"
    write_web_csv(s1, _web_rows(3))
    write_web_csv(s2, _web_rows(4))
    run(data_dir)
    s1.unlink()  # gone from S1's folder, but this run is about S2 only
    write_web_csv(s2, _web_rows(5))
    shutil.copy(s2, data_dir / "raw/dpmptsp_web/2025-S2/copy.csv")
    ingest(REGISTRY, data_dir, data_dir / "warehouse/raw", key="test-key", periodes={"2025-S2"})
    log = files_log(data_dir / "warehouse/raw")
    assert log["dpmptsp_web/2025-S1/export.csv"]["status"] == "loaded"  # untouched
    assert log["dpmptsp_web/2025-S2/export.csv"]["rows_read"] == 5
    assert log["dpmptsp_web/2025-S2/copy.csv"]["status"] == "duplicate_file"
    assert len(lake_rows(data_dir / "warehouse/raw")) == 3 + 5
    run(data_dir)  # a full run notices the S1 file is gone
    assert files_log(data_dir / "warehouse/raw")["dpmptsp_web/2025-S1/export.csv"]["status"] == "removed"


def test_bytes_that_fail_in_one_source_still_load_in_the_source_they_belong_to(data_dir: Path):
    """Files load in parallel after the duplicate decisions are made in file order: when the
    'original' of a byte-identical pair fails (a puskesmas export dropped in the DPMPTSP folder
    by mistake), the copy in the right folder is loaded, not skipped as its duplicate."""
    pusk = BY_CODE["puskesmas_web"]
    right = data_dir / "raw/puskesmas_web/2025-S1/export.csv"
    headers = list(pusk.columns.values())
    write_web_csv(right, [r[:len(headers)] for r in _web_rows(3)], headers=headers)
    wrong = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
    wrong.parent.mkdir(parents=True)
    shutil.copy(right, wrong)
    run(data_dir)
    log = files_log(data_dir / "warehouse/raw")
    assert log["dpmptsp_web/2025-S1/export.csv"]["status"] == "error"
    assert "required column(s) missing" in log["dpmptsp_web/2025-S1/export.csv"]["message"]
    assert log["puskesmas_web/2025-S1/export.csv"]["status"] == "loaded"
    assert log["puskesmas_web/2025-S1/export.csv"]["rows_read"] == 3
    assert [r["row_number"] for r in lake_rows(data_dir / "warehouse/raw")] == [1, 2, 3]


@pytest.mark.parametrize("equal_mtimes", [False, True])
def test_a_file_moved_to_the_wrong_semester_and_back_loads_under_its_own_semester(tmp_path, equal_mtimes):
    """The ingest half of test_quality_gates' wrong-semester test, without Dagster or dbt: a file
    moved into the other semester's folder is loaded there, and moved back it is loaded under its
    own semester again, whatever the files' modification times (the loader orders same-bytes files
    by mtime; here no two files share bytes, so equal or coarse mtimes must not matter)."""
    import os

    from tests.conftest import make_data_dir

    d = make_data_dir(tmp_path / "estate", rows=20)
    sources, lake = load_registry(d / "sources.yml"), d / "warehouse" / "raw"
    if equal_mtimes:
        for p in (d / "raw").rglob("*.*"):
            os.utime(p, ns=(1_700_000_000 * 10**9,) * 2)

    def state() -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
        result = ingest(sources, d, lake)
        loaded = sorted((f.file_name, f.periode_declared) for f in result.files
                        if f.source_code == "rsud_paper" and f.status == "loaded")
        with duckdb.connect() as con:
            rows = con.execute("SELECT periode_declared, count(*) FROM read_parquet(?) GROUP BY ALL ORDER BY ALL",
                               [str(lake / "responses" / "rsud_paper" / "*.parquet")]).fetchall()
        return loaded, rows

    first = state()
    right = d / "raw/rsud_paper/2025-S2/skm_rsud_2025-S2.xlsx"
    wrong = d / "raw/rsud_paper/2025-S1/skm_rsud_2025-S2.xlsx"
    shutil.move(right, wrong)
    loaded, rows = state()
    assert loaded == [("2025-S1/skm_rsud_2025-S1.xlsx", "2025-S1"), ("2025-S1/skm_rsud_2025-S2.xlsx", "2025-S1")]
    assert [p for p, _ in rows] == ["2025-S1"]
    shutil.move(wrong, right)
    assert state() == first


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_plan_names_every_files_fate_and_writes_nothing(data_dir: Path):
    """plan_ingest decides (loaded, unchanged, duplicate_file, error, replaced, removed, the loads
    and the stale Parquet files) from the folders and the log alone; only execute_plan writes."""
    from pipelines.ingest.loader import plan_ingest

    folder = data_dir / "raw/dpmptsp_web/2025-S1"
    write_web_csv(folder / "kept.csv", _web_rows(2))
    write_web_csv(folder / "corrected.csv", _web_rows(3))
    write_web_csv(folder / "gone.csv", _web_rows(4))
    run(data_dir)
    write_web_csv(folder / "corrected.csv", _web_rows(5))
    (folder / "gone.csv").unlink()
    shutil.copy(folder / "kept.csv", folder / "kept (1).csv")
    write_web_csv(data_dir / "raw/dpmptsp_web/loose.csv", _web_rows(1))
    lake = data_dir / "warehouse/raw"
    before = _tree(data_dir)
    plan = plan_ingest(REGISTRY, data_dir, lake, None, dt.datetime(2025, 8, 1, 9, 30))
    assert _tree(data_dir) == before
    fate = {r.file_name: (r.status, r.message) for r in plan.records}
    assert fate["2025-S1/kept.csv"] == ("loaded", None)
    assert fate["2025-S1/kept (1).csv"] == (
        "duplicate_file", "raw/dpmptsp_web/2025-S1/kept (1).csv: same content as dpmptsp_web/2025-S1/kept.csv; "
                          "not loaded again")
    assert fate["loose.csv"] == (
        "error", "raw/dpmptsp_web/loose.csv: not in a periode folder; put it in raw/dpmptsp_web/<YYYY-S1|YYYY-S2>/")
    assert [j.rec.file_name for j in plan.jobs] == ["2025-S1/corrected.csv"]  # kept.csv is unchanged
    history = {r.file_name: r.status for r in plan.history}
    assert history == {"2025-S1/corrected.csv": "replaced", "2025-S1/gone.csv": "removed"}
    assert [r.message for r in plan.history if r.status == "replaced"][0].endswith("on 2025-08-01 09:30 UTC")
    assert len(plan.stale) == 2
    run(data_dir)
    assert len(lake_rows(lake)) == 2 + 5


def test_workers_and_memory_limit_are_arguments_not_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SKM_INGEST_WORKERS", "not a number")
    monkeypatch.setenv("SKM_INGEST_MEMORY_LIMIT", "not a size")
    for i in range(3):
        write_web_csv(data_dir / f"raw/dpmptsp_web/2025-S1/export-{i}.csv", _web_rows(2 + i))
    lake = data_dir / "warehouse" / "raw"
    result = ingest(REGISTRY, data_dir, lake, key="test-key", workers=2, memory_limit="256MB")
    assert [f.rows_read for f in result.files] == [2, 3, 4]
    with pytest.raises(duckdb.Error):
        ingest(REGISTRY, data_dir, lake, key="test-key", memory_limit="not a size")
