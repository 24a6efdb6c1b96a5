"""`make bench`: the whole pipeline against the bare DuckDB limit and a pandas baseline.

    python -m tests.benchmark.run --rows N --out DIR [--json PATH]

One run, on one synthetic estate (tests/benchmark/estate.py) of N responses in DIR/estate:

a. the full pipeline through Dagster (ingest -> dbt build -> checks -> publish) in a subprocess
   with SKM_DATA_DIR=DIR/estate and a fresh DAGSTER_HOME: wall time, time per stage from the
   Dagster event log, responses per second, peak RSS summed over the process tree (dbt included);
b. the bare limit: one hand-written DuckDB statement over the same raw CSV and JSON files, in a
   fresh process: wall time and peak RSS;
c. the pandas baseline, as an analyst would write it in a notebook, in a fresh process;
d. the incremental run: one OPD's file for 2026-S1 (about 1% of N) lands, and the run that brings
   the published file up to date is timed (the semester partition when the job is partitioned,
   a full re-run otherwise);
e. sanity: the published ikm_opd.nilai_ikm equals the bare and pandas results per OPD and
   semester within 0.01.

Plus the project's Excel reader speed on a separate 20 000-row workbook (not pipeline timing).
Prints a table of ratios against the targets of the issue (at 10 M rows) and writes everything to
the JSON file. Exit status 1 when a measurement failed or the sanity comparison did not match
(never because of a timing target).

The same module is also the children it starts: ``--child bare|pandas|pipeline``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.settings import REPO_ROOT, UNSUR_KEYS

GIB = 1024**3
MIB = 1024**2
INCREMENT_SHARE = 0.01
SANITY_TOLERANCE = 0.01
XLSX_ROWS = 20_000
TARGET_ROWS = 10_000_000
STAGES = ("ingest", "dbt", "checks", "publish")


# --------------------------------------------------------------------------------------------
# Peak memory of a process tree, from /proc (psutil is not installed)
# --------------------------------------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields start after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(name))
    return children


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0  # gone, or a zombie (no VmRSS line)


def tree_rss(root: int) -> dict[int, int]:
    """RSS in bytes of `root` and each of its descendants."""
    children = _children_map()
    todo, rss = [root], {}
    while todo:
        pid = todo.pop()
        rss[pid] = _rss_kib(pid) * 1024
        todo.extend(children.get(pid, []))
    return rss


def _label(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [os.path.basename(a.decode(errors="replace")) for a in argv[:4] if a]
    return " ".join(words)[:100]


class TreeRssSampler(threading.Thread):
    """Polls the summed RSS of a process tree every `interval` seconds; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.peak_processes = 0
        self.samples = 0
        self.per_process: dict[int, list] = {}  # pid -> [peak RSS bytes, command]
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss = tree_rss(self.pid)
            total = sum(rss.values())
            if total > self.peak_bytes:
                self.peak_bytes = total
            self.peak_processes = max(self.peak_processes, len(rss))
            for pid, b in rss.items():
                entry = self.per_process.get(pid)
                if entry is None:
                    self.per_process[pid] = [b, _label(pid)]
                elif b > entry[0]:
                    entry[0] = b
            self.samples += 1
            self._stop_event.wait(self.interval)

    def top_processes(self, n: int = 5) -> list[dict]:
        top = sorted(self.per_process.values(), key=lambda e: -e[0])[:n]
        return [{"command": cmd, "peak_rss_mib": round(b / MIB, 1)} for b, cmd in top if b]

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _busy_cpu_seconds() -> float:
    """CPU time all processes on the machine have used since boot (from /proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_measured(cmd: list[str], env: dict[str, str], log: Path, timeout: float | None = None) -> dict:
    """Run `cmd`, polling its process tree's RSS; wall time, peak RSS, exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    busy_before = _busy_cpu_seconds()
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                start_new_session=True)
        sampler = TreeRssSampler(proc.pid)
        sampler.start()
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                # wait4 also reports the largest single process's own peak (ru_maxrss, KiB)
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    os.killpg(proc.pid, 9)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
        except BaseException:
            os.killpg(proc.pid, 9)
            raise
        finally:
            wall = time.perf_counter() - t0
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    own_cpu = usage.ru_utime + usage.ru_stime  # the child and every descendant it waited for
    other_cpu = max(0.0, _busy_cpu_seconds() - busy_before - own_cpu)
    return {
        "cpu_seconds": round(own_cpu, 2),
        # CPU used by everything else on the machine meanwhile, as a share of all CPUs x wall time:
        # above ~0.2 the timing is disturbed by other work
        "other_cpu_share": round(other_cpu / (wall * (os.cpu_count() or 1)), 3),
        "wall_seconds": round(wall, 3),
        "peak_rss_bytes": sampler.peak_bytes,
        "peak_rss_mib": round(sampler.peak_bytes / MIB, 1),
        "max_single_process_rss_bytes": usage.ru_maxrss * 1024,
        "peak_rss_by_process": sampler.top_processes(),
        "peak_processes": sampler.peak_processes,
        "rss_samples": sampler.samples,
        "returncode": proc.returncode,
        "log": str(log),
    }


