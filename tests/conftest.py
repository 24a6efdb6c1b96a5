"""Shared fixtures: a small generated estate and one full pipeline run through Dagster on it."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT


@pytest.fixture(scope="session", autouse=True)
def _no_pdf_by_default() -> None:
    """Every pipeline run now ends with the Laporan SKM; printing its PDFs costs Chromium start-ups
    that only tests/test_report.py needs (it switches them back on)."""
    os.environ.setdefault("SKM_LAPORAN_PDF", "0")


@pytest.fixture(scope="session", autouse=True)
def _venv_on_path() -> None:
    """dagster-dbt runs `dbt` as a subprocess; make sure it is this environment's."""
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if not os.environ.get("PATH", "").startswith(bin_dir):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def make_data_dir(root: Path, rows: int = 60, seed: int = 7) -> Path:
    from pipelines.sample_data import generate

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "data" / "sources.yml", root / "sources.yml")
    generate(root, root / "sources.yml", rows=rows, seed=seed)
    return root


@dataclass(frozen=True)
class SampleRun:
    """What the tests read of the shared run: its folder, whether it succeeded, and the metadata
    of its `laporan_skm` materialization (plain values)."""

    data_dir: Path
    success: bool
    laporan: dict | None
    row_counts: dict[str, int]  # 'marts/ikm_opd' -> the dbt step's dagster/row_count


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's temporary folder, the same for every pytest-xdist worker of the session
    (each worker has its own below it); never another pytest session's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    """One pipeline run through Dagster over both semesters of the 60-rows estate (seed 7), with
    the Laporan PDFs. Several modules assert on this same run; none may write to its folder. A
    module that goes on from it (reruns, breaks an input, builds on Spark) works on its own copy:
    `copy_estate`. Made once per session: under pytest-xdist the first worker to ask makes it and
    the others wait for it (a file lock in the session's folder)."""
    from pipelines.context import SkmContext
    from tests.pipeline_run import run_pipeline

    root = _shared_root(tmp_path_factory) / "sample_run"
    summary = root.with_name("sample_run.json")
    with open(root.with_name("sample_run.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not summary.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt left
            data_dir = make_data_dir(root, rows=60)
            # the run context on this folder, built here: no environment variable involved
            skm = SkmContext(data_dir=str(data_dir), laporan_pdf=True)
            result = run_pipeline(partitions=("2025-01", "2025-07"), skm=skm)
            laporan = None
            if result.success:
                metadata = result.asset_materializations_for_node("laporan_skm")[0].metadata
                laporan = {k: v.value for k, v in metadata.items()}
            row_counts = {"/".join(m.asset_key.path): m.metadata["dagster/row_count"].value
                          for m in result.asset_materializations_for_node("skm_dbt_models")
                          if "dagster/row_count" in m.metadata}
            summary.write_text(json.dumps({"success": result.success, "laporan": laporan, "row_counts": row_counts},
                                          default=str))
    found = json.loads(summary.read_text())
    return SampleRun(root, found["success"], found["laporan"], found.get("row_counts", {}))


# Responses in the benchmark estate of tests/test_benchmark_smoke.py, test_benchmark_estate.py and
# test_fair_rows.py: one estate, one harness run (bench_run) for the three.
BENCH_ROWS = 10_000


@dataclass(frozen=True)
class BenchRun:
    """`python -m tests.benchmark.run` at BENCH_ROWS: its exit status and output tail, its JSON
    report (None when it wrote none), and a copy of its estate as the full run (pipeline through
    Dagster, then the Laporan) left it, before the increment landed."""

    returncode: int
    output: str
    report: dict | None
    estate: Path


@pytest.fixture(scope="session")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> BenchRun:
    """The benchmark harness end to end on one BENCH_ROWS estate (each measurement a subprocess,
    as `make bench`), keeping the estate after its full run: test_benchmark_smoke asserts on the
    report, test_benchmark_estate and test_fair_rows on that pipeline run, so the estate is
    generated and run once instead of three times. Nobody may write to `estate`: work on a
    `copy_estate`. Made once per session: under pytest-xdist the first worker to ask makes it and
    the other waits (a file lock in the session's folder), as sample_run."""
    import subprocess
    import sys

    root = _shared_root(tmp_path_factory) / "bench_run"
    summary = root.with_name("bench_run.json")
    json_path = root / f"bench-{BENCH_ROWS}.json"
    with open(root.with_name("bench_run.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not summary.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt left
            root.mkdir(parents=True)
            env = dict(os.environ)
            env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
            for var in ("SKM_DATA_DIR", "SKM_REGISTRY", "DAGSTER_HOME"):
                env.pop(var, None)
            proc = subprocess.run(
                [sys.executable, "-m", "tests.benchmark.run", "--rows", str(BENCH_ROWS), "--out", str(root / "work"),
                 "--json", str(json_path), "--full-run-copy", str(root / "estate")],
                cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800,
            )
            summary.write_text(json.dumps({"returncode": proc.returncode,
                                           "output": proc.stdout[-4000:] + proc.stderr[-4000:]}))
    found = json.loads(summary.read_text())
    report = json.loads(json_path.read_text()) if json_path.exists() else None
    return BenchRun(found["returncode"], found["output"], report, root / "estate")


def copy_estate(data_dir: Path, target: Path) -> Path:
    """A copy of a data folder after its run (files, lake, warehouse, published file, secret; file
    times kept): a run there behaves as the next run in the original would. Nothing in a data
    folder names its own path."""
    shutil.copytree(data_dir, target, symlinks=True)
    return target


def pytest_configure(config: pytest.Config) -> None:
    """`dbt parse` (when the manifest is stale) once, before any pytest-xdist worker starts: each
    worker imports the Dagster definitions, which would otherwise parse into the same
    dbt_project/target at the same time."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        from pipelines.transform.project import ensure_manifest

        ensure_manifest()


# The modules that take longest, longest first (measured on the 2-core machine under load): they
# start first, so that under pytest-xdist (pyproject addopts: `--dist loadscope
# --no-loadscope-reorder`) no worker is left with a long module after the other has run out of
# work. The other modules keep their order after these; tests within a module always keep theirs.
SLOW_MODULES = (
    "test_spark_pipeline.py",  # two whole pipeline runs on Spark
    "test_benchmark_smoke.py",  # six measurements, four Dagster runs
    "test_run_guarantees.py",
    "test_rtl.py",
    "test_quality_gates.py",
    "test_onboarding.py",
    "test_alerts.py",
    "test_dagster_ui.py",
    "test_dbt_incremental.py",
    "test_benchmark_estate.py",
    "test_fair_rows.py",
    "test_fair_marts.py",
    "test_publish_snapshot.py",
    "test_pipeline_e2e.py",
    "test_real_exports.py",
    "test_suspicious_rules.py",
    "test_report.py",
    "test_ikm_formula.py",
    "test_trust.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within a module kept
