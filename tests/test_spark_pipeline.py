"""The whole pipeline on Spark (issue 23): ingest, dbt build and tests on Spark in local mode, the
marts and profiles mirrored into the working warehouse, every Dagster check and GX suite on them,
and the publish step - the same published file as the DuckDB run's, and the same guarantees.

One copy of the session's sample run (the DuckDB run: its published file is the reference). On
it, first a Spark run whose blocking gate fails (the registry's max_quarantine_rate set to 0: the
sample has quarantined rows) must leave the published file's bytes as they were; then a plain
Spark run must publish the same tables as the DuckDB run, at the published rounding, with the same
gates passing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.context import SkmContext
from pipelines.transform.spark_mirror import MirrorError, mirror_export
from tests.conftest import copy_estate
from tests.pipeline_run import run_pipeline
from tests.test_spark_parity import JAVA_HOME_DEFAULT, _java_available, _rows, _value

# Not data: the publication's own stamp (time, run id, engine-independent but run-dependent).
RUN_STAMP_TABLES = {"_published"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(db: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                           "ORDER BY 1").fetchall()]
        out = {}
        for t in names:
            rel = con.execute(f'SELECT * FROM "{t}"')
            cols = [d[0] for d in rel.description]
            out[t] = (cols, sorted((tuple(_value(v) for v in r) for r in rel.fetchall()), key=repr))
        return out


def _strict(sources: Path) -> str:
    """The registry with max_quarantine_rate 0: any quarantined row blocks publication."""
    text = sources.read_text(encoding="utf-8")
    assert "max_quarantine_rate: 0.10" in text
    sources.write_text(text.replace("max_quarantine_rate: 0.10", "max_quarantine_rate: 0.0"), encoding="utf-8")
    return text


@pytest.fixture(scope="module")
def spark_runs(sample_run, tmp_path_factory):
    if not _java_available():
        pytest.fail("Java is needed for Spark (Debian: openjdk-17-jre-headless)")
    assert sample_run.success
    mp = pytest.MonkeyPatch()
    mp.setenv("JAVA_HOME", os.environ.get("JAVA_HOME", JAVA_HOME_DEFAULT))
    d = copy_estate(sample_run.data_dir, tmp_path_factory.mktemp("spark_pipeline") / "data")
    try:
        skm = SkmContext(data_dir=str(d), dbt_target="spark")
        published = d / "published" / "skm.duckdb"
        before = _sha(published)
        original = _strict(d / "sources.yml")
        blocked = run_pipeline(partitions=("2025-01", "2025-07"), skm=SkmContext(data_dir=str(d), dbt_target="spark"))
        after_blocked = _sha(published)
        with duckdb.connect(str(d / "warehouse" / "skm.duckdb"), read_only=True) as con:
            mirrored_rates = con.execute("SELECT count(*) FROM marts.reconciliation WHERE rows_quarantined > 0") \
                .fetchone()[0]
        (d / "sources.yml").write_text(original, encoding="utf-8")
        plain = run_pipeline(partitions=("2025-01", "2025-07"), skm=skm)
        yield {"dir": d, "blocked": blocked, "before": before, "after_blocked": after_blocked,
               "mirrored_rates": mirrored_rates, "plain": plain}
    finally:
        mp.undo()


def _check(result, name: str):
    found = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    assert found, name
    return found[0]


@pytest.mark.slow
def test_a_gate_failing_on_spark_leaves_the_published_bytes_unchanged(spark_runs):
    blocked = spark_runs["blocked"]
    assert not blocked.success
    rate = _check(blocked, "quarantine_rate_under_threshold")
    assert not rate.passed and rate.severity.value == "ERROR"
    # the gate read Spark's tables (the mirror), which hold the quarantined rows it names
    assert spark_runs["mirrored_rates"] > 0
    assert "published_warehouse" not in {e.asset_key.path[-1] for e in blocked.get_asset_materialization_events()}
    assert spark_runs["after_blocked"] == spark_runs["before"]


@pytest.mark.slow
def test_the_spark_run_publishes_the_duckdb_runs_tables(spark_runs, sample_run):
    plain = spark_runs["plain"]
    assert plain.success
    reference = _tables(sample_run.data_dir / "published" / "skm.duckdb")
    on_spark = _tables(spark_runs["dir"] / "published" / "skm.duckdb")
    assert set(on_spark) == set(reference)
    compared = 0
    for table, (cols, rows) in reference.items():
        if table in RUN_STAMP_TABLES or table == "quality_gates":
            continue
        spark_cols, spark_rows = on_spark[table]
        assert spark_cols == cols, table
        assert spark_rows == rows, (table, [r for r in spark_rows if r not in rows][:3],
                                    [r for r in rows if r not in spark_rows][:3])
        compared += len(rows)
    assert compared > 1000
    # the same gates, with the same outcome
    def gates(tables):
        cols, rows = tables["quality_gates"]
        i = {c: cols.index(c) for c in ("asset", "gate", "status")}
        return sorted((r[i["asset"]], r[i["gate"]], r[i["status"]]) for r in rows)
    assert gates(on_spark) == gates(reference)
    # and the column types a BI tool sees are the DuckDB run's
    def types(db: Path):
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                               "WHERE schema_name = 'main' ORDER BY ALL").fetchall()
    assert types(spark_runs["dir"] / "published" / "skm.duckdb") == types(sample_run.data_dir / "published" / "skm.duckdb")


@pytest.mark.slow
def test_the_spark_runs_laporan_and_exports_are_written_from_the_spark_publication(spark_runs):
    d = spark_runs["dir"]
    laporan = {p.name for p in (d / "published" / "laporan" / "2025-S2").glob("*.html")}
    assert "kota.html" in laporan and len(laporan) >= 2
    with duckdb.connect(str(d / "published" / "skm.duckdb"), read_only=True) as con:
        stamp = con.execute("SELECT * FROM _published").fetchone()
    assert stamp is not None


@pytest.mark.slow
def test_every_mart_spark_built_is_the_duckdb_builds(spark_runs, sample_run):
    """Spark's own export of the run (what the mirror read) against the DuckDB build of the same
    lake (the sample run's working warehouse): same keys, same grades, numbers equal at the
    published rounding."""
    import json

    from pipelines.transform.assets import mirrored_tables
    from pipelines.transform.project import ensure_manifest

    marts = sorted(mirrored_tables(json.loads(ensure_manifest().read_text(encoding="utf-8")))["marts"])
    assert {"ikm_opd", "ikm_kota", "ikm_unsur", "ikm_layanan", "quarantine", "reconciliation",
            "rencana_tindak_lanjut", "saran_tema"} <= set(marts)
    export = spark_runs["dir"] / "spark" / "export" / "marts"
    with duckdb.connect(str(sample_run.data_dir / "warehouse" / "skm.duckdb"), read_only=True) as con:
        checked = 0
        for mart in marts:
            cols, duck = _rows(con, f'SELECT * FROM marts."{mart}"')
            assert (export / mart).is_dir(), f"Spark wrote no {mart}"
            select = ", ".join(f'"{c}"' for c in cols)  # the same column order
            spark_cols, spark = _rows(con, f"SELECT {select} FROM read_parquet('{export / mart}/*.parquet')")
            assert spark_cols == cols
            assert spark == duck, (mart, [r for r in spark if r not in duck][:3], [r for r in duck if r not in spark][:3])
            checked += len(duck)
    assert checked > 500


@pytest.mark.slow
def test_spark_keeps_its_metastore_and_warehouse_under_the_data_folder(spark_runs):
    spark = spark_runs["dir"] / "spark"
    assert (spark / "metastore_db").is_dir() and (spark / "warehouse").is_dir()
    assert not Path("metastore_db").exists() and not Path("spark-warehouse").exists()


def test_the_mirror_names_a_missing_table_and_never_mirrors_an_empty_export(tmp_path):
    export = tmp_path / "export"
    (export / "marts" / "ikm_opd").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 'DPMPTSP' AS opd_kode, 82.5::DECIMAL(18,2) AS nilai_ikm) TO "
                    f"'{export / 'marts' / 'ikm_opd' / 'part-0.parquet'}' (FORMAT parquet)")
    warehouse = tmp_path / "skm.duckdb"
    with pytest.raises(MirrorError, match="marts.ikm_kota"):
        mirror_export(export, warehouse, {"marts": {"ikm_opd", "ikm_kota"}})
    assert not warehouse.exists()
    counts = mirror_export(export, warehouse, {"marts": {"ikm_opd"}})
    assert counts == {"marts.ikm_opd": 1}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT opd_kode, nilai_ikm FROM marts.ikm_opd").fetchall()[0][0] == "DPMPTSP"
    shutil.rmtree(export / "marts" / "ikm_opd")
    (export / "marts" / "ikm_opd").mkdir()
    with pytest.raises(MirrorError, match="no Parquet file"):
        mirror_export(export, warehouse, None)