def _child_env(estate: Path | None = None, dagster_home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("SKM_REGISTRY", None)
    if estate is not None:
        env["SKM_DATA_DIR"] = str(estate)
    if dagster_home is not None:
        env["DAGSTER_HOME"] = str(dagster_home)
    return env


def run_child(kind: str, estate: Path, work: Path, tag: str, extra: list[str] | None = None,
              dagster_home: Path | None = None) -> dict:
    result = work / "results" / f"{tag}.json"
    result.parent.mkdir(parents=True, exist_ok=True)
    result.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "tests.benchmark.run", "--child", kind, "--estate", str(estate),
           "--result", str(result), *(extra or [])]
    measured = run_measured(cmd, _child_env(estate, dagster_home), work / "logs" / f"{tag}.log")
    child = json.loads(result.read_text()) if result.exists() else {}
    if measured["returncode"] != 0 or not child:
        tail = Path(measured["log"]).read_text(errors="replace").splitlines()[-15:]
        measured["error"] = "\n".join(tail) or f"exit status {measured['returncode']}"
    return {**measured, **child}


# --------------------------------------------------------------------------------------------
# b. The bare limit: one DuckDB statement over the raw files
# --------------------------------------------------------------------------------------------

def bare_sql(estate: Path) -> str:
    """The fastest reasonable hand-written statement: read every raw file, score each answer with a
    CASE on its unsur's words (or take the number), NRR per OPD x semester x unsur as avg() (blank
    answers are NULL and drop out of both sum and count), Nilai IKM = 25 x mean of the nine NRR."""
    from pipelines.sample_data.answers import SCALES
    from tests.benchmark.estate import JSON_KEYS, sources

    raw = str(estate / "raw").replace("'", "''")
    src = ", ".join(f"('{s.code}', '{s.opd_kode}')" for s in sources())

    def score(u: str) -> str:
        whens = " ".join(f"WHEN '{w.lower()}' THEN {i + 1}" for i, w in enumerate(SCALES[u]))
        return f"CASE lower(trim({u})) {whens} ELSE TRY_CAST({u} AS TINYINT) END AS {u}"

    json_columns = "{" + ", ".join(
        f"'{JSON_KEYS[f]}': '{'TINYINT' if f in UNSUR_KEYS else 'VARCHAR'}'" for f in ("submitted_at", *UNSUR_KEYS)
    ) + "}"
    json_select = ", ".join(
        [f"timezone('Asia/Makassar', CAST({JSON_KEYS['submitted_at']} AS TIMESTAMPTZ)) AS ts_wita"]
        + [f"{JSON_KEYS[u]} AS {u}" for u in UNSUR_KEYS]
    )
    csv_select = ", ".join(score(u) for u in UNSUR_KEYS)
    nrr = " + ".join(f"avg({u})" for u in UNSUR_KEYS)
    return f"""
WITH src(code, opd_kode) AS (VALUES {src}),
responses AS (
    SELECT filename, try_strptime(submitted_at, ['%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S']) AS ts_wita,
           {csv_select}
    FROM read_csv('{raw}/*/*/*.csv', header = true, all_varchar = true, filename = true)
    UNION ALL
    SELECT filename, {json_select}
    FROM read_json('{raw}/*/*/*.json', format = 'array', columns = {json_columns}, filename = true)
    UNION ALL
    SELECT filename, {json_select}
    FROM read_json('{raw}/*/*/*.ndjson', format = 'newline_delimited', columns = {json_columns}, filename = true)
)
SELECT s.opd_kode,
       CAST(year(r.ts_wita) AS VARCHAR) || CASE WHEN month(r.ts_wita) <= 6 THEN '-S1' ELSE '-S2' END AS periode,
       25 * ({nrr}) / 9 AS nilai_ikm,
       {" + ".join(f"(count({u}) > 0)::INT" for u in UNSUR_KEYS)} AS unsur_count
FROM responses AS r
JOIN src AS s ON s.code = regexp_extract(r.filename, '([^/]+)/[^/]+/[^/]+$', 1)
GROUP BY ALL
ORDER BY 1, 2
"""


