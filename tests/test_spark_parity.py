"""The same dbt project builds the same marts on Apache Spark (dbt-spark, local mode).

One pipeline run on a generated estate builds the DuckDB warehouse and the Parquet lake; then
`dbt build --target spark` builds every model and runs every test on Spark from that same lake,
and writes each mart as Parquet at the end of the build (macros/engine.sql export_marts). Every
mart must hold the same rows on both engines: same keys, same grades, numbers equal at the
published rounding."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_estate
from tests.lake_fixtures import run_dbt

JAVA_HOME_DEFAULT = "/usr/lib/jvm/java-17-openjdk-amd64"


def _java_available() -> bool:
    return bool(shutil.which("java") or Path(os.environ.get("JAVA_HOME", JAVA_HOME_DEFAULT), "bin", "java").exists())


def _value(v):
    """One cell as the published rounding sees it."""
    if isinstance(v, Decimal):
        return round(float(v), 4)
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, dt.datetime):
        return (v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo else v).isoformat()
    return v


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    rel = con.execute(sql)
    cols = [d[0] for d in rel.description]
    rows = [tuple(_value(v) for v in r) for r in rel.fetchall()]
    return cols, sorted(rows, key=repr)


@pytest.fixture(scope="module")
def both(sample_run, tmp_path_factory: pytest.TempPathFactory):
    """The session's pipeline run on the 60-rows estate (tests/conftest.py), in a copy of its
    folder, then the Spark build of the same lake there."""
    if not _java_available():
        pytest.fail("Java is needed for Spark (Debian: openjdk-17-jre-headless)")
    assert sample_run.success
    mp = pytest.MonkeyPatch()
    data_dir = copy_estate(sample_run.data_dir, tmp_path_factory.mktemp("spark_estate") / "data")
    mp.setenv("SKM_DATA_DIR", str(data_dir))
    mp.setenv("JAVA_HOME", os.environ.get("JAVA_HOME", JAVA_HOME_DEFAULT))
    try:
        started = time.perf_counter()
        proc = run_dbt(data_dir, "--target", "spark", vars={"spark_export_dir": str(data_dir / "spark" / "export")})
        seconds = time.perf_counter() - started
        assert proc.returncode == 0, proc.stdout[-4000:]
        (data_dir / "spark" / "build_seconds.json").write_text(json.dumps({"spark_build_seconds": seconds}))
        yield data_dir
    finally:
        mp.undo()


def _marts(data_dir: Path) -> list[str]:
    manifest = json.loads((data_dir / "dbt" / "target" / "manifest.json").read_text())
    return sorted(n["alias"] for n in manifest["nodes"].values()
                  if n["resource_type"] == "model" and n["config"].get("schema") == "marts")


@pytest.mark.slow
def test_every_mart_is_the_same_on_spark_and_duckdb(both):
    data_dir = both
    marts = _marts(data_dir)
    assert {"ikm_opd", "ikm_kota", "ikm_unsur", "ikm_layanan", "quarantine", "reconciliation"} <= set(marts)
    con = duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        checked = 0
        for mart in marts:
            cols, duck = _rows(con, f'SELECT * FROM marts."{mart}"')
            spark_dir = data_dir / "spark" / "export" / mart
            assert spark_dir.is_dir(), f"Spark wrote no {mart}"
            select = ", ".join(f'"{c}"' for c in cols)  # the same column order
            spark_cols, spark = _rows(con, f"SELECT {select} FROM read_parquet('{spark_dir}/*.parquet')")
            assert spark_cols == cols
            assert len(spark) == len(duck), (mart, len(spark), len(duck))
            assert spark == duck, (mart, [r for r in spark if r not in duck][:3], [r for r in duck if r not in spark][:3])
            checked += len(duck)
    finally:
        con.close()
    assert checked > 500  # rows compared over all marts of the 60-rows-per-source estate


@pytest.mark.slow
def test_spark_keeps_its_metastore_and_warehouse_under_the_data_folder(both):
    data_dir = both
    spark = data_dir / "spark"
    assert (spark / "metastore_db").is_dir() and (spark / "warehouse").is_dir()
    assert not Path("metastore_db").exists() and not Path("spark-warehouse").exists()


def test_personal_data_is_masked_the_same_on_spark_and_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The masking macros compiled for each engine from the one list of patterns (vars.pii_patterns),
    run over the PII corpus of tests/test_pii_corpus.py: Java's regex (replacement $1) gives what
    RE2 gives (\\1), text for text."""
    if not _java_available():
        pytest.fail("Java is needed for Spark (Debian: openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    from tests.test_pii_corpus import CLEAN, CORPUS

    monkeypatch.setenv("JAVA_HOME", os.environ.get("JAVA_HOME", JAVA_HOME_DEFAULT))
    (tmp_path / "warehouse").mkdir()
    inline = "select t, {{ mask_personal_text('t') }} as saran, {{ mask_personal_data('t') }} as raw_value from corpus"
    compiled = {}
    for target in ("duckdb", "spark"):
        proc = run_dbt(tmp_path, "--quiet", "--target", target, "--inline", inline, command="compile")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        compiled[target] = proc.stdout[proc.stdout.index("select t,"):]
    texts = [t for t, _ in CORPUS] + CLEAN + ["0812 3456 7890 0813 1111 2222", "x\n0812-3456-7890\n"]
    con = duckdb.connect()
    con.execute("CREATE TABLE corpus (t VARCHAR)")
    con.executemany("INSERT INTO corpus VALUES (?)", [(t,) for t in texts])
    on_duckdb = {t: (s, r) for t, s, r in con.execute(compiled["duckdb"]).fetchall()}
    spark = (SparkSession.builder.master("local[1]").appName("pii-parity")
             .config("spark.sql.parser.escapedStringLiterals", "true")  # as the profile sets it
             .config("spark.ui.enabled", "false")
             .config("spark.sql.warehouse.dir", str(tmp_path / "spark-warehouse")).getOrCreate())
    try:
        spark.createDataFrame([(t,) for t in texts], "t string").createOrReplaceTempView("corpus")
        on_spark = {r[0]: (r[1], r[2]) for r in spark.sql(compiled["spark"]).collect()}
    finally:
        spark.stop()
    assert [(t, on_duckdb[t], on_spark[t]) for t in texts if on_duckdb[t] != on_spark[t]] == []
    assert sum("disamarkan]" in s for s, _ in on_spark.values()) == len(CORPUS) + 2
