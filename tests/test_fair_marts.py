"""The fair reference's marts (tests/benchmark/fair_marts.py) equal the pipeline's published marts,
every one of them, and the comparison (tests/benchmark/fair_compare.py) really sees a difference.

The fair marts are built from the pipeline's own per-response tables (the ones fair_ingest and
fair_rows produce in the benchmark), copied out of the working warehouse of a real run: a run on the
demo sample data (quarantine, duplicates and marked submissions). So a difference there is in the
marts' SQL, not in the rows. The last test runs the whole fair reference (tests/benchmark/fair.py)
from the demo's raw files; on the benchmark estate the bench's own sanity check does
(tests/test_benchmark_smoke.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT
from tests.benchmark import fair_compare, fair_marts

# What fair_ingest and fair_rows hand over (their tables, named like the dbt models); no
# stg_raw__sources, so the OPD names come from the registry (params_from_registry).
SEEDS = tuple(sorted(p.stem for p in (DBT_PROJECT_DIR / "seeds").glob("*.csv")))
INPUTS = ("stg_raw__ingest_files", "stg_raw__responses", *SEEDS,
          "int_response_issues", "int_responses_status", "int_responses_used", "int_respons_ditandai",
          "int_skor_responden", "int_answers", "int_answer_values")
MARTS = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")} - set(fair_compare.NOT_IN_FAIR_REFERENCE)


def fair_database(data_dir: Path, target: Path) -> tuple[Path, dict[str, float]]:
    """The fair database for a pipeline run's data folder: its input tables copied out of the
    working warehouse (views materialised), then fair_marts.build with the registry's params."""
    warehouse = target.with_name("warehouse_copy.duckdb")
    shutil.copyfile(data_dir / "warehouse" / "skm.duckdb", warehouse)  # never opened in the run's folder
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        for table in INPUTS:
            (schema,) = con.execute("select table_schema from information_schema.tables "
                                    "where table_catalog = 'wh' and table_name = ?", [table]).fetchone()
            con.execute(f"create table {table} as select * from wh.{schema}.{table}")
        con.execute("detach wh")
        seconds = fair_marts.build(con, fair_marts.params_from_registry(data_dir / "sources.yml"))
    finally:
        con.close()
    warehouse.unlink()
    return target, seconds


def _published_copy(data_dir: Path, target: Path) -> Path:
    shutil.copyfile(data_dir / "published" / "skm.duckdb", target)
    return target


def assert_every_mart_equal(published: Path, fair: Path) -> dict:
    result = fair_compare.compare(published, fair)
    assert set(result["tables"]) == MARTS, "every mart of dbt_project/models/marts is compared, nothing else"
    assert set(result["skipped"]) <= set(fair_compare.SKIPPED) | set(fair_compare.NOT_IN_FAIR_REFERENCE)
    assert result["matched"], fair_compare.summary(result) + "\n" + repr(
        {n: t["differences"] for n, t in result["tables"].items() if not t["matched"]})
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A pipeline run over both semesters of the demo sample data as `make demo` makes it (planted
    suspicious submissions in dishub_kiosk, besides the sample's quarantine and duplicates), at
    60 rows per source and semester; the shared sample_run has no marked rows."""
    from pipelines.context import SkmContext
    from pipelines.sample_data import generate
    from tests.pipeline_run import run_pipeline

    out = tmp_path_factory.mktemp("fair_demo")
    data_dir = out / "data"
    data_dir.mkdir()
    shutil.copy(REPO_ROOT / "data" / "sources.yml", data_dir / "sources.yml")
    generate(data_dir, data_dir / "sources.yml", rows=60, seed=7, suspicious=("dishub_kiosk",))
    assert run_pipeline(partitions=("2025-01", "2025-07"), skm=SkmContext(data_dir=str(data_dir))).success
    fair, seconds = fair_database(data_dir, out / "fair.duckdb")
    assert seconds["marts"] > 0
    return _published_copy(data_dir, out / "published.duckdb"), fair


def test_every_mart_equals_the_published_one_on_the_demo_run(demo):
    published, fair = demo
    result = assert_every_mart_equal(published, fair)
    # the demo run has rows left out and marked: the comparison is not of empty tables
    for table in ("quarantine", "duplicates", "respons_ditandai", "saran", "ikm_opd"):
        assert result["tables"][table]["rows_published"] > 0, table


def test_a_published_like_file_of_the_fair_marts_equals_the_published_one(demo, tmp_path: Path):
    published, fair = demo
    work = shutil.copyfile(fair, tmp_path / "fair.duckdb")
    con = duckdb.connect(str(work))
    try:
        fair_marts.publish(con, tmp_path / "fair_published.duckdb")
    finally:
        con.close()
    assert_every_mart_equal(published, tmp_path / "fair_published.duckdb")


def test_compare_sees_one_changed_cell_and_a_missing_column(demo, tmp_path: Path):
    published, fair = demo
    changed = shutil.copyfile(fair, tmp_path / "changed.duckdb")
    con = duckdb.connect(str(changed))
    try:
        con.execute("update ikm_opd set nilai_ikm = nilai_ikm + 0.01 "
                    "where rowid = (select min(rowid) from ikm_opd where nilai_ikm is not null)")
        con.execute("alter table saran drop column disamarkan")
    finally:
        con.close()
    result = fair_compare.compare(published, changed)
    assert not result["matched"]
    bad = {n for n, t in result["tables"].items() if not t["matched"]}
    assert bad == {"ikm_opd", "saran"}
    ikm = result["tables"]["ikm_opd"]
    assert ikm["rows_only_published"] == ikm["rows_only_fair"] == 1
    assert {d["side"] for d in ikm["differences"]} == {"published", "fair"}
    assert result["tables"]["saran"]["columns_missing_in_fair"] == ["disamarkan"]


def test_the_whole_fair_reference_from_the_raw_files_equals_the_published_file(demo, tmp_path: Path):
    """fair.run_fair end to end on the demo's raw exports (CSV words and numbers, Excel with title
    rows, a nested-key JSON array, NDJSON): its own ingest, rows, marts and publish. On the
    benchmark estate the same is the bench's sanity check (tests/test_benchmark_smoke.py)."""
    from tests.benchmark.fair import run_fair

    published, _ = demo
    data_dir = published.parent / "data"
    result = run_fair(data_dir, tmp_path / "fair.duckdb")
    assert set(result["steps"]) == {"sha256", "read_and_lake", "normalise_quarantine_duplicates", "trust_rules",
                                    "marts", "publish"}
    compared = assert_every_mart_equal(published, Path(result["published"]))
    assert compared["tables"]["quarantine"]["rows_published"] > 0
