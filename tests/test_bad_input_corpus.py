"""A corpus of broken files and rows goes through one pipeline run: the good files publish, every
bad file and row is found with its reason, and every file reconciles."""

from __future__ import annotations

import csv

import duckdb
import pytest

from tests.conftest import make_data_dir
from pipelines.context import SkmContext
from tests.pipeline_run import run_pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    d = make_data_dir(tmp_path_factory.mktemp("corpus"), rows=80)
    web = d / "raw/dpmptsp_web/2025-S1"
    good = next(web.iterdir())
    (web / "empty.csv").write_bytes(b"")
    (web / "resent (copy).csv").write_bytes(good.read_bytes())  # duplicate upload
    rows = list(csv.reader(good.read_text(encoding="utf-8").splitlines(keepends=True)))
    header = rows[0]
    with (web / "no_waktu.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        drop = header.index(next(h for h in header if "kecepatan waktu" in h))
        w.writerows([r[:drop] + r[drop + 1:] for r in rows[:5]])
    # two bad rows in an otherwise good file: a score of 7 and an unknown label
    extra = web / "late.csv"
    with extra.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        r1, r2 = list(rows[1]), list(rows[2])
        r1[2], r2[3] = "7", "Lumayan"
        w.writerows([r1, r2, rows[3]])
    (d / "raw/rsud_paper/2025-S1/scan.xlsx").write_text("a scanned letter, not a spreadsheet")
    (d / "raw/dishub_kiosk/2025-S2/broken.ndjson").write_text('{"submission_id": "X", "q_waktu": ')
    result = run_pipeline(skm=SkmContext(data_dir=str(d)))
    return d, result


def test_good_files_publish_despite_the_bad_ones(published):
    d, result = published
    assert result.success
    con = duckdb.connect(str(d / "published/skm.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ikm_opd").fetchall()[0][0] == 12


def test_each_bad_file_is_logged_with_its_reason(published):
    d, _ = published
    con = duckdb.connect(str(d / "published/skm.duckdb"), read_only=True)
    log = dict(con.execute("SELECT source_code || '/' || file_name, status || ': ' || coalesce(message, '') "
                           "FROM ingest_files").fetchall())
    assert log["dpmptsp_web/2025-S1/empty.csv"].startswith("error: raw/dpmptsp_web/2025-S1/empty.csv: the file is empty")
    assert "required column(s) missing: waktu" in log["dpmptsp_web/2025-S1/no_waktu.csv"]
    assert log["dpmptsp_web/2025-S1/resent (copy).csv"].startswith("duplicate_file")
    assert "not a readable Excel" in log["rsud_paper/2025-S1/scan.xlsx"]
    assert "not readable as JSON" in log["dishub_kiosk/2025-S2/broken.ndjson"]


def test_bad_rows_are_quarantined_with_file_row_field_and_reason(published):
    d, _ = published
    con = duckdb.connect(str(d / "published/skm.duckdb"), read_only=True)
    got = con.execute(
        "SELECT row_number, field, raw_value, reason_code FROM quarantine "
        "WHERE source_code = 'dpmptsp_web' AND file_name = '2025-S1/late.csv' ORDER BY row_number"
    ).fetchall()
    assert [(r[0], r[2], r[3]) for r in got] == [(1, "7", "score_out_of_range"), (2, "Lumayan", "unknown_label")]
    assert {r[1] for r in got} <= {"persyaratan", "prosedur", "u_persyaratan", "u_prosedur"}
    reason = con.execute("SELECT reason FROM quarantine WHERE file_name = '2025-S1/late.csv' AND row_number = 1"
                         ).fetchall()[0][0]
    assert "late.csv" in reason and "1" in reason


def test_every_file_reconciles(published):
    d, _ = published
    con = duckdb.connect(str(d / "published/skm.duckdb"), read_only=True)
    rows = con.execute("SELECT file_name, rows_read, rows_used, rows_quarantined, rows_duplicate, is_balanced "
                       "FROM reconciliation WHERE file_status = 'loaded'").fetchall()
    assert rows and all(r[5] for r in rows)
    late = next(r for r in rows if r[0] == "2025-S1/late.csv")
    assert (late[1], late[3]) == (3, 2) and late[2] + late[4] == 1