def child_bare(estate: Path) -> dict:
    import duckdb

    sql = bare_sql(estate)
    t0 = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - t0
    con.close()
    return {"seconds": round(seconds, 3), "sql": sql,
            "result": [{"opd_kode": o, "periode": p, "nilai_ikm": v, "unsur": u} for o, p, v, u in rows]}


# --------------------------------------------------------------------------------------------
# c. The pandas baseline, notebook style
# --------------------------------------------------------------------------------------------

def child_pandas(estate: Path) -> dict:
    import numpy as np
    import pandas as pd

    from pipelines.sample_data.answers import SCALES
    from tests.benchmark.estate import JSON_KEYS, sources

    t0 = time.perf_counter()
    opd_of = {s.code: s.opd_kode for s in sources()}
    json_rename = {v: k for k, v in JSON_KEYS.items()}
    frames = []
    for path in sorted((estate / "raw").glob("*/*/*")):
        if path.suffix == ".csv":
            df = pd.read_csv(path)
            fmt = "%d/%m/%Y %H:%M:%S" if "/" in str(df["submitted_at"].iloc[0]) else "%Y-%m-%d %H:%M:%S"
            df["waktu_wita"] = pd.to_datetime(df["submitted_at"], format=fmt)
        else:
            df = pd.read_json(path, lines=path.suffix == ".ndjson").rename(columns=json_rename)
            df["waktu_wita"] = (pd.to_datetime(df["submitted_at"], utc=True)
                                .dt.tz_convert("Asia/Makassar").dt.tz_localize(None))
        df["opd_kode"] = opd_of[path.parent.parent.name]
        frames.append(df)
    read_seconds = time.perf_counter() - t0
    data = pd.concat(frames, ignore_index=True)
    data["periode"] = data["waktu_wita"].dt.year.astype(str) + np.where(data["waktu_wita"].dt.month <= 6, "-S1", "-S2")
    long = data.melt(id_vars=["opd_kode", "periode"], value_vars=list(UNSUR_KEYS), var_name="unsur",
                     value_name="jawaban")
    skor = {w: i + 1 for scale in SCALES.values() for i, w in enumerate(scale)}
    skor.update({i: i for i in range(1, 5)})
    skor.update({str(i): i for i in range(1, 5)})
    long["skor"] = long["jawaban"].map(skor)
    nrr = long.groupby(["opd_kode", "periode", "unsur"])["skor"].mean()
    ikm = nrr.groupby(["opd_kode", "periode"]).mean() * 25
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 3), "read_seconds": round(read_seconds, 3),
            "compute_seconds": round(seconds - read_seconds, 3), "rows": int(len(data)),
            "result": [{"opd_kode": o, "periode": p, "nilai_ikm": float(v)} for (o, p), v in ikm.items()]}


# --------------------------------------------------------------------------------------------
# a. / d. The pipeline through Dagster
# --------------------------------------------------------------------------------------------

def _stage_of(step_key: str, check_steps: set[str]) -> str:
    """ingest (raw_lake), dbt (dbt build: models and the dbt tests), checks (the pipeline's own
    asset checks and GX suites, each its own step), publish (published_warehouse)."""
    if step_key in check_steps:
        return "checks"
    if "dbt" in step_key:
        return "dbt"
    if "publish" in step_key:
        return "publish"
    if step_key.startswith(("raw", "ingest")):
        return "ingest"
    return "other"


