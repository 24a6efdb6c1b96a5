"""A dashboard keeps its connection open while the pipeline publishes.

DuckDB allows one writer or many readers per file. The publish step never opens the published
file for writing: it builds a new file beside it and swaps it in with os.replace, so a BI tool
that holds the old file open keeps answering queries during the run (from the old data) and sees
the new data once it has closed every connection to the file (DuckDB shares one instance per file
among a process's open connections: a reconnect beside a still-open connection sees the old file)."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from tests.conftest import copy_estate, make_data_dir
from pipelines.context import SkmContext
from tests.pipeline_run import run_pipeline

QUERY = "SELECT count(*), count(DISTINCT periode), sum(jumlah_responden) FROM ikm_opd"


@pytest.mark.slow
def test_a_reader_holding_the_published_file_open_keeps_working_through_a_publish(tmp_path):
    skm = SkmContext(data_dir=str(make_data_dir(tmp_path / "estate", rows=40)))
    assert run_pipeline(partitions=("2025-01", "2025-01"), skm=skm).success  # first semester only
    published = tmp_path / "estate" / "published" / "skm.duckdb"

    reader = duckdb.connect(str(published), read_only=True)
    before = reader.execute(QUERY).fetchall()[0]
    assert before[1] == 1

    answers: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def dashboard() -> None:
        cursor = reader.cursor()  # a connection per thread, as a BI tool's pool would have
        while not stop.is_set():
            try:
                answers.append(cursor.execute(QUERY).fetchall()[0])
            except BaseException as exc:  # noqa: BLE001 - any error is the failure we look for
                errors.append(exc)
            time.sleep(0.05)

    thread = threading.Thread(target=dashboard, daemon=True)
    thread.start()
    try:
        result = run_pipeline(partitions=("2025-01", "2025-07"), skm=skm)  # adds the second semester and publishes
    finally:
        stop.set()
        thread.join(timeout=30)
    assert result.success
    published_events = [e for e in result.get_asset_materialization_events()
                        if e.asset_key.to_user_string() == "published_warehouse"]
    assert published_events, "the run did not publish"

    assert errors == []
    assert len(answers) > 20, "the dashboard was not querying during the run"
    assert set(answers) == {before}, "the open connection must keep seeing the file it opened"
    assert reader.execute(QUERY).fetchall()[0] == before
    reader.close()

    reconnected = duckdb.connect(str(published), read_only=True)
    try:
        after = reconnected.execute(QUERY).fetchall()[0]
        periodes = [r[0] for r in reconnected.execute("SELECT DISTINCT periode FROM ikm_opd ORDER BY 1").fetchall()]
    finally:
        reconnected.close()
    assert periodes == ["2025-S1", "2025-S2"]
    assert after[0] > before[0] and after[2] > before[2]


@pytest.mark.slow
def test_a_semester_publish_equals_a_full_publish(tmp_path, sample_run):
    """A semester run replaces its semesters' rows in a copy of the published file. The result
    must be the file a full copy of the warehouse gives, and stay readable by DuckDB 1.4."""
    from pipelines.publish.snapshot import publish_snapshot
    from pipelines.context import SkmContext
    from pipelines.transform.manifest import mart_asset_keys
    from tests.bi_clients import duckdb_client, read_with

    # the session's run on a new warehouse (every semester, a full copy), in a copy of its folder
    assert sample_run.success
    data_dir = copy_estate(sample_run.data_dir, tmp_path / "estate")
    published = data_dir / "published" / "skm.duckdb"
    responden = "SELECT periode, sum(jumlah_responden) FROM ikm_opd GROUP BY periode ORDER BY periode"
    before = dict(_rows(published, responden))

    # an OPD re-exports 2025-S2 with ten rows fewer
    skm = SkmContext(data_dir=str(data_dir))
    csv = next(f for s in skm.registry.sources
               for f in sorted((s.landing_dir(data_dir) / "2025-S2").glob("*.csv")))
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines[:-10]), encoding="utf-8")
    result = run_pipeline(partitions=("2025-07", "2025-07"), skm=skm)
    assert result.success
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key.to_user_string() == "published_warehouse"]
    assert event.materialization.metadata["semesters_replaced"].value == "2025-S2"

    full = tmp_path / "full.duckdb"
    publish_snapshot(skm.paths.warehouse, full, [k.path[-1] for k in mart_asset_keys()])
    compared = 0
    for table in _rows(full, "SELECT table_name FROM information_schema.tables WHERE table_name <> '_published'"):
        table = table[0]
        query = f'SELECT * FROM "{table}" ORDER BY ALL'
        assert _rows(published, query) == _rows(full, query), table
        compared += 1
    assert compared >= 17
    after = dict(_rows(published, responden))
    assert after["2025-S1"] == before["2025-S1"] and after["2025-S2"] < before["2025-S2"], (before, after)
    assert read_with(duckdb_client("1.4.5"), published)["tables"]["ikm_opd"] > 0


def _rows(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_semester_publish_copies_whole_what_changed_shape_and_drops_what_left(tmp_path):
    """The fallbacks of a semester publish, on a warehouse made by hand: a table whose columns
    changed is copied whole, a whole table is copied whole, a table no longer published goes."""
    from pipelines.publish.snapshot import publish_snapshot

    wh, pub = tmp_path / "wh.duckdb", tmp_path / "pub.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.saran AS SELECT * FROM (VALUES ('2025-S1', 'a'), ('2025-S2', 'b')) t(periode, saran)")
        con.execute("CREATE TABLE marts.reconciliation AS SELECT 1 AS files")
        con.execute("CREATE TABLE marts.lama AS SELECT 1 AS x")
    publish_snapshot(wh, pub, ["saran", "reconciliation", "lama"])

    with duckdb.connect(str(wh)) as con:
        con.execute("UPDATE marts.saran SET saran = 'b2' WHERE periode = '2025-S2'")
        con.execute("UPDATE marts.saran SET saran = 'not this run' WHERE periode = '2025-S1'")
        con.execute("UPDATE marts.reconciliation SET files = 2")
    counts = publish_snapshot(wh, pub, ["saran", "reconciliation"], periodes=["2025-S2"],
                              periode_keys={"saran": "periode"})
    assert counts == {"saran": 2, "reconciliation": 1}
    # only 2025-S2 was replaced: the S1 change was not this run's (a semester run leaves S1 as built)
    assert _rows(pub, "SELECT * FROM saran ORDER BY ALL") == [("2025-S1", "a"), ("2025-S2", "b2")]
    assert _rows(pub, "SELECT files FROM reconciliation") == [(2,)]
    assert _rows(pub, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'lama'") == [(0,)]

    with duckdb.connect(str(wh)) as con:
        con.execute("ALTER TABLE marts.saran ADD COLUMN opd_kode VARCHAR DEFAULT 'RSUD'")
    publish_snapshot(wh, pub, ["saran", "reconciliation"], periodes=["2025-S2"], periode_keys={"saran": "periode"})
    assert _rows(pub, "SELECT * FROM saran ORDER BY ALL") == [("2025-S1", "not this run", "RSUD"),
                                                              ("2025-S2", "b2", "RSUD")]


def test_after_a_publish_a_reader_sees_the_new_file_once_it_closed_every_connection(tmp_path):
    """Both sides of "they see the new semester when they reconnect". DuckDB keeps one database
    instance per file and process while any connection to it is open, and a new connection to
    the same path joins that instance: a process that reconnects while it still holds another
    connection (a pool) keeps reading the replaced file. Closing every connection, or a new
    process, reads the new one; so does a fresh in-memory database that ATTACHes the file."""
    from pipelines.publish.snapshot import publish_snapshot

    wh, pub = tmp_path / "wh.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.ikm_opd AS SELECT '2025-S1' AS periode")
    publish_snapshot(wh, pub, ["ikm_opd"])
    count = "SELECT count(*) FROM ikm_opd"

    pooled = duckdb.connect(str(pub), read_only=True)  # a pool's idle connection, never closed
    reader = duckdb.connect(str(pub), read_only=True)
    assert pooled.execute(count).fetchone() == reader.execute(count).fetchone() == (1,)

    with duckdb.connect(str(wh)) as con:
        con.execute("INSERT INTO marts.ikm_opd VALUES ('2025-S2')")
    publish_snapshot(wh, pub, ["ikm_opd"])

    # the limit: closing one connection and reconnecting, while another stays open, is not enough
    reader.close()
    reader = duckdb.connect(str(pub), read_only=True)
    assert reader.execute(count).fetchone() == (1,), "joined the open instance of the old file"
    assert pooled.execute(count).fetchone() == (1,)
    # an in-memory database with the file attached is its own instance: it opens the new file
    attached = duckdb.connect()
    attached.execute("ATTACH ? AS pub (READ_ONLY)", [str(pub)])
    assert attached.execute("SELECT count(*) FROM pub.ikm_opd").fetchone() == (2,)
    attached.close()

    # every connection closed: the next one opens the new file
    reader.close()
    pooled.close()
    reader = duckdb.connect(str(pub), read_only=True)
    try:
        assert reader.execute(count).fetchone() == (2,)
    finally:
        reader.close()
