"""One run at a time for everything that writes the lake, the warehouse or the published file.

Why a file lock and not a Dagster concurrency pool: a pool limits one *step* at a time, so two
runs' steps interleave (run A published what run B's dbt had just built, after B had failed its
gate), and a run killed with ``kill -9`` keeps its slot, blocking every later run until someone
deletes the run by hand. An exclusive ``flock`` on ``<data>/warehouse/run.lock``, taken when a run
starts and held until it ends, serialises whole runs from the UI, the schedules, the sensor and
the CLI alike, and the kernel releases it when the holding process dies, however it dies.

The lock is a Dagster resource (``RunLock``) that every asset and check requires, so it is taken
once when the run's resources are built (one process: the in-process executor) and released when
the run ends. A run that has to wait says which run it waits for, repeats it every minute, and
stops on Ctrl-C or SIGTERM. The run that takes the lock after a crash cleans up after it: it
marks the dead run failed in Dagster, removes the leftovers of an interrupted publish and of
interrupted Parquet writes (the working warehouse itself is DuckDB's: its WAL is replayed on open,
and the dbt step rebuilds every semester after an interrupted build, see transform/generation.py).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import (ConfigurableResource, DagsterExecutionInterruptedError, DagsterInstance, DagsterRunStatus,
                     InitResourceContext)

from pipelines.context import SkmContext
from pipelines.settings import Paths
from pipelines.state_file import read_state, write_state

_UNFINISHED = (DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.CANCELING)


class RunLockInterrupted(Exception):
    """Ctrl-C or SIGTERM while waiting for another run: this run did nothing."""


def lock_path(p: Paths) -> Path:
    return p.data_dir / "warehouse" / "run.lock"


def _holder_path(p: Paths) -> Path:
    return lock_path(p).with_name("run.lock.json")


def read_holder(p: Paths) -> dict:
    """Who holds (or last held) the lock: run_id, pid, host, since, released."""
    return read_state(_holder_path(p))


def _write_holder(p: Paths, info: dict) -> None:
    write_state(_holder_path(p), info)


def _describe(holder: dict) -> str:
    if not holder:
        return "another run"
    return (f"run {str(holder.get('run_id'))[:8]} (pid {holder.get('pid')} on {holder.get('host')}, "
            f"since {holder.get('since')} UTC)")


def _interrupted() -> bool:
    """Dagster captures SIGINT during a run and only records it; ask it."""
    try:
        from dagster._utils.interrupts import check_captured_interrupt
    except ImportError:  # pragma: no cover - a Dagster without the helper
        return False
    return check_captured_interrupt()


@contextmanager
def _stop_on_sigterm(flag: dict) -> Iterator[None]:
    if not _is_main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: flag.__setitem__("stop", True))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def remove_leftovers(p: Paths) -> list[Path]:
    """Files a killed run leaves half-written: the new published file and its WAL, Parquet
    files being written (``*.tmp``) in the lake. Only ever called while holding the lock."""
    removed = []
    published_tmp = p.published.with_name(p.published.name + ".new")
    candidates = [published_tmp, published_tmp.with_name(published_tmp.name + ".wal")]
    if p.lake.is_dir():
        candidates += list(p.lake.rglob("*.tmp"))
    for path in candidates:
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def _mark_dead_run_failed(instance: DagsterInstance | None, holder: dict, log: Callable[[str], None]) -> None:
    """The previous holder never released the lock (its process died holding it): if Dagster
    still shows that run as running, say it failed, so the UI does not show it running forever."""
    run_id = holder.get("run_id")
    if not instance or not run_id or holder.get("released"):
        return
    run = instance.get_run_by_id(run_id)
    if run is not None and run.status in _UNFINISHED:
        instance.report_run_failed(run, message=f"The run's process (pid {holder.get('pid')}) died without "
                                                 "finishing; the next run recovered the warehouse.")
        log(f"Run {run_id[:8]} had died without finishing (pid {holder.get('pid')}): marked failed.")


@contextmanager
def hold_run_lock(p: Paths, run_id: str, log: Callable[[str], None], instance: DagsterInstance | None = None,
                  poll_seconds: float = 0.5, remind_seconds: float = 60.0,
                  timeout_seconds: float | None = None) -> Iterator[dict]:
    """Hold the data folder's run lock for the duration of the block; wait for it if another run
    holds it. Yields what was found from the previous holder (``recovered`` files, ``crashed``)."""
    path = lock_path(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        reminded = None
        flag = {"stop": False}
        with _stop_on_sigterm(flag):
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    pass
                waited = time.monotonic() - started
                if reminded is None or waited - reminded >= remind_seconds:
                    log(f"Waiting for {_describe(read_holder(p))}, which is writing the warehouse "
                        f"({path}); this run starts when it ends. Ctrl-C stops waiting.")
                    reminded = waited
                if flag["stop"] or _interrupted():
                    raise RunLockInterrupted(f"stopped while waiting for {_describe(read_holder(p))}; nothing was run")
                if timeout_seconds is not None and waited > timeout_seconds:
                    raise RunLockInterrupted(f"gave up after {timeout_seconds:.0f} s waiting for "
                                             f"{_describe(read_holder(p))}; nothing was run")
                try:
                    time.sleep(poll_seconds)
                except (KeyboardInterrupt, DagsterExecutionInterruptedError) as exc:  # Ctrl-C, SIGTERM
                    raise RunLockInterrupted(
                        f"stopped while waiting for {_describe(read_holder(p))}; nothing was run") from exc
        previous = read_holder(p)
        crashed = bool(previous) and not previous.get("released") and previous.get("run_id") != run_id
        if crashed:
            _mark_dead_run_failed(instance, previous, log)
        recovered = remove_leftovers(p)
        for f in recovered:
            log(f"Removed {f}, left behind by an interrupted run.")
        _write_holder(p, {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
                          "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"), "released": False})
        try:
            yield {"crashed": crashed, "recovered": recovered, "previous": previous}
        finally:
            _write_holder(p, {**read_holder(p), "released": True})
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class RunLock(ConfigurableResource):
    """The data folder's run lock, held from the start of a run to its end (see module doc).

    Every asset and check requires it, so a run of any selection (the UI's Materialize button, a
    check re-run, the schedule, the sensor, ``make pipeline``) waits for a running one."""

    skm: SkmContext  # whose data folder
    remind_seconds: float = 60.0
    timeout_seconds: float | None = None  # None: wait until the other run ends, or Ctrl-C

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[RunLock]:
        run_id = context.run_id or "no-run"
        log = context.log.info if context.log else print
        with hold_run_lock(self.skm.paths, run_id, log, instance=context.instance,
                           remind_seconds=self.remind_seconds, timeout_seconds=self.timeout_seconds):
            yield self
