"""The same macros on Apache Spark (dbt-spark, local mode) as on DuckDB: the PII masks, text for
text. Every mart built on both engines is compared in tests/test_spark_pipeline.py, from the
export of the whole pipeline's Spark run; this module keeps the helpers that comparison uses."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

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
