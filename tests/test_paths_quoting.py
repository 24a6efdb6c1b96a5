"""A data folder is any folder: quotes, spaces and non-ASCII letters in its path (or in a name)
must not reach SQL as SQL. Every value pasted into SQL text goes through pipelines/sql.py (Python)
or macros/quoting.sql (dbt); paths are bound parameters where DuckDB accepts them."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.sql import ident, literal
from tests.conftest import make_data_dir
from pipelines.context import SkmContext
from tests.pipeline_run import run_pipeline

NASTY = [
    "Kota's Bontang",
    "''",
    "'",
    "'; DROP TABLE x; --",
    "back\\slash\\",
    "\\'",
    'double "quoted"',
    "/* not a comment */ -- nor this",
    "? $1 :name %s {0} {{x}}",
    "tab\tnew\nline\r",
    "– é ñ 漢字 🙂",
    "",
    " leading and trailing ",
]


@pytest.mark.parametrize("text", NASTY)
def test_literal_round_trips_through_duckdb(text):
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT {literal(text)}").fetchall() == [(text,)]
        assert con.execute(f"SELECT {literal(text)} = ?", [text]).fetchall() == [(True,)]
    finally:
        con.close()


@pytest.mark.parametrize("name", [n for n in NASTY if n])
def test_ident_names_a_table_and_a_column(name):
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE {ident(name)} ({ident(name)} VARCHAR)")
        con.execute(f"INSERT INTO {ident(name)} VALUES (?)", [name])
        assert con.execute(f"SELECT {ident(name)} FROM {ident(name)}").fetchall() == [(name,)]
        assert con.execute("SELECT column_name FROM information_schema.columns").fetchall() == [(name,)]
    finally:
        con.close()


def test_literal_of_none_and_paths():
    from pathlib import Path

    assert literal(None) == "NULL"
    assert literal(Path("/a/b'c")) == "'/a/b''c'"
    assert literal(7) == "'7'"
    with pytest.raises(ValueError):
        literal("nul\x00byte")
    with pytest.raises(ValueError):
        ident("nul\x00byte")


def test_publish_snapshot_in_a_folder_with_a_quote(tmp_path):
    """The reported failure ('unterminated string literal' on ATTACH), without a pipeline run."""
    from pipelines.publish.snapshot import publish_snapshot

    folder = tmp_path / "data Kota's Bontang – é"
    folder.mkdir()
    wh, pub = folder / "wh'.duckdb", folder / "pub lished'.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.saran AS SELECT * FROM (VALUES ('2025-S1', 'a'), ('2025-S2', 'b')) t(periode, saran)")
    assert publish_snapshot(wh, pub, ["saran"]) == {"saran": 2}
    assert publish_snapshot(wh, pub, ["saran"], periodes=["2025-S2"], periode_keys={"saran": "periode"}) == {"saran": 2}
    with duckdb.connect(str(pub), read_only=True) as con:
        assert con.execute("SELECT * FROM saran ORDER BY ALL").fetchall() == [("2025-S1", "a"), ("2025-S2", "b")]


@pytest.mark.slow
def test_the_whole_pipeline_runs_in_a_data_folder_with_a_quote_a_space_and_accents(tmp_path):
    """ingest (CSV, JSON, Excel readers, the Parquet lake), dbt (profile, sources' external
    locations), the gates, the publish snapshot and the exports, all under one awkward folder."""
    data_dir = make_data_dir(tmp_path / "data Kota's Bontang – é", rows=40)
    result = run_pipeline(skm=SkmContext(data_dir=str(data_dir)))
    assert result.success
    published = data_dir / "published" / "skm.duckdb"
    assert published.is_file()
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM ikm_opd").fetchone()[0] > 0
        assert con.execute("SELECT list(DISTINCT periode ORDER BY periode) FROM ikm_kota").fetchone()[0] == [
            "2025-S1", "2025-S2"]
        files, unbalanced = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT is_balanced) FROM reconciliation "
            "WHERE file_status = 'loaded'").fetchone()
        assert files > 0 and unbalanced == 0
        assert con.execute("SELECT count(*) FROM ingest_files WHERE status = 'error'").fetchone()[0] == 0
        formats = {r[0].rsplit(".", 1)[-1] for r in con.execute("SELECT file_name FROM ingest_files").fetchall()}
        assert {"csv", "json", "xlsx"} <= formats, formats
    finally:
        con.close()
    exports = data_dir / "published" / "exports" / "2025-S1"
    assert (exports / "ikm_opd.parquet").is_file()
    with duckdb.connect() as con:
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(exports / "ikm_opd.parquet")]).fetchone()[0] > 0
