"""The run guarantees under real operations, shown with real runs (`dagster asset materialize`, the
command `make pipeline` runs): two runs that overlap, a run killed with SIGKILL during ingest,
dbt and publish, a run that waits for another. See README "Reliability"."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.run_lock import hold_run_lock, read_holder, remove_leftovers
from pipelines.settings import Paths
from pipelines.transform.generation import begin_build, finish_build, interrupted_build, not_built_by
from tests.cli_run import dagster_home, published_tables, start_run
from tests.conftest import make_data_dir

BAD_LABEL = "Lumayan ribet"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _land_bad_file(data_dir: Path, rows: int = 100, bad_share: float = 0.4) -> Path:
    """A DPMPTSP 2025-S2 export whose prosedur answer is a label nobody knows in 40 % of rows."""
    folder = data_dir / "raw" / "dpmptsp_web" / "2025-S2"
    original = next(p for p in sorted(folder.iterdir()) if p.suffix == ".csv")
    with original.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        template = [r for r in reader if r]
    prosedur = next(i for i, h in enumerate(header) if "kemudahan prosedur" in h.lower())
    saran = header.index("Saran dan Masukan")
    target = folder / "susulan.csv"
    with target.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(rows):
            row = list(template[i % len(template)])
            row[saran] = f"kiriman susulan nomor urut {i}"
            if i < rows * bad_share:
                row[prosedur] = BAD_LABEL
            w.writerow(row)
    return target


def _published(data_dir: Path) -> Path:
    return data_dir / "published" / "skm.duckdb"


def _query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_overlapping_runs_publish_only_data_that_passed_its_gates(tmp_path: Path):
    data_dir = make_data_dir(tmp_path / "data", rows=60)
    home = dagster_home(tmp_path)
    a = start_run(data_dir, home, "a", pause_at="dbt")
    a.wait_for("paused")  # A has ingested the good files and its dbt build is running
    _land_bad_file(data_dir)
    b = start_run(data_dir, home, "b")
    b.wait_for("Waiting for run")  # B does not interleave: it waits for A, and says so
    assert not _published(data_dir).exists()
    a.release()
    assert a.finish() == 0, a.text()[-4000:]
    after_a = _sha(_published(data_dir))
    # A published only what A ingested and audited: no row of the bad file, every gate passed
    assert _query(_published(data_dir), f"SELECT count(*) FROM quarantine WHERE raw_value = '{BAD_LABEL}'") == [(0,)]
    assert _query(_published(data_dir), "SELECT count(*) FROM ingest_files WHERE file_name LIKE '%susulan%'") == [(0,)]
    gates = _query(_published(data_dir), "SELECT gate, status FROM quality_gates WHERE blocking")
    assert gates and all(status == "passed" for _, status in gates), gates
    a_run = _query(_published(data_dir), "SELECT run_id FROM _published")[0][0]

    rc_b = b.finish()
    assert rc_b != 0, "B saw 40 % bad rows in DPMPTSP 2025-S2 and must fail its quarantine gate"
    assert "quarantine_rate_under_threshold" in b.text()
    # B published nothing: the file's bytes are A's, and so is quality_gates
    assert _sha(_published(data_dir)) == after_a
    assert _query(_published(data_dir), "SELECT run_id FROM _published")[0][0] == a_run
    # B did see the bad file (its working warehouse holds it), which is why it was blocked
    wh = data_dir / "warehouse" / "skm.duckdb"
    assert _query(wh, f"SELECT count(*) FROM marts.quarantine WHERE raw_value = '{BAD_LABEL}'") == [(40,)]


@pytest.mark.slow
def test_kill_9_during_ingest_dbt_and_publish_then_a_plain_run_recovers(tmp_path: Path):
    estate = make_data_dir(tmp_path / "estate", rows=40)
    clean_dir, crash_dir = tmp_path / "clean", tmp_path / "crash"
    shutil.copytree(estate, clean_dir)
    shutil.copytree(estate, crash_dir)
    clean_home, crash_home = dagster_home(tmp_path / "clean_home"), dagster_home(tmp_path / "crash_home")

    # The clean run has its own data folder and Dagster instance: it runs alongside the first kill
    # and is waited for only where its tables are first compared.
    clean = start_run(clean_dir, clean_home, "clean")
    expected = None

    try:
        for point in ("ingest", "dbt", "publish"):
            before = _sha(_published(crash_dir)) if _published(crash_dir).exists() else None
            doomed = start_run(crash_dir, crash_home, f"killed-{point}", pause_at=point)
            doomed.wait_for("paused")
            doomed.kill()
            if point == "publish":
                # the new file was complete but not swapped in: the published file is the old one
                assert (crash_dir / "published" / "skm.duckdb.new").exists()
            assert (_sha(_published(crash_dir)) if _published(crash_dir).exists() else None) == before
            holder = read_holder(Paths(crash_dir))
            assert holder and not holder["released"]  # the killed run never let go: the kernel did

            nxt = start_run(crash_dir, crash_home, f"after-{point}")
            assert nxt.finish() == 0, f"after a kill during {point}:\n{nxt.text()[-4000:]}"
            assert "marked failed" in nxt.text(), nxt.text()[-3000:]
            assert not (crash_dir / "published" / "skm.duckdb.new").exists()
            assert not list((crash_dir / "warehouse" / "raw").rglob("*.tmp"))
            if expected is None:
                assert clean.finish() == 0, clean.text()[-4000:]
                expected = published_tables(_published(clean_dir))
            assert published_tables(_published(crash_dir)) == expected, f"after a kill during {point}"
    finally:
        if clean.proc.poll() is None:  # a failed assertion leaves no run behind
            clean.kill()


def test_a_waiting_run_names_the_run_it_waits_for_and_stops_on_ctrl_c(tmp_path: Path):
    data_dir = make_data_dir(tmp_path / "data", rows=20)
    logs: list[str] = []
    with hold_run_lock(Paths(data_dir), "f00dcafe-held-by-the-test", logs.append):
        # Both runs start at once (a CLI start-up is most of the time here), each with its own
        # Dagster instance; both wait for the test's lock, one is stopped with each signal.
        waiting = {sig: start_run(data_dir, dagster_home(tmp_path / sig.name), f"waiting-{sig.name}")
                   for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for sig, run in waiting.items():
                run.wait_for("Waiting for run f00dcafe")
                assert not (data_dir / "warehouse" / "raw").exists()  # it waits before ingest
                os.killpg(run.proc.pid, sig)
                rc = run.finish(timeout=120)
                assert rc != 0
                assert "stopped while waiting for run f00dcafe" in run.text(), run.text()[-3000:]
                assert not (data_dir / "warehouse" / "raw").exists()
        finally:
            for run in waiting.values():  # a failed assertion leaves no run behind
                if run.proc.poll() is None:
                    run.kill()


# --- the parts, without Dagster ----------------------------------------------------------------
def test_the_lock_admits_one_holder_and_the_next_sees_a_crashed_one(tmp_path: Path):
    p = Paths(tmp_path)
    order: list[str] = []
    with hold_run_lock(p, "run-1", lambda m: None):
        def second() -> None:
            with hold_run_lock(p, "run-2", order.append, poll_seconds=0.05):
                order.append("run-2 holds")
        t = threading.Thread(target=second)
        t.start()
        # until run-2 has tried the lock and said it waits (a busy machine may take a while)
        deadline = time.monotonic() + 60
        while not order and time.monotonic() < deadline:
            time.sleep(0.05)
        assert order and order[0].startswith("Waiting for run run-1")
        assert "run-2 holds" not in order
        order.append("run-1 ends")
    t.join(10)
    assert order[-2:] == ["run-1 ends", "run-2 holds"]
    assert read_holder(p)["released"] is True

    # a holder that died: its record says not released; leftovers of its publish are removed
    (tmp_path / "published").mkdir()
    new = tmp_path / "published" / "skm.duckdb.new"
    new.write_text("half")
    new.with_name("skm.duckdb.new.wal").write_text("half")
    part = tmp_path / "warehouse" / "raw" / "responses" / "x" / "abc.parquet.tmp"
    part.parent.mkdir(parents=True)
    part.write_text("half")
    holder = tmp_path / "warehouse" / "run.lock.json"
    holder.write_text(json.dumps({"run_id": "dead-run", "pid": 1, "host": "h", "since": "t", "released": False}))
    with hold_run_lock(p, "run-3", lambda m: None) as found:
        assert found["crashed"] and found["previous"]["run_id"] == "dead-run"
        assert sorted(f.name for f in found["recovered"]) == ["abc.parquet.tmp", "skm.duckdb.new", "skm.duckdb.new.wal"]
    assert remove_leftovers(p) == []


def test_the_generation_stamp_says_who_built_the_warehouse(tmp_path: Path):
    p = Paths(tmp_path)
    assert "no generation stamp" in not_built_by(p, "r1")
    begin_build(p, "r1", "all")
    assert interrupted_build(p)["run_id"] == "r1"
    assert not_built_by(p, "r1") == "this run's dbt build did not finish"
    finish_build(p, "r1")
    assert interrupted_build(p) is None and not_built_by(p, "r1") is None
    begin_build(p, "r2", "2025-S2")
    finish_build(p, "r2")
    assert "last built by run r2" in not_built_by(p, "r1")