def semester_job(defs):
    """The partitioned job the lead plans (`skm_semester` with a partitions_def), or None."""
    try:
        job = defs.resolve_job_def("skm_semester")
    except Exception:  # noqa: BLE001 - not defined (yet)
        return None
    return job if getattr(job, "partitions_def", None) is not None else None


def child_pipeline(estate: Path, partition: str | None) -> dict:
    t0 = time.perf_counter()
    e0 = time.time()
    from dagster import DagsterEventType, DagsterInstance

    from pipelines.definitions import defs

    t_defs, e_defs = time.perf_counter(), time.time()
    instance = DagsterInstance.get()  # DAGSTER_HOME: persistent, so the event log can be read back
    job = semester_job(defs) if partition else None
    if job is not None:
        mode = f"partition {partition}"
        result = job.execute_in_process(instance=instance, partition_key=partition, raise_on_error=False)
    else:
        from tests.pipeline_run import run_pipeline

        mode = "full re-run" if partition else "full run"
        result = run_pipeline(instance=instance)
    t_run, e_run = time.perf_counter(), time.time()

    check_steps = {c.node_def.name for c in defs.asset_checks or []}
    steps: dict[str, dict] = {}
    run_start = run_end = None
    nodes: list[dict] = []
    for rec in instance.all_logs(result.run_id):
        ev = rec.dagster_event
        if ev is None:
            continue
        et = ev.event_type
        if et == DagsterEventType.RUN_START:
            run_start = rec.timestamp
        elif et in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
            run_end = rec.timestamp
        elif et == DagsterEventType.STEP_START:
            steps.setdefault(ev.step_key, {})["start"] = rec.timestamp
        elif et in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            s = steps.setdefault(ev.step_key, {})
            s["end"], s["status"] = rec.timestamp, "success" if et == DagsterEventType.STEP_SUCCESS else "failure"
        elif et == DagsterEventType.STEP_SKIPPED:
            steps.setdefault(ev.step_key, {})["status"] = "skipped"
        elif et == DagsterEventType.ASSET_MATERIALIZATION:
            mat = ev.event_specific_data.materialization
            d = mat.metadata.get("Execution Duration")
            if d is not None:
                nodes.append({"node": mat.asset_key.to_user_string(), "kind": "model", "seconds": float(d.value)})
        elif et == DagsterEventType.ASSET_CHECK_EVALUATION:
            ev_data = ev.event_specific_data
            d = ev_data.metadata.get("Execution Duration")
            if d is not None:
                nodes.append({"node": ev_data.check_name + " on " + ev_data.asset_key.to_user_string(),
                              "kind": "test", "seconds": float(d.value)})
    step_rows = {}
    stages = dict.fromkeys(STAGES, 0.0)
    for key, s in steps.items():
        secs = s["end"] - s["start"] if "start" in s and "end" in s else 0.0
        stage = _stage_of(key, check_steps)
        stages[stage] = stages.get(stage, 0.0) + secs
        step_rows[key] = {"stage": stage, "seconds": round(secs, 3), "status": s.get("status", "?")}
    # a partitioned asset reports one materialization per partition, all with the node's duration
    unique: dict[tuple[str, str], dict] = {}
    for n in nodes:
        unique[(n["node"], n["kind"])] = max(unique.get((n["node"], n["kind"]), n), n, key=lambda x: x["seconds"])
    nodes = sorted(unique.values(), key=lambda n: -n["seconds"])
    return {
        "success": bool(result.success),
        "run_id": result.run_id,
        "mode": mode,
        "assets_partitioned": any(getattr(a, "partitions_def", None) is not None for a in defs.assets or []),
        "import_seconds": round(t_defs - t0, 3),
        "run_seconds": round(t_run - t_defs, 3),
        "run_event_seconds": round(run_end - run_start, 3) if run_start and run_end else None,
        # where the time outside the steps goes: importing the definitions (dbt manifest included),
        # building and starting the job before RUN_START, and finishing after RUN_SUCCESS/FAILURE
        "overhead": {
            "python_and_definitions_import": round(e_defs - e0, 3),
            "job_build_before_run_start": round(run_start - e_defs, 3) if run_start else None,
            "between_steps": round((run_end - run_start) - sum(
                v["seconds"] for v in step_rows.values()), 3) if run_start and run_end else None,
            "after_run_end": round(e_run - run_end, 3) if run_end else None,
        },
        "stages": {k: round(v, 3) for k, v in stages.items()},
        "steps": step_rows,
        "dbt_nodes_total_seconds": round(sum(n["seconds"] for n in nodes), 3),
        "slowest_dbt_nodes": [{**n, "seconds": round(n["seconds"], 3)} for n in nodes[:15]],
    }


