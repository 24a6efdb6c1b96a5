"""`make bench` end to end at a small size: every measurement is there and the pipeline's published
index equals the bare DuckDB statement and the pandas baseline. No timing thresholds here: at this
size Dagster's and dbt's start-up is all there is to measure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT

pytestmark = pytest.mark.slow
ROWS = 10_000


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench")
    json_path = out / f"bench-{ROWS}.json"
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for var in ("SKM_DATA_DIR", "SKM_REGISTRY", "DAGSTER_HOME"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmark.run", "--rows", str(ROWS), "--out", str(out / "work"),
         "--json", str(json_path)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert json_path.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(json_path.read_text())
    data["_exit"], data["_output"] = proc.returncode, proc.stdout[-4000:] + proc.stderr[-4000:]
    return data


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and x > 0


def test_harness_succeeds(report):
    assert report["_exit"] == 0, report["_output"]


def test_machine_and_estate_are_recorded(report):
    m = report["machine"]
    assert m["nproc"] >= 1 and m["mem_total_bytes"] > 0 and m["cpu_model"]
    assert m["versions"]["duckdb"] and m["versions"]["dagster"]
    e = report["estate"]
    assert e["rows"] == ROWS and e["sources"] >= 40 and e["files"] == e["sources"] * 6
    assert sum(e["rows_per_style"].values()) == ROWS and len(e["rows_per_style"]) == 4
    assert _positive(e["bytes"])


def test_every_measurement_is_there_and_positive(report):
    pipe = report["pipeline"]
    assert pipe["success"] is True
    for key in ("wall_seconds", "peak_rss_bytes", "responses_per_second", "import_seconds"):
        assert _positive(pipe[key]), key
    for stage in ("ingest", "dbt", "checks", "publish"):
        assert _positive(pipe["stages"][stage]), stage
    assert pipe["slowest_dbt_nodes"]
    for name in ("bare_limit", "pandas"):
        m = report[name]
        assert not m.get("error"), m.get("error")
        for key in ("seconds", "wall_seconds", "peak_rss_bytes", "responses_per_second"):
            assert _positive(m[key]), (name, key)
    inc = report["incremental"]
    assert inc["success"] is True and inc["mode"]
    assert _positive(inc["wall_seconds"]) and _positive(inc["peak_rss_bytes"])
    assert inc["landed"]["rows"] == ROWS // 100
    x = report["excel"]
    assert x["rows"] == 20_000 and _positive(x["rows_per_second"])


def test_incremental_run_brings_the_published_file_up_to_date(report):
    inc = report["incremental"]
    assert inc["published_updated"] is True
    assert inc["sanity_after"]["matched"], inc["sanity_after"]
    assert abs(inc["new_periode_nilai_ikm"] - inc["new_periode_expected"]) <= 0.01


def test_published_index_matches_bare_limit_and_pandas(report):
    s = report["sanity"]
    assert s["matched"], s
    assert s["pipeline_vs_bare"]["groups"] == report["estate"]["sources"] * 6
    assert s["pipeline_vs_bare"]["max_abs_diff"] <= 0.01
    assert s["pipeline_vs_pandas"]["max_abs_diff"] <= 0.01
    assert s["bare_vs_pandas"]["max_abs_diff"] < 1e-6


def test_ratios_and_targets_are_reported(report):
    assert all(_positive(v) for v in report["ratios"].values()), report["ratios"]
    assert {t["status"] for t in report["targets"]} <= {"PASS", "FAIL"}
    assert len(report["targets"]) == 4 and report["targets_note"]
