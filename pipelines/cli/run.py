"""`skm run`: the pipeline through Dagster's own command line (`dagster asset materialize`), as an
operator or the Makefile starts it, with the whole log in ``$DAGSTER_HOME/last_run.log`` and, when
the run does not publish, the reason in the terminal (pipelines/quality/explain.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.alerts import notify_cli_run
from pipelines.context import SkmContext
from pipelines.partitions import landed_partition_range
from pipelines.periode import Periode
from pipelines.registry import RegistryError
from pipelines.settings import REPO_ROOT


def dagster_home() -> Path:
    """$DAGSTER_HOME (the Makefile sets it to .dagster_home), with the project's instance config."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pipelines" / "instance" / "dagster.yaml", home / "dagster.yaml")
    return home


def partition_range(periode: str | None) -> str:
    """Dagster's --partition-range: one semester, or every semester with a landed file."""
    if periode:
        key = Periode.parse(periode).partition_key
        return f"{key}...{key}"
    skm = SkmContext.from_env()
    p = skm.paths
    found = landed_partition_range(p.data_dir, [s.landing_dir(p.data_dir) for s in skm.registry.sources])
    if found is None:
        raise SystemExit(f"No landed file under any source's landing folder in {p.data_dir}: land an export in "
                         "<landing>/<YYYY-S1|YYYY-S2>/ first.")
    return f"{found[0]}...{found[1]}"


def run_pipeline(periode: str | None = None) -> int:
    try:
        rng = partition_range(periode)
    except RegistryError as exc:
        print(f"The source registry has errors; nothing was run:\n{exc}", file=sys.stderr)
        return 2
    home = dagster_home()
    log = home / "last_run.log"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "DAGSTER_HOME": str(home), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    shown = os.path.relpath(log) if log.is_relative_to(Path.cwd()) else log
    print(f"Running the pipeline through Dagster for {rng} (log: {shown}) ...", flush=True)
    started = dt.datetime.now(dt.UTC)
    with log.open("wb") as out:
        rc = subprocess.run([str(bin_dir / "dagster"), "asset", "materialize", "-m", "pipelines.definitions",
                             "--select", "*", "--partition-range", rng],
                            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    for line in notify_cli_run(home, started, log):  # the alert (pipelines/alerts.py): no daemon sees this run
        print(line)
    if rc == 0:
        print("Pipeline run succeeded.")
        return 0
    for line in explain(home, started):
        print(line)
    print(f"The full log: {log} (and the run in the Dagster UI: `make dev`).")
    return 1


def explain(home: Path, started: dt.datetime) -> list[str]:
    """Why the run that started after `started` did not publish."""
    os.environ["DAGSTER_HOME"] = str(home)
    from dagster import DagsterInstance

    from pipelines.quality.explain import why_run_stopped

    with DagsterInstance.get() as instance:
        records = instance.get_run_records(limit=1)
        created = records[0].create_timestamp if records else None
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        if created is None or created < started - dt.timedelta(seconds=5):
            tail = (home / "last_run.log").read_text(errors="replace").splitlines()[-15:]
            return ["The run did not start; the end of its log:", *("    " + t for t in tail)]
        return why_run_stopped(instance, records[0].dagster_run.run_id, SkmContext.from_env().paths.lake)