# --------------------------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------------------------

def machine_info() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "pandas", "openpyxl"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)),
        "mem_total_bytes": mem,
        "mem_total_gib": round(mem / GIB, 1),
        "cpu_model": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
        "loadavg_at_start": list(os.getloadavg()),
    }


def excel_speed(estate: Path, rows: int) -> dict:
    import duckdb

    from pipelines.ingest.readers import read_xlsx
    from pipelines.registry import TEMPLATE_FIELDS, Source
    from tests.benchmark.estate import write_xlsx

    t0 = time.perf_counter()
    path = write_xlsx(estate / "excel" / f"template_{rows}.xlsx", rows)
    written = time.perf_counter() - t0
    source = Source(code="excel_bench", opd_kode="XLSX", opd_nama="Excel reader benchmark", format="xlsx",
                    landing="excel", timezone="Asia/Makassar", columns={f: f for f in TEMPLATE_FIELDS}, sheet="Data")
    con = duckdb.connect()
    try:
        t0 = time.perf_counter()
        raw = read_xlsx(con, source, path, "xlsx_bench")
        n = con.execute(f"SELECT count(*) FROM {raw.view}").fetchone()[0]
        seconds = time.perf_counter() - t0
    finally:
        con.close()
    return {"rows": n, "bytes": path.stat().st_size, "seconds": round(seconds, 3),
            "rows_per_second": round(n / seconds) if seconds else None, "write_seconds": round(written, 3),
            "reader": "pipelines.ingest.readers.read_xlsx (openpyxl, read-only mode)"}


def published_ikm(estate: Path) -> tuple[dict[tuple[str, str], float], str | None]:
    import duckdb

    path = estate / "published" / "skm.duckdb"
    if not path.exists():
        return {}, None
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT opd_kode, periode, nilai_ikm FROM ikm_opd").fetchall()
        run_id = con.execute("SELECT max(run_id) FROM _published").fetchone()[0]
    finally:
        con.close()
    return {(o, p): (None if v is None else float(v)) for o, p, v in rows}, run_id


def compare(a: dict, b: dict, tol: float) -> dict:
    keys = set(a) | set(b)
    missing_a = sorted(k for k in keys if k not in a)
    missing_b = sorted(k for k in keys if k not in b)
    diffs, bad = [], []
    for k in sorted(set(a) & set(b)):
        if a[k] is None or b[k] is None:
            bad.append({"opd_kode": k[0], "periode": k[1], "a": a[k], "b": b[k]})
            continue
        d = abs(a[k] - b[k])
        diffs.append(d)
        if d > tol:
            bad.append({"opd_kode": k[0], "periode": k[1], "a": a[k], "b": b[k]})
    return {
        "groups": len(keys),
        "compared": len(diffs),
        "max_abs_diff": max(diffs) if diffs else None,
        "only_in_second": [list(k) for k in missing_a[:10]],
        "only_in_first": [list(k) for k in missing_b[:10]],
        "mismatches": bad[:10],
        "matched": bool(keys) and not missing_a and not missing_b and not bad,
    }


def _as_map(rows: list[dict]) -> dict[tuple[str, str], float]:
    return {(r["opd_kode"], r["periode"]): r["nilai_ikm"] for r in rows}


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:,.2f} s"


def _fmt_mib(x: int | None) -> str:
    return "-" if not x else f"{x / MIB:,.0f} MiB"


def _say(msg: str) -> None:
    print(msg, flush=True)


