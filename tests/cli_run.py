"""Real runs as an operator starts them: `dagster asset materialize` in its own process group,
with its own Dagster instance (DAGSTER_HOME) and data folder, so that a test can run two at once,
wait for one to reach a pause point (pipelines/faults.py), and kill one with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.partitions import landed_partition_range
from pipelines.registry import load_registry
from pipelines.settings import REPO_ROOT

BIN = Path(sys.executable).parent


@dataclass
class CliRun:
    proc: subprocess.Popen
    log: Path
    pause_file: Path | None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def wait_for(self, what: str, timeout: float = 900) -> None:
        """Until the log shows `what` (or, for 'paused', the run reached its pause point)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if what == "paused" and self.pause_file and self.pause_file.with_name(self.pause_file.name + ".paused").exists():
                return
            if what != "paused" and what in self.text():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"run ended (rc {self.proc.returncode}) before {what!r}:\n{self.text()[-4000:]}")
            time.sleep(0.2)
        raise AssertionError(f"no {what!r} within {timeout} s:\n{self.text()[-4000:]}")

    def release(self) -> None:
        assert self.pause_file is not None
        self.pause_file.with_name(self.pause_file.name + ".release").write_text("go")

    def kill(self) -> None:
        """kill -9 of the run's whole process group (the CLI and the dbt it started)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)

    def finish(self, timeout: float = 1200) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise AssertionError(f"run did not end within {timeout} s:\n{self.text()[-4000:]}") from None


def dagster_home(root: Path) -> Path:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pipelines" / "instance" / "dagster.yaml", home / "dagster.yaml")
    return home


def start_run(data_dir: Path, home: Path, name: str, pause_at: str | None = None) -> CliRun:
    """`make pipeline`'s command over every landed semester of `data_dir`."""
    first, last = landed_partition_range(data_dir, [s.landing_dir(data_dir) for s in load_registry(data_dir / "sources.yml")])
    env = {**os.environ, "SKM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home), "SKM_LAPORAN_PDF": "0",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("SKM_REGISTRY", None)
    pause_file = None
    if pause_at:
        pause_file = home / f"{name}.pause"
        env.update({"SKM_PAUSE_AT": pause_at, "SKM_PAUSE_FILE": str(pause_file)})
    log = home / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*",
             "--partition-range", f"{first}...{last}"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return CliRun(proc, log, pause_file)


# Columns that differ between two correct runs of the same files: when, and which run.
RUN_SPECIFIC = {"ingested_at", "published_at_utc", "run_id"}


def published_tables(path: Path) -> dict[str, list[tuple]]:
    """Every table of a published file except quality_gates, _published and _published_sources, as sorted rows
    without the run-specific columns."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
            if table in ("quality_gates", "_published", "_published_sources"):  # as of the run's time
                continue
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if c not in RUN_SPECIFIC]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()
