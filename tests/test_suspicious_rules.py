"""The marking rules against suspicious submissions planted by the sample generator among normal
ones, through the real Dagster run: how many planted rows are found (recall) and how many normal
rows are marked (false alarms), printed and asserted; the figures reach the asset checks'
metadata, and the WARN checks never block publication."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.registry import load_registry
from pipelines.sample_data import generate, write_sample
from pipelines.sample_data.suspicious import read_truth, truth_path
from pipelines.settings import REPO_ROOT
from pipelines.context import SkmContext
from tests.pipeline_run import run_pipeline

pytestmark = pytest.mark.slow
PLANTED_SOURCE = "dishub_kiosk"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("suspicious")
    shutil.copy(REPO_ROOT / "data" / "sources.yml", root / "sources.yml")
    generate(root, root / "sources.yml", rows=300, seed=11, suspicious=(PLANTED_SOURCE,))
    result = run_pipeline(skm=SkmContext(data_dir=str(root)))
    return root, result


def test_rules_find_most_planted_rows_with_few_false_alarms(estate):
    root, result = estate
    assert result.success
    con = duckdb.connect(str(root / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        used = set(con.execute(
            "SELECT r.source_code, r.periode_declared, r.row_number FROM staging.stg_raw__responses r "
            "JOIN intermediate.int_responses_status s USING (response_id) WHERE s.status = 'used'"
        ).fetchall())
        marked = set(con.execute(
            "SELECT DISTINCT r.source_code, r.periode_declared, r.row_number FROM marts.respons_ditandai d "
            "JOIN staging.stg_raw__responses r USING (response_id)"
        ).fetchall())
        by_rule = con.execute("SELECT kode_aturan, count(*) FROM marts.respons_ditandai GROUP BY 1 ORDER BY 1").fetchall()
        seragam_units = con.execute("SELECT DISTINCT opd_kode FROM marts.respons_ditandai "
                                    "WHERE kode_aturan = 'seragam'").fetchall()
    finally:
        con.close()
    truth = read_truth(root)
    assert {t["source_code"] for t in truth} == {PLANTED_SOURCE}
    planted = {(t["source_code"], t["periode"], t["row"]) for t in truth if t["clean"]} & used
    normal = used - {(t["source_code"], t["periode"], t["row"]) for t in truth}
    assert len(planted) > 100 and len(normal) > 3000
    recall = len(planted & marked) / len(planted)
    false_alarm = len(normal & marked) / len(normal)
    per_kind = {}
    for kind in ("beruntun", "seragam"):
        rows = {(t["source_code"], t["periode"], t["row"]) for t in truth if t["clean"] and t["kind"] == kind} & used
        per_kind[kind] = (len(rows & marked), len(rows))
    print(f"\nplanted {len(planted)}, found {len(planted & marked)}: recall {recall:.1%}; "
          f"normal {len(normal)}, marked {len(normal & marked)}: false alarms {false_alarm:.2%}; "
          f"by kind {per_kind}; marks by rule {by_rule}")
    assert recall >= 0.90
    assert false_alarm <= 0.02
    # the straight-lining rule, judged on each unit's own data, marks the planted unit only
    assert {opd for opd, in seragam_units} == {"DISHUB"}, seragam_units


def test_the_figures_reach_the_dagster_metadata_and_warnings_do_not_block(estate):
    root, result = estate
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    km = evaluations["sample_below_krejcie_morgan"]
    assert km.severity.value == "WARN"
    meta = {k: v.value for k, v in km.metadata.items()}
    assert meta["units_populasi_tidak_diketahui"] > 0
    assert meta["units_memadai"] + meta["units_kurang"] > 0
    marked = evaluations["marked_submissions_effect"]
    assert marked.severity.value == "WARN"
    assert marked.metadata["marked_total"].value > 100
    assert "beruntun" in marked.metadata["marked_by_rule"].value
    # warnings or not, the audited marts are published, the trust marts with them
    con = duckdb.connect(str(root / "published" / "skm.duckdb"), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        sens = con.execute("SELECT nilai_ikm_semua, nilai_ikm_tanpa_ditandai, jumlah_ditandai, kebijakan "
                           "FROM ikm_sensitivitas WHERE level = 'opd' AND opd_kode = 'DISHUB' ORDER BY periode").fetchall()
    finally:
        con.close()
    assert {"kecukupan_sampel", "ketidakpastian_ikm", "ikm_perubahan", "respons_ditandai", "ikm_sensitivitas"} <= tables
    # the planted rows are mostly all-4: without them DISHUB scores lower; the default counts them
    assert all(semua > tanpa and n > 50 and policy == "hitung" for semua, tanpa, n, policy in sens), sens


def _content(path: Path) -> object:
    """A workbook's bytes carry the save time (document properties, zip entry dates), so two
    identical workbooks written seconds apart differ byte for byte: compare their cells."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
    finally:
        wb.close()


def test_planted_rows_leave_the_export_columns_and_the_other_sources_unchanged(tmp_path: Path):
    plain, planted = tmp_path / "plain", tmp_path / "planted"
    for d in (plain, planted):
        d.mkdir()
        shutil.copy(REPO_ROOT / "data" / "sources.yml", d / "sources.yml")
    a = write_sample(plain, plain / "sources.yml", rows=120, seed=3)
    b = write_sample(planted, planted / "sources.yml", rows=120, seed=3, suspicious=(PLANTED_SOURCE,))
    for x, y in zip(a, b):
        same = _content(x.path) == _content(y.path)
        assert same == (x.source_code != PLANTED_SOURCE), x.source_code
        assert (x.responses, x.records) == (y.responses, y.records)  # rows turned, not added
    dishub = [w for w in b if w.source_code == PLANTED_SOURCE]
    assert all(w.planted > 20 for w in dishub)
    first = json.loads(dishub[0].path.read_text().splitlines()[0])
    plain_first = json.loads([w for w in a if w.source_code == PLANTED_SOURCE][0].path.read_text().splitlines()[0])
    assert set(first) == set(plain_first)  # no marker column in the export
    truth = json.loads(truth_path(planted, PLANTED_SOURCE, "2025-S1").read_text())["planted"]
    assert len(truth) == dishub[0].planted and {t["kind"] for t in truth} == {"beruntun", "seragam"}
    assert not (plain / "raw" / "_sample_truth").exists()
    # the truth never lands where the pipeline reads exports
    landing = [s.landing_dir(planted) for s in load_registry(planted / "sources.yml")]
    assert not any(truth_path(planted, PLANTED_SOURCE, "2025-S1").is_relative_to(p) for p in landing)