def evaluate(report: dict) -> None:
    pipe, bare, pd_, inc = report["pipeline"], report["bare_limit"], report["pandas"], report["incremental"]
    pw = pipe.get("wall_seconds") if pipe.get("success") else None
    bw, pdw = bare.get("seconds"), pd_.get("seconds")
    iw = inc.get("wall_seconds") if inc.get("success") else None
    ratios = {
        "pipeline_over_bare": round(pw / bw, 2) if pw and bw else None,
        "pipeline_over_pandas": round(pw / pdw, 3) if pw and pdw else None,
        "pandas_over_pipeline": round(pdw / pw, 2) if pw and pdw else None,
        "incremental_over_full": round(iw / pw, 3) if iw and pw else None,
        "pipeline_rss_over_pandas_rss": round(pipe["peak_rss_bytes"] / pd_["peak_rss_bytes"], 3)
        if pipe.get("peak_rss_bytes") and pd_.get("peak_rss_bytes") else None,
    }
    report["ratios"] = ratios
    rss = pipe.get("peak_rss_bytes") if pipe.get("success") else None
    targets = [
        ("full pipeline <= 4x bare limit", "pipeline / bare <= 4", ratios["pipeline_over_bare"],
         None if ratios["pipeline_over_bare"] is None else ratios["pipeline_over_bare"] <= 4),
        ("full pipeline >= 2x faster than pandas", "pandas / pipeline >= 2", ratios["pandas_over_pipeline"],
         None if ratios["pandas_over_pipeline"] is None else ratios["pandas_over_pipeline"] >= 2),
        ("pipeline peak RSS < 3 GiB", "< 3.00 GiB", None if rss is None else round(rss / GIB, 2),
         None if rss is None else rss < 3 * GIB),
        ("incremental <= 10% of full", "incremental / full <= 0.10", ratios["incremental_over_full"],
         None if ratios["incremental_over_full"] is None else ratios["incremental_over_full"] <= 0.10),
    ]
    report["targets"] = [
        {"name": n, "target": t, "value": v, "status": "PASS" if ok else ("FAIL" if ok is False else "N/A"),
         "pass": ok}
        for n, t, v, ok in targets
    ]
    rows = report["rows"]
    report["targets_note"] = (
        f"The targets are defined at {TARGET_ROWS:,} rows. At {rows:,} rows the fixed start-up of Dagster and "
        "dbt (imports, manifest, dbt's own start, the event log) dominates the pipeline's time, so the "
        "ratios do not predict the 10 M result." if rows < TARGET_ROWS else
        f"Measured at {rows:,} rows (targets defined at {TARGET_ROWS:,})."
    )


