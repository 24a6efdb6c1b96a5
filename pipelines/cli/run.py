"""`skm run`: the pipeline through Dagster's own command line (`dagster asset materialize`), as an
operator or the Makefile starts it, with the whole log in ``$DAGSTER_HOME/last_run.log``, its
progress on the terminal while it runs (pipelines/cli/progress.py), and at the end either what was
published (the city's and each OPD's value with its change, pipelines/cli/summary.py) or, when the
run does not publish, the reason (pipelines/quality/explain.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.alerts import notify_cli_run
from pipelines.cli.progress import LiveDisplay, PlainDisplay, Progress, parse_line, run_id_of
from pipelines.cli.summary import print_published
from pipelines.context import SkmContext
from pipelines.partitions import landed_partition_range
from pipelines.periode import Periode
from pipelines.publish.blocked import report_blocked_publication
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


def run_pipeline(periode: str | None = None, terminal: bool | None = None) -> int:
    """Run the pipeline; show its progress; end with what was published or why not."""
    try:
        rng = partition_range(periode)
    except RegistryError as exc:
        print(f"The source registry has errors; nothing was run:\n{exc}", file=sys.stderr)
        return 2
    terminal = sys.stdout.isatty() if terminal is None else terminal
    home = dagster_home()
    log = home / "last_run.log"
    bin_dir = Path(sys.executable).parent
    # unbuffered: the progress reads each log line as Dagster writes it, not in 8 KiB chunks
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONUNBUFFERED": "1",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    shown = os.path.relpath(log) if log.is_relative_to(Path.cwd()) else log
    print(f"Running the pipeline through Dagster for {rng} (log: {shown}) ...", flush=True)
    started = dt.datetime.now(dt.UTC)
    cmd = [str(bin_dir / "dagster"), "asset", "materialize", "-m", "pipelines.definitions",
           "--select", "*", "--partition-range", rng]
    rc = _run_with_progress(cmd, env, home, log, terminal)
    for line in notify_cli_run(home, started, log):  # the alert (pipelines/alerts.py): no daemon sees this run
        print(line)
    if rc == 0:
        print("Pipeline run succeeded.")
        published = SkmContext.from_env().paths.published
        if published.exists():
            print_published(published, _periodes(rng), print, terminal)
        return 0
    print("\nNOT PUBLISHED. Why:")
    for line in explain(home, started):
        print(line)
    print(f"The full log: {log} (and the run in the Dagster UI: `make dev`).")
    return 1


def _periodes(rng: str) -> list[str]:
    first, last = (Periode.from_partition_key(k) for k in rng.split("..."))
    out = [first]
    while out[-1] < last:
        out.append(out[-1].next)
    return [p.label for p in out]


def _run_with_progress(cmd: list[str], env: dict[str, str], home: Path, log: Path, terminal: bool) -> int:
    """The subprocess, its output teed into `log` and read for step events as it streams."""
    progress = Progress()
    display = LiveDisplay() if terminal else PlainDisplay(lambda text: print(text, flush=True))
    with log.open("wb") as out, display:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        for raw in proc.stdout:
            out.write(raw)
            line = raw.decode("utf-8", errors="replace")
            if progress.total is None and (run_id := run_id_of(line)):
                progress.total = planned_steps(home, run_id)
                if progress.total:
                    display.started(progress.total)
            event = parse_line(line)
            if event is not None:
                display.update(progress, progress.apply(event))
        rc = proc.wait()
        out.flush()
    return rc


def planned_steps(home: Path, run_id: str) -> int | None:
    """How many steps run `run_id` will execute: its execution plan, as Dagster stored it."""
    from dagster import DagsterInstance

    try:
        with DagsterInstance.from_config(str(home)) as instance:
            run = instance.get_run_by_id(run_id)
            if run is None or run.execution_plan_snapshot_id is None:
                return None
            return len(instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id).step_keys_to_execute)
    except Exception:  # noqa: BLE001 - progress without a total is still progress
        return None


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
        run_id = records[0].dagster_run.run_id
        # the catalog shows the published asset blocked (no daemon runs the sensor that does it)
        report_blocked_publication(instance, run_id)
        return why_run_stopped(instance, run_id, SkmContext.from_env().paths.lake)
