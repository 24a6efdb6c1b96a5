"""A dashboard keeps its connection open while the pipeline publishes.

DuckDB allows one writer or many readers per file. The publish step never opens the published
file for writing: it builds a new file beside it and swaps it in with os.replace, so a BI tool
that holds the old file open keeps answering queries during the run (from the old data) and sees
the new data when it reconnects."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from tests.conftest import make_data_dir
from tests.pipeline_run import run_pipeline

QUERY = "SELECT count(*), count(DISTINCT periode), sum(jumlah_responden) FROM ikm_opd"


@pytest.mark.slow
def test_a_reader_holding_the_published_file_open_keeps_working_through_a_publish(tmp_path, use_data_dir):
    use_data_dir(make_data_dir(tmp_path / "estate", rows=40))
    assert run_pipeline(partitions=("2025-01", "2025-01")).success  # first semester only
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
        result = run_pipeline(partitions=("2025-01", "2025-07"))  # adds the second semester and publishes
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