def print_report(report: dict) -> None:
    pipe, bare, pd_, inc = report["pipeline"], report["bare_limit"], report["pandas"], report["incremental"]
    m = report["machine"]
    _say("")
    _say(f"SKM benchmark, {report['rows']:,} responses, {report['estate']['files']} files, "
         f"{report['estate']['bytes'] / MIB:,.0f} MiB raw")
    _say(f"machine: {m['nproc']} CPU ({m['cpu_model']}), {m['mem_total_gib']} GiB; duckdb {m['versions']['duckdb']}, "
         f"dagster {m['versions']['dagster']}, dbt-core {m['versions']['dbt-core']}, pandas {m['versions']['pandas']}")
    _say("")
    _say(f"{'measurement':<44}{'wall':>14}{'peak RSS (tree)':>18}{'responses/s':>16}")
    lines = [
        ("a. pipeline, full (Dagster, subprocess)", pipe),
        ("b. bare limit (one DuckDB statement)", bare),
        ("c. pandas baseline", pd_),
        (f"d. incremental ({inc.get('mode', '?')})", inc),
    ]
    for label, d in lines:
        wall = d.get("wall_seconds") if label.startswith(("a.", "d.")) else d.get("seconds")
        rps = d.get("responses_per_second")
        err = "  FAILED" if d.get("error") or d.get("success") is False else ""
        _say(f"{label:<44}{_fmt_s(wall):>14}{_fmt_mib(d.get('peak_rss_bytes')):>18}"
             f"{('-' if not rps else f'{rps:,.0f}'):>16}{err}")
    if pipe.get("stages"):
        st = pipe["stages"]
        _say("   pipeline stages (Dagster step start -> success): "
             + ", ".join(f"{k} {st.get(k, 0):.2f} s" for k in (*STAGES, "other") if k in st)
             + "; outside the steps: " + ", ".join(
                 f"{k.replace('_', ' ')} {v:.2f} s" for k, v in (pipe.get("overhead") or {}).items() if v is not None))
    if pipe.get("slowest_dbt_nodes"):
        _say("   slowest dbt nodes: " + ", ".join(f"{n['node']} {n['seconds']:.2f} s"
                                                  for n in pipe["slowest_dbt_nodes"][:6]))
    if inc.get("stages"):
        st = inc["stages"]
        _say("   incremental stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in st.items()))
    x = report.get("excel", {})
    if x:
        _say(f"Excel reader (read_xlsx, {x['rows']:,} rows, not in pipeline timing): {x['seconds']:.2f} s, "
             f"{x['rows_per_second']:,} rows/s")
    s = report["sanity"]
    _say(f"sanity (published ikm_opd.nilai_ikm vs bare / pandas, tol {SANITY_TOLERANCE}): "
         f"{'MATCH' if s['matched'] else 'MISMATCH'}; groups {s['pipeline_vs_bare']['groups']}, "
         + ", ".join(f"max |{a}-{b}| {s[f'{a}_vs_{b}']['max_abs_diff']}"
                     for a, b in (("pipeline", "bare"), ("pipeline", "pandas"), ("bare", "pandas"))
                     if "max_abs_diff" in s.get(f"{a}_vs_{b}", {})))
    _say("")
    _say(f"{'target (issue, at 10 M rows)':<42}{'value':>12}  {'target':<28}result")
    for t in report["targets"]:
        v = "-" if t["value"] is None else f"{t['value']}"
        _say(f"{t['name']:<42}{v:>12}  {t['target']:<28}{t['status']}")
    r = report["ratios"]
    _say(f"ratios: pipeline/bare {r['pipeline_over_bare']}, pipeline/pandas {r['pipeline_over_pandas']}, "
         f"incremental/full {r['incremental_over_full']}, peak RSS pipeline/pandas {r['pipeline_rss_over_pandas_rss']}")
    _say(report["targets_note"])
    busy = [k for k in ("bare_limit", "pandas", "pipeline", "incremental")
            if (report[k].get("other_cpu_share") or 0) > 0.2]
    if busy:
        _say(f"note: other processes used more than 20% of the CPUs during {', '.join(busy)}: "
             f"those timings are noisy (other_cpu_share in the JSON).")


def bench(rows: int, out: Path, json_path: Path | None, keep: bool, skip_pandas: bool = False) -> int:
    from tests.benchmark import estate as estate_mod

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    est = out / "estate"
    for stale in (est, out / "dagster_home", out / "logs", out / "results"):
        if stale.exists():
            shutil.rmtree(stale)
    report: dict = {"rows": rows, "started_at_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "machine": machine_info(), "command": " ".join(sys.argv)}

    _say(f"[bench] generating {rows:,} responses into {est} ...")
    info = estate_mod.generate(est, rows)
    report["estate"] = info.as_dict()
    _say(f"[bench] estate: {info.files} files, {info.bytes / MIB:,.0f} MiB in {info.seconds:.1f} s")

    _say(f"[bench] Excel reader on {XLSX_ROWS:,} rows ...")
    report["excel"] = excel_speed(est, XLSX_ROWS)

    _say("[bench] b. bare limit ...")
    bare = run_child("bare", est, out, "bare")
    report["bare_limit"] = {k: v for k, v in bare.items() if k not in ("result",)}
    bare_map = _as_map(bare.get("result", []))
    if bare.get("seconds"):
        report["bare_limit"]["responses_per_second"] = round(rows / bare["seconds"])
    _say(f"[bench]    {_fmt_s(bare.get('seconds'))}, {_fmt_mib(bare.get('peak_rss_bytes'))}")

    if skip_pandas:
        report["pandas"], pandas_map = {"skipped": True}, {}
    else:
        _say("[bench] c. pandas baseline ...")
        pdr = run_child("pandas", est, out, "pandas")
        report["pandas"] = {k: v for k, v in pdr.items() if k != "result"}
        pandas_map = _as_map(pdr.get("result", []))
        if pdr.get("seconds"):
            report["pandas"]["responses_per_second"] = round(rows / pdr["seconds"])
        _say(f"[bench]    {_fmt_s(pdr.get('seconds'))}, {_fmt_mib(pdr.get('peak_rss_bytes'))}")

    home = out / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    _say("[bench] a. full pipeline through Dagster ...")
    pipe = run_child("pipeline", est, out, "pipeline", dagster_home=home)
    if pipe.get("success") and pipe.get("wall_seconds"):
        pipe["responses_per_second"] = round(rows / pipe["wall_seconds"])
    report["pipeline"] = pipe
    _say(f"[bench]    {_fmt_s(pipe.get('wall_seconds'))}, {_fmt_mib(pipe.get('peak_rss_bytes'))}, "
         f"success={pipe.get('success')}")
    published, _ = published_ikm(est)
    report["sanity"] = {
        "tolerance": SANITY_TOLERANCE,
        "pipeline_vs_bare": compare(published, bare_map, SANITY_TOLERANCE),
        "pipeline_vs_pandas": compare(published, pandas_map, SANITY_TOLERANCE) if pandas_map else {"skipped": True},
        "bare_vs_pandas": compare(bare_map, pandas_map, 1e-6) if pandas_map else {"skipped": True},
    }
    report["sanity"]["matched"] = all(v.get("matched", v.get("skipped", False))
                                      for k, v in report["sanity"].items() if isinstance(v, dict))

    inc_rows = max(1, round(rows * INCREMENT_SHARE))
    if pipe.get("success"):
        landed = estate_mod.add_increment(est, inc_rows)
        _say(f"[bench] d. incremental: {landed['source']} {landed['periode']}, {inc_rows:,} rows landed ...")
        inc = run_child("pipeline", est, out, "incremental", ["--partition", "2026-01"], dagster_home=home)
        inc["landed"] = landed
        after, run_id = published_ikm(est)
        key = (landed["opd_kode"], landed["periode"])
        # the new semester's expected index: the same bare statement over the estate as it is now
        import duckdb

        con = duckdb.connect()
        try:
            expected = {(o, p): v for o, p, v, _ in con.execute(bare_sql(est)).fetchall()}
        finally:
            con.close()
        inc["published_updated"] = bool(run_id == inc.get("run_id") and key in after)
        inc["new_periode_nilai_ikm"] = after.get(key)
        inc["new_periode_expected"] = expected.get(key)
        inc["sanity_after"] = compare(after, expected, SANITY_TOLERANCE)
        report["incremental"] = inc
        _say(f"[bench]    {_fmt_s(inc.get('wall_seconds'))} ({inc.get('mode')}), published updated: "
             f"{inc['published_updated']}")
    else:
        report["incremental"] = {"skipped": "the full pipeline run failed", "success": False}

    evaluate(report)
    report["finished_at_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print_report(report)
    if json_path:
        json_path = json_path.resolve()
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2, default=str))
        _say(f"[bench] wrote {json_path}")
    if not keep:
        shutil.rmtree(est, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    ok = (pipe.get("success") and report["incremental"].get("success") and report["sanity"]["matched"]
          and not bare.get("error") and (skip_pandas or not report["pandas"].get("error")))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="SKM pipeline benchmark (make bench)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="responses in the estate (default 1 000 000)")
    ap.add_argument("--out", type=Path, help="working folder: estate, Dagster home, logs")
    ap.add_argument("--json", type=Path, help="where to write the report (default OUT/bench-<rows>.json)")
    ap.add_argument("--keep", action="store_true", help="keep the generated estate and warehouse afterwards")
    ap.add_argument("--skip-pandas", action="store_true", help="leave out the pandas baseline")
    ap.add_argument("--child", choices=("bare", "pandas", "pipeline"), help=argparse.SUPPRESS)
    ap.add_argument("--estate", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--partition", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.child == "bare":
            res = child_bare(args.estate)
        elif args.child == "pandas":
            res = child_pandas(args.estate)
        else:
            res = child_pipeline(args.estate, args.partition)
        args.result.write_text(json.dumps(res, default=str))
        return 0 if res.get("success", True) else 1
    if not args.out:
        ap.error("--out is required")
    json_path = args.json or args.out / f"bench-{args.rows}.json"
    return bench(args.rows, args.out, json_path, args.keep, args.skip_pandas)


if __name__ == "__main__":
    sys.exit(main())
