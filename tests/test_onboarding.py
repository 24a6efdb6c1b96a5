"""A new source onboarded mid-year with its registry entry alone, its own threshold, and a blocked
run that says why in the terminal - through `skm run`, the command `make pipeline` runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.periode import waktu_wita
from pipelines.quality.checks import expected_periodes
from pipelines.report.laporan.fmt import angka
from pipelines.registry import Source
from pipelines.settings import REPO_ROOT
from tests import export_fixtures as fx
from tests.cli_run import dagster_home
from tests.conftest import make_data_dir

NEW = fx.GFORMS_US  # a QR-code Google Forms survey of a new OPD (DISPAR), first delivered in 2025-S2


def skm_run(data_dir: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SKM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home), "SKM_LAPORAN_PDF": "0"}
    env.pop("SKM_REGISTRY", None)
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)


def _published(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "published" / "skm.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def onboarded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("onboarding")
    data_dir = make_data_dir(root / "data", rows=20)
    registry = yaml.safe_load((data_dir / "sources.yml").read_text(encoding="utf-8"))
    # the entry alone: no waiver, no global threshold changed; its first export is dirtier than
    # the city's 10 %, so it sets its own threshold
    entry = {**NEW.registry_entry(), "quality": {"max_quarantine_rate": 0.25, "min_rows_for_rate": 5}}
    registry["sources"].append(entry)
    (data_dir / "sources.yml").write_text(yaml.safe_dump(registry, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    fx.WRITERS[NEW.code](NEW.path(data_dir))
    lines = NEW.path(data_dir).read_text(encoding="utf-8").splitlines()
    for i in (3, 7):  # two rows answer 7 on a 1-4 scale: quarantined
        cells = lines[i].split(",")
        cells[2] = "7"
        lines[i] = ",".join(cells)
    NEW.path(data_dir).write_text("\n".join(lines) + "\n", encoding="utf-8")
    home = dagster_home(root)
    first = skm_run(data_dir, home)
    return data_dir, home, registry, first


def test_a_source_onboarded_in_2025_s2_publishes_with_its_entry_alone(onboarded):
    data_dir, _, registry, first = onboarded
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Pipeline run succeeded." in first.stdout
    assert registry["quality"]["waivers"] == [] and registry["quality"]["max_quarantine_rate"] == 0.10
    assert _published(data_dir, "SELECT periode, jumlah_responden FROM ikm_opd WHERE opd_kode = ?", [NEW.opd_kode]) \
        == [("2025-S2", 8)]
    gates = dict(((g, (s, d, w)) for g, s, d, w in _published(
        data_dir, "SELECT gate, status, description, waivers FROM quality_gates")))
    status, description, waivers = gates["every_source_delivered"]
    assert status == "passed" and waivers is None
    assert "(qr_form_us from 2025-S2)" in description  # not owed for 2025-S1: not a missing delivery
    # 2 of 10 rows quarantined = 20 %: over the city's 10 %, under the source's own 25 %
    assert _published(data_dir, "SELECT rows_read, rows_quarantined FROM reconciliation WHERE source_code = ?",
                      [NEW.code]) == [(10, 2)]
    assert gates["quarantine_rate_under_threshold"][0] == "passed"


def skm(data_dir: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SKM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    env.pop("SKM_REGISTRY", None)
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_cli_run_shows_each_step_and_ends_with_what_it_published(onboarded):
    """Not a terminal (as in CI): one line per finished step, `[k/N]` with N the steps the run
    planned, then the city's and each OPD's published value with its change, decimal commas."""
    data_dir, _, _, first = onboarded
    out = first.stdout
    steps = [m.groups() for m in re.finditer(r"^\[(\d+)/(\d+)\] (\S+): (.+?)(?: \([\d.]+ s\))?, \d+ s elapsed$",
                                             out, re.M)]
    total = int(re.search(r"^The run has (\d+) steps\.$", out, re.M).group(1))
    assert [int(k) for k, _, _, _ in steps] == list(range(1, total + 1))
    assert {int(n) for _, n, _, _ in steps} == {total}
    assert {status for _, _, _, status in steps} == {"done"}
    names = [name for _, _, name, _ in steps]
    assert {"raw_lake", "skm_dbt_models", "published_warehouse", "laporan_skm"} <= set(names)
    assert names.index("published_warehouse") > names.index("skm_dbt_models")
    summary = out[out.index("Published to "):]
    for periode, nilai, mutu in _published(data_dir, "SELECT periode, nilai_ikm, mutu FROM ikm_kota"):
        assert re.search(rf"^    Kota +{re.escape(angka(nilai))} {mutu} ", summary, re.M), (periode, summary)
    for periode, opd, nilai, mutu in _published(data_dir, "SELECT periode, opd_kode, nilai_ikm, mutu FROM ikm_opd"):
        assert re.search(rf"^    {re.escape(opd)} +{re.escape(angka(nilai))} {mutu} ", summary, re.M), (opd, summary)
    # the change against the previous semester, as ikm_perubahan publishes it
    (selisih,) = _published(data_dir, "SELECT selisih FROM ikm_perubahan WHERE level = 'kota' AND periode = '2025-S2'")[0]
    assert f"{'+' if selisih > 0 else ''}{angka(selisih)} from " in summary


def test_status_names_each_published_semester_when_and_from_which_files(onboarded):
    data_dir, home, _, _ = onboarded
    done = skm(data_dir, home, "status")
    assert done.returncode == 0, done.stderr[-2000:]
    (at, run_id), = _published(data_dir, "SELECT published_at_utc, run_id FROM _published")
    assert f"published {waktu_wita(at)} by run {run_id}" in done.stdout
    for periode, nilai, mutu in _published(data_dir, "SELECT periode, nilai_ikm, mutu FROM ikm_kota"):
        assert f"  {periode}: Nilai IKM kota {angka(nilai)} (mutu {mutu})" in done.stdout
    for source, name in _published(data_dir, "SELECT source_code, file_name FROM ingest_files"):
        assert f"      {source}: {name} (" in done.stdout
    assert "Deliveries:" in done.stdout


def test_the_landing_sensor_launches_nothing_after_the_cli_run(onboarded):
    """`make demo` then `make dev`: the sensor's first tick finds the files the CLI run read."""
    from dagster import SkipReason, build_sensor_context

    from pipelines.context import SkmContext
    from pipelines.sensors import build_landing_sensor

    data_dir, _, _, _ = onboarded
    tick = build_landing_sensor(30)(build_sensor_context(cursor=None,
                                                         resources={"skm": SkmContext(data_dir=str(data_dir))}))
    assert isinstance(tick, SkipReason)


def test_dbt_docs_build_with_the_projects_home_page(onboarded):
    from pipelines.cli.docs import DOCS_TARGET

    data_dir, home, _, _ = onboarded
    done = skm(data_dir, home, "docs", "--no-serve")
    assert done.returncode == 0, done.stdout[-3000:]
    assert (DOCS_TARGET / "index.html").exists()
    catalog = json.loads((DOCS_TARGET / "catalog.json").read_text(encoding="utf-8"))
    assert "nilai_ikm" in {c.lower() for c in catalog["nodes"]["model.skm.ikm_opd"]["columns"]}
    manifest = json.loads((DOCS_TARGET / "manifest.json").read_text(encoding="utf-8"))
    assert "SKM warehouse" in manifest["docs"]["doc.skm.__overview__"]["block_contents"]


def test_a_blocked_run_says_which_gate_source_periode_and_file_problem(onboarded):
    data_dir, home, _, _ = onboarded
    before = (data_dir / "published" / "skm.duckdb").read_bytes()
    # the next export renames its time column: the file is refused, the source delivers nothing usable
    path = NEW.path(data_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("Timestamp,", "Waktu,", 1), encoding="utf-8")
    blocked = skm_run(data_dir, home)
    out = blocked.stdout
    assert blocked.returncode == 1, out[-3000:]
    assert "Done. PASS=" not in out  # not dbt's summary
    problem = ("raw/qr_form_us/2025-S2/SKM (Responses).csv: required column(s) missing: submitted_at ('Timestamp')")
    assert (f"BLOCKED by every_source_delivered (marts/ikm_opd): qr_form_us 2025-S2: file delivered but unreadable: "
            f"{problem}") in out
    assert "File problems in the ingest log" in out and problem in out
    assert f"The full log: {home / 'last_run.log'}" in out
    assert (data_dir / "published" / "skm.duckdb").read_bytes() == before
    # the catalog shows the published asset blocked, naming the gate (skm run reports it: no daemon)
    from dagster import AssetCheckKey, AssetKey, DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        key = AssetCheckKey(AssetKey("published_warehouse"), "gates_passed")
        latest = next(r for r in instance.event_log_storage.get_asset_check_execution_history(key, limit=20)
                      if r.partition is None).event.dagster_event.event_specific_data
    assert not latest.passed and "every_source_delivered" in latest.description
    assert "NOT PUBLISHED. Why:" in out


def test_a_waiver_names_source_periode_gate_and_reason_and_is_published(onboarded):
    """After the blocked run: the OPD's form is broken for the semester, the data team waives the
    delivery gate for it, the rest publishes, and the waiver is published with the gates."""
    data_dir, home, registry, _ = onboarded
    reason = "formulir Google rusak sejak November; diulang semester depan"
    waived = {**registry, "quality": {**registry["quality"], "waivers": [
        {"source": NEW.code, "periode": "2025-S2", "gate": "every_source_delivered", "reason": reason}]}}
    (data_dir / "sources.yml").write_text(yaml.safe_dump(waived, sort_keys=False, allow_unicode=True), encoding="utf-8")
    done = skm_run(data_dir, home)
    assert done.returncode == 0, done.stdout[-3000:]
    assert _published(data_dir, "SELECT status, waivers FROM quality_gates WHERE gate = 'every_source_delivered'") \
        == [("passed", f"{NEW.code} 2025-S2: {reason}")]
    assert _published(data_dir, "SELECT count(*) FROM ikm_opd WHERE opd_kode = ?", [NEW.opd_kode]) == [(0,)]
    # the refused file is published in the ingest log with its reason: nothing is lost silently
    assert _published(data_dir, "SELECT status FROM ingest_files WHERE source_code = ? ORDER BY status",
                      [NEW.code]) == [("error",), ("replaced",)]


def _source(code: str, first: str | None = None) -> Source:
    return Source(code=code, opd_kode="X", opd_nama="X", format="csv", landing=f"raw/{code}", timezone="UTC",
                  columns={}, first_periode=first)


def test_expected_periodes_start_at_the_first_delivery_or_the_declared_first_periode():
    published = ["2024-S2", "2025-S1", "2025-S2"]
    got = expected_periodes([_source("old"), _source("new"), _source("declared", "2025-S1"), _source("never")],
                            published, {"old": ["2024-S2", "2025-S1"], "new": ["2025-S2"], "declared": ["2025-S2"]})
    assert got == {"old": published, "new": ["2025-S2"], "declared": ["2025-S1", "2025-S2"], "never": published}
