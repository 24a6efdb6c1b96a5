"""`make bench`: the pipeline against the fair reference, the same required work hand-written.

    python -m tests.benchmark.run --rows N --out DIR [--json PATH]

One run, on one benchmark estate (tests/benchmark/estate.py: realistic dirt, Excel and
Windows-1252 sources) of N responses in DIR/estate, each measurement in a fresh subprocess whose
whole process tree is sampled for RSS:

1. the fair reference (tests/benchmark/fair.py): sha256, read + lake, normalise + quarantine +
   duplicates, trust rules, marts, publish, each timed;
2. the pipeline without the Laporan through Dagster (stage 'warehouse': ingest, dbt build with its
   tests, the checks, publish; SKM_DATA_DIR=DIR/estate, a fresh DAGSTER_HOME): the Dagster step
   times, dbt's run_results.json (per model and test), the time outside the steps;
3. the Laporan and exports of every semester (stage 'laporan'), seconds per report;
4. the incremental run: one OPD's 2026-S1 file (~1 % of N) lands, its semester partition runs
   until the published file is up to date, then its Laporan (only that semester re-rendered);
5. sanity: the published file equals the fair reference's on every mart (fair_compare), before
   and after the increment.

Beside them, information only: the bare index statement and a pandas baseline (the index alone,
every row counted), and the Excel reader's speed on the estate's Excel files. Prints the ratios
against the targets of issue #19 (at 10 M rows) and writes everything to the JSON file. Exit
status 1 when a measurement failed or the sanity check did not match (never because of a timing
target).

The same module is also the children it starts: ``--child fair|bare|pandas|pipeline``.
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
INCREMENT_PARTITION = "2026-01"  # the semester partition of the increment (2026-S1)
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

def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def bare_sql(estate: Path) -> tuple[str, int]:
    """The fastest reasonable hand-written statement for the index alone: read every raw file
    DuckDB reads in one statement (UTF-8 CSV, JSON), score each answer with a CASE on its unsur's
    words (or take the number), NRR per OPD x semester x unsur as avg() (blank answers are NULL and
    drop out), Nilai IKM = 25 x mean of the nine NRR. No quarantine, duplicates or marks: it counts
    dirty rows too, so it is a speed reference, not the published value. The Windows-1252 CSVs
    and the Excel files are left out (DuckDB has no reader for them here); returns the statement
    and the number of files left out."""
    from pipelines.sample_data.answers import SCALES
    from tests.benchmark.estate import JSON_KEYS, raw_files

    files = raw_files(estate)
    by_style: dict[str, list[Path]] = {}
    for source, _periode, path in files:
        by_style.setdefault(source.style, []).append(path)
    csv_files = by_style.get("csv_words", []) + by_style.get("csv_numbers", [])
    src = ", ".join(f"('{str(path)}', '{source.opd_kode}')" for source, _p, path in files)

    def score(u: str) -> str:
        whens = " ".join(f"WHEN '{w.lower()}' THEN {i + 1}" for i, w in enumerate(SCALES[u]))
        return f"CASE lower(trim({u})) {whens} ELSE TRY_CAST({u} AS TINYINT) END AS {u}"

    json_columns = "{" + ", ".join(
        f"'{JSON_KEYS[f]}': '{'TINYINT' if f in UNSUR_KEYS else 'VARCHAR'}'" for f in ("submitted_at", *UNSUR_KEYS)
    ) + "}"
    json_select = ", ".join(
        [f"timezone('Asia/Makassar', CAST({JSON_KEYS['submitted_at']} AS TIMESTAMPTZ)) AS ts_wita"]
        + [f"TRY_CAST({JSON_KEYS[u]} AS TINYINT) AS {u}" for u in UNSUR_KEYS]
    )
    csv_select = ", ".join(score(u) for u in UNSUR_KEYS)
    parts = []
    if csv_files:
        parts.append(f"SELECT filename, try_strptime(submitted_at, ['%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S']) AS ts_wita, "
                     f"{csv_select} FROM read_csv({_sql_list(csv_files)}, header = true, all_varchar = true, "
                     f"filename = true, union_by_name = true)")
    for style, fmt in (("json_array", "array"), ("ndjson", "newline_delimited")):
        if by_style.get(style):
            parts.append(f"SELECT filename, {json_select} FROM read_json({_sql_list(by_style[style])}, "
                         f"format = '{fmt}', columns = {json_columns}, filename = true)")
    nrr = " + ".join(f"avg({u})" for u in UNSUR_KEYS)
    left_out = len(by_style.get("csv_cp1252", [])) + len(by_style.get("xlsx", []))
    return f"""
WITH src(path, opd_kode) AS (VALUES {src}),
responses AS (
    {" UNION ALL ".join(parts)}
)
SELECT s.opd_kode,
       CAST(year(r.ts_wita) AS VARCHAR) || CASE WHEN month(r.ts_wita) <= 6 THEN '-S1' ELSE '-S2' END AS periode,
       25 * ({nrr}) / 9 AS nilai_ikm,
       {" + ".join(f"(count({u}) > 0)::INT" for u in UNSUR_KEYS)} AS unsur_count
FROM responses AS r
JOIN src AS s ON s.path = r.filename
WHERE r.ts_wita IS NOT NULL
GROUP BY ALL
ORDER BY 1, 2
""", left_out


def child_bare(estate: Path) -> dict:
    import duckdb

    sql, left_out = bare_sql(estate)
    t0 = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - t0
    con.close()
    return {"seconds": round(seconds, 3), "sql": sql, "files_left_out": left_out,
            "result": [{"opd_kode": o, "periode": p, "nilai_ikm": v, "unsur": u} for o, p, v, u in rows]}


# --------------------------------------------------------------------------------------------
# c. The pandas baseline, notebook style
# --------------------------------------------------------------------------------------------

def child_pandas(estate: Path) -> dict:
    import numpy as np
    import pandas as pd

    from pipelines.sample_data.answers import SCALES
    from tests.benchmark.estate import CSV_TIME_FORMAT, JSON_KEYS, XLSX_HEADER_ROW, XLSX_SHEET, raw_files

    t0 = time.perf_counter()
    json_rename = {v: k for k, v in JSON_KEYS.items()}
    frames = []
    for source, _periode, path in raw_files(estate):
        if source.style == "xlsx":
            df = pd.read_excel(path, sheet_name=XLSX_SHEET, header=XLSX_HEADER_ROW - 1, engine="calamine")
            df["waktu_wita"] = pd.to_datetime(df["submitted_at"], errors="coerce")
        elif source.format == "csv":
            cp1252 = source.style == "csv_cp1252"
            df = pd.read_csv(path, sep=";" if cp1252 else ",", encoding="cp1252" if cp1252 else "utf-8", dtype=str)
            df["waktu_wita"] = pd.to_datetime(df["submitted_at"], format=CSV_TIME_FORMAT[source.style], errors="coerce")
        else:
            df = pd.read_json(path, lines=source.style == "ndjson", dtype=False).rename(columns=json_rename)
            df["waktu_wita"] = (pd.to_datetime(df["submitted_at"], utc=True, errors="coerce")
                                .dt.tz_convert("Asia/Makassar").dt.tz_localize(None))
        df["opd_kode"] = source.opd_kode
        frames.append(df[["opd_kode", "waktu_wita", *UNSUR_KEYS]])
    read_seconds = time.perf_counter() - t0
    data = pd.concat(frames, ignore_index=True)
    data = data[data["waktu_wita"].notna()]
    data["periode"] = data["waktu_wita"].dt.year.astype(str) + np.where(data["waktu_wita"].dt.month <= 6, "-S1", "-S2")
    long = data.melt(id_vars=["opd_kode", "periode"], value_vars=list(UNSUR_KEYS), var_name="unsur",
                     value_name="jawaban")
    skor = {w.lower(): i + 1 for scale in SCALES.values() for i, w in enumerate(scale)}
    skor.update({str(i): i for i in range(1, 5)})
    long["skor"] = long["jawaban"].astype("string").str.strip().str.lower().str.removesuffix(".0").map(skor)
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


def _selection(stage: str):
    """warehouse: everything but the Laporan (ingest, dbt with its tests, the checks, publish);
    laporan: the Laporan and exports alone, from the published file; all: both in one run."""
    from dagster import AssetKey, AssetSelection

    laporan = AssetSelection.assets(AssetKey("laporan_skm"))
    return {"warehouse": AssetSelection.all() - laporan, "laporan": laporan, "all": None}[stage]


def child_pipeline(estate: Path, partition: str | None, stage: str = "warehouse") -> dict:
    t0 = time.perf_counter()
    e0 = time.time()
    from dagster import DagsterEventType, DagsterInstance

    from pipelines.definitions import defs
    from tests.pipeline_run import run_pipeline

    t_defs, e_defs = time.perf_counter(), time.time()
    instance = DagsterInstance.get()  # DAGSTER_HOME: persistent, so the event log can be read back
    mode = f"{stage}, " + (f"partition {partition}" if partition else "every landed semester")
    result = run_pipeline(instance=instance, partitions=(partition, partition) if partition else None,
                          selection=_selection(stage))
    t_run, e_run = time.perf_counter(), time.time()

    check_steps = {c.node_def.name for c in defs.asset_checks or []}
    steps: dict[str, dict] = {}
    run_start = run_end = None
    laporan: dict = {}
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
            if mat.asset_key.to_user_string() == "laporan_skm":
                laporan = {k: getattr(v, "value", v) for k, v in mat.metadata.items()
                           if k in ("seconds_by_periode", "reports_by_periode", "reports_html", "reports_pdf",
                                    "pdf_status", "seconds_exports", "seconds_opendata", "seconds_total")}
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
        "slowest_steps": sorted(({"step": k, **v} for k, v in step_rows.items()), key=lambda r: -r["seconds"])[:8],
        "dbt_run_results": dbt_run_results(result.run_id),
        "laporan": laporan,
    }


def dbt_run_results(run_id: str) -> dict:
    """dbt's own timing of each model and test of the run (run_results.json of the dbt
    invocation dagster-dbt made for this run: target/<step>-<run id[:7]>-<...>/)."""
    found = sorted((REPO_ROOT / "dbt_project" / "target").glob(f"*-{run_id[:7]}-*/run_results.json"))
    if not found:
        return {}
    out: dict = {"elapsed_seconds": 0.0, "by_kind": {}, "slowest_models": [], "slowest_tests": []}
    nodes = []
    for path in found:
        doc = json.loads(path.read_text())
        out["elapsed_seconds"] += float(doc.get("elapsed_time") or 0)
        for r in doc.get("results", []):
            uid = r.get("unique_id", "")
            kind = uid.split(".", 1)[0]
            secs = float(r.get("execution_time") or 0)
            nodes.append((kind, uid.split(".")[-1] if kind != "test" else uid.split(".", 2)[-1], secs, r.get("status")))
            k = out["by_kind"].setdefault(kind, {"count": 0, "seconds": 0.0})
            k["count"] += 1
            k["seconds"] = round(k["seconds"] + secs, 3)
    nodes.sort(key=lambda n: -n[2])
    out["slowest_models"] = [{"node": n, "seconds": round(x, 3)} for k, n, x, _ in nodes if k == "model"][:10]
    out["slowest_tests"] = [{"node": n, "seconds": round(x, 3)} for k, n, x, _ in nodes if k == "test"][:10]
    out["elapsed_seconds"] = round(out["elapsed_seconds"], 3)
    return out


def laporan_summary(lap: dict) -> dict:
    """Reports rendered and the median seconds per report over the semesters of a Laporan run."""
    secs = lap.get("seconds_by_periode") or {}
    reps = lap.get("reports_by_periode") or {}
    per_report = sorted(secs[p] / reps[p] for p in secs if reps.get(p))
    median = None
    if per_report:
        mid = len(per_report) // 2
        median = per_report[mid] if len(per_report) % 2 else (per_report[mid - 1] + per_report[mid]) / 2
    return {"reports_rendered": sum(reps.values()), "periodes_rendered": sorted(p for p, n in reps.items() if n),
            "seconds_per_report": None if median is None else round(median, 3),
            "seconds_total": lap.get("seconds_total"), "pdf_status": lap.get("pdf_status")}


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


TARGETS = (
    # (name, JSON path of the value, comparison, limit): the targets at 10 M rows
    ("full pipeline without the Laporan <= 2x the fair reference", "ratios.pipeline_over_fair", "<=", 2.0),
    ("incremental semester run <= 0.5x the fair reference", "ratios.incremental_over_fair", "<=", 0.5),
    ("pipeline peak RSS (process tree) < 2.5 GiB", "pipeline.peak_rss_gib", "<", 2.5),
)


def _ratio(a: float | None, b: float | None, digits: int = 3) -> float | None:
    return round(a / b, digits) if a and b else None


def evaluate(report: dict) -> None:
    pipe, fair, inc = report["pipeline"], report["fair_reference"], report["incremental"]
    pw = pipe.get("wall_seconds") if pipe.get("success") else None
    fw = fair.get("seconds") if fair.get("success") else None
    iw = inc.get("wall_seconds") if inc.get("success") else None
    bw = report["bare_limit"].get("seconds")
    pdw = report["pandas"].get("seconds")
    report["ratios"] = {
        "pipeline_over_fair": _ratio(pw, fw),
        "incremental_over_fair": _ratio(iw, fw),
        "fair_over_bare": _ratio(fw, bw),
        "pipeline_over_bare": _ratio(pw, bw),
        "pipeline_over_pandas": _ratio(pw, pdw),
        "incremental_over_full": _ratio(iw, pw),
    }
    if pipe.get("peak_rss_bytes") and pipe.get("success"):
        pipe["peak_rss_gib"] = round(pipe["peak_rss_bytes"] / GIB, 3)
    out = []
    for name, path, op, limit in TARGETS:
        head, key = path.split(".")
        value = report.get(head, {}).get(key)
        ok = None if value is None else (value <= limit if op == "<=" else value < limit)
        out.append({"name": name, "key": path, "target": f"{op} {limit}", "value": value, "pass": ok,
                    "status": "PASS" if ok else ("FAIL" if ok is False else "N/A"),
                    "missed_by": None if ok is not False else round(value / limit, 2)})
    report["targets"] = out
    rows = report["rows"]
    report["targets_note"] = (
        f"The targets are defined at {TARGET_ROWS:,} rows. At {rows:,} rows the fixed start-up of Dagster and "
        "dbt (imports, manifest, dbt's own start, the event log) dominates the pipeline's time, so the "
        "ratios do not predict the 10 M result." if rows < TARGET_ROWS else
        f"Measured at {rows:,} rows (targets defined at {TARGET_ROWS:,}).")


def print_report(report: dict) -> None:
    pipe, fair, inc, lap = report["pipeline"], report["fair_reference"], report["incremental"], report["laporan"]
    m = report["machine"]
    _say("")
    _say(f"SKM benchmark, {report['rows']:,} responses, {report['estate']['files']} files, "
         f"{report['estate']['bytes'] / MIB:,.0f} MiB raw")
    _say(f"machine: {m['nproc']} CPU ({m['cpu_model']}), {m['mem_total_gib']} GiB; duckdb {m['versions']['duckdb']}, "
         f"dagster {m['versions']['dagster']}, dbt-core {m['versions']['dbt-core']}, pandas {m['versions']['pandas']}")
    _say("")
    _say(f"{'measurement':<52}{'wall':>14}{'peak RSS (tree)':>18}{'responses/s':>14}")
    lines = [
        ("fair reference (hand-written DuckDB, same work)", fair, fair.get("seconds")),
        ("pipeline without the Laporan (Dagster)", pipe, pipe.get("wall_seconds")),
        (f"incremental ({inc.get('mode', '?')})", inc, inc.get("wall_seconds")),
        ("Laporan and exports (Dagster, after publish)", report.get("laporan_run", {}),
         report.get("laporan_run", {}).get("wall_seconds")),
        ("bare limit (index only, one statement)", report["bare_limit"], report["bare_limit"].get("seconds")),
        ("pandas baseline (index only)", report["pandas"], report["pandas"].get("seconds")),
    ]
    for label, d, wall in lines:
        rps = round(report["rows"] / wall) if wall and label.startswith(("fair", "pipeline", "bare", "pandas")) else None
        err = "  FAILED" if d.get("error") or d.get("success") is False else ""
        _say(f"{label:<52}{_fmt_s(wall):>14}{_fmt_mib(d.get('peak_rss_bytes')):>18}"
             f"{('-' if not rps else f'{rps:,.0f}'):>14}{err}")
    if fair.get("steps"):
        _say("   fair reference steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in fair["steps"].items()))
    for label, d in (("pipeline", pipe), ("incremental", inc)):
        if d.get("stages"):
            _say(f"   {label} stages (Dagster step start -> success): "
                 + ", ".join(f"{k} {v:.2f} s" for k, v in d["stages"].items() if v)
                 + "; outside the steps: " + ", ".join(
                     f"{k.replace('_', ' ')} {v:.2f} s" for k, v in (d.get("overhead") or {}).items() if v is not None))
    if pipe.get("slowest_steps"):
        _say("   slowest Dagster steps: " + ", ".join(f"{r['step']} {r['seconds']:.2f} s" for r in pipe["slowest_steps"][:6]))
    rr = pipe.get("dbt_run_results") or {}
    if rr:
        _say(f"   dbt (run_results.json): elapsed {rr['elapsed_seconds']:.2f} s; "
             + ", ".join(f"{k} {v['count']} x = {v['seconds']:.2f} s" for k, v in rr["by_kind"].items()))
        _say("   slowest dbt models: " + ", ".join(f"{n['node']} {n['seconds']:.2f} s" for n in rr["slowest_models"][:6]))
        _say("   slowest dbt tests: " + ", ".join(f"{n['node'][:60]} {n['seconds']:.2f} s" for n in rr["slowest_tests"][:5]))
    _say(f"Laporan: {lap.get('reports_rendered_full')} reports in the full run, median "
         f"{_fmt_s(lap.get('seconds_per_report'))} per report; the semester run re-rendered "
         f"{lap.get('reports_rendered')} report(s) of {', '.join(lap.get('periodes_rendered') or []) or '-'}")
    x = report.get("excel", {})
    if x.get("rows"):
        _say(f"Excel reader (read_xlsx on the estate's Excel sources, {x['rows']:,} rows): {x['seconds']:.2f} s, "
             f"{x['rows_per_second']:,} rows/s")
    s = report["sanity"]
    fc = s.get("pipeline_vs_fair", {})
    bad = [t for t, v in (fc.get("tables") or {}).items() if not v.get("matched")]
    _say(f"sanity: published file vs the fair reference, {len(fc.get('tables') or {})} tables: "
         f"{'MATCH' if fc.get('matched') else 'MISMATCH ' + ', '.join(bad)}"
         + (f"; after the increment: {'MATCH' if s.get('after_increment', {}).get('matched') else 'MISMATCH'}"
            if s.get("after_increment") else ""))
    _say(f"   (information only: ikm_opd vs the bare statement max |diff| "
         f"{s.get('pipeline_vs_bare', {}).get('max_abs_diff')}, vs pandas "
         f"{s.get('pipeline_vs_pandas', {}).get('max_abs_diff')}; they read every row, quarantined ones too)")
    _say("")
    _say(f"{'target (issue #19, at 10 M rows)':<62}{'value':>10}  {'target':<10}result")
    for t in report["targets"]:
        v = "-" if t["value"] is None else f"{t['value']}"
        _say(f"{t['name']:<62}{v:>10}  {t['target']:<10}{t['status']}"
             + (f" (x{t['missed_by']} the limit)" if t.get("missed_by") else ""))
    _say(report["targets_note"])
    busy = [k for k in ("fair_reference", "pipeline", "incremental")
            if (report[k].get("other_cpu_share") or 0) > 0.2]
    if busy:
        _say(f"note: other processes used more than 20% of the CPUs during {', '.join(busy)}: "
             f"those timings are noisy (other_cpu_share in the JSON).")


def excel_speed(estate: Path) -> dict:
    """The project's Excel reader on the estate's own Excel sources (rows/s; not pipeline timing)."""
    import duckdb

    from pipelines.ingest.readers import read_xlsx
    from pipelines.registry import load_registry

    files = [(s, f) for s in load_registry(estate / "sources.yml") if s.format == "xlsx"
             for f in sorted(s.landing_dir(estate).glob("*/*.xlsx"))]
    if not files:
        return {"rows": 0, "note": "the estate has no Excel source"}
    con = duckdb.connect()
    n = 0
    try:
        t0 = time.perf_counter()
        for i, (source, path) in enumerate(files):
            raw = read_xlsx(con, source, path, f"xlsx_bench_{i}")
            n += con.execute(f"SELECT count(*) FROM {raw.view}").fetchall()[0][0]
        seconds = time.perf_counter() - t0
    finally:
        con.close()
    return {"rows": n, "files": len(files), "bytes": sum(f.stat().st_size for _, f in files),
            "seconds": round(seconds, 3), "rows_per_second": round(n / seconds) if seconds else None,
            "reader": "pipelines.ingest.readers.read_xlsx (python-calamine)"}


def _fair(est: Path, out: Path, tag: str) -> dict:
    res = run_child("fair", est, out, tag, ["--fair-db", str(out / "fair" / "fair.duckdb")])
    _say(f"[bench]    {_fmt_s(res.get('seconds'))}, {_fmt_mib(res.get('peak_rss_bytes'))}"
         + (f", FAILED: {res['error'].splitlines()[-1]}" if res.get("error") else ""))
    return res


def _compare_fair(est: Path, fair: dict) -> dict:
    from tests.benchmark.fair_compare import compare

    published = est / "published" / "skm.duckdb"
    if not fair.get("published") or not published.exists():
        return {"matched": False, "error": "no published file or no fair reference result"}
    return compare(published, Path(fair["published"]))


def bench(rows: int, out: Path, json_path: Path | None, keep: bool, skip_pandas: bool = False,
          full_run_copy: Path | None = None) -> int:
    """The whole benchmark (module docstring). `full_run_copy`: where to copy the estate as the full
    run (pipeline and Laporan) left it, before the increment lands: the tests that assert on a
    pipeline run over the bench estate read that copy instead of running the pipeline again
    (tests/conftest.py bench_run)."""
    from tests.benchmark import estate as estate_mod

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    est = out / "estate"
    for stale in (est, out / "dagster_home", out / "logs", out / "results", out / "fair"):
        if stale.exists():
            shutil.rmtree(stale)
    (out / "fair").mkdir()
    report: dict = {"rows": rows, "started_at_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "machine": machine_info(), "command": " ".join(sys.argv)}

    _say(f"[bench] generating {rows:,} responses into {est} ...")
    info = estate_mod.generate(est, rows)
    report["estate"] = info.as_dict()
    _say(f"[bench] estate: {info.files} files, {info.bytes / MIB:,.0f} MiB in {info.seconds:.1f} s")

    _say("[bench] Excel reader on the estate's Excel sources ...")
    report["excel"] = excel_speed(est)

    _say("[bench] bare limit (information) ...")
    bare = run_child("bare", est, out, "bare")
    report["bare_limit"] = {k: v for k, v in bare.items() if k not in ("result",)}
    bare_map = _as_map(bare.get("result", []))
    if skip_pandas:
        report["pandas"], pandas_map = {"skipped": True}, {}
    else:
        _say("[bench] pandas baseline (information) ...")
        pdr = run_child("pandas", est, out, "pandas")
        report["pandas"] = {k: v for k, v in pdr.items() if k != "result"}
        pandas_map = _as_map(pdr.get("result", []))

    _say("[bench] 1. fair reference ...")
    fair = _fair(est, out, "fair")
    report["fair_reference"] = fair

    home = out / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    _say("[bench] 2. pipeline without the Laporan, through Dagster ...")
    pipe = run_child("pipeline", est, out, "pipeline", ["--stage", "warehouse"], dagster_home=home)
    report["pipeline"] = pipe
    _say(f"[bench]    {_fmt_s(pipe.get('wall_seconds'))}, {_fmt_mib(pipe.get('peak_rss_bytes'))}, "
         f"success={pipe.get('success')}")

    _say("[bench] 3. the Laporan and exports of every semester ...")
    lap_run = run_child("pipeline", est, out, "laporan", ["--stage", "laporan"], dagster_home=home)
    report["laporan_run"] = {k: v for k, v in lap_run.items() if k not in ("steps",)}
    lap_full = laporan_summary(lap_run.get("laporan") or {})

    published, _ = published_ikm(est)
    report["sanity"] = {
        "pipeline_vs_fair": _compare_fair(est, fair),
        "pipeline_vs_bare": compare(published, bare_map, SANITY_TOLERANCE),
        "pipeline_vs_pandas": compare(published, pandas_map, SANITY_TOLERANCE) if pandas_map else {"skipped": True},
    }

    if full_run_copy is not None:
        full_run_copy = full_run_copy.resolve()
        shutil.rmtree(full_run_copy, ignore_errors=True)
        shutil.copytree(est, full_run_copy, symlinks=True)  # as tests/conftest.copy_estate: file times kept

    inc_rows = max(1, round(rows * INCREMENT_SHARE))
    lap_inc: dict = {}
    if pipe.get("success"):
        landed = estate_mod.add_increment(est, inc_rows)
        _say(f"[bench] 4. incremental: {landed['source']} {landed['periode']}, {inc_rows:,} rows landed ...")
        inc = run_child("pipeline", est, out, "incremental", ["--stage", "warehouse", "--partition", INCREMENT_PARTITION],
                        dagster_home=home)
        inc["landed"] = landed
        after, run_id = published_ikm(est)
        inc["published_updated"] = bool(run_id == inc.get("run_id") and (landed["opd_kode"], landed["periode"]) in after)
        report["incremental"] = inc
        _say(f"[bench]    {_fmt_s(inc.get('wall_seconds'))}, published updated: {inc['published_updated']}")
        lap_inc_run = run_child("pipeline", est, out, "laporan_incremental",
                                ["--stage", "laporan", "--partition", INCREMENT_PARTITION], dagster_home=home)
        lap_inc = laporan_summary(lap_inc_run.get("laporan") or {})
        _say("[bench] 5. fair reference on the estate with the increment (sanity after) ...")
        fair_after = _fair(est, out, "fair_after")
        report["fair_reference_after_increment"] = {k: v for k, v in fair_after.items() if k != "tables"}
        report["sanity"]["after_increment"] = _compare_fair(est, fair_after)
    else:
        report["incremental"] = {"skipped": "the full pipeline run failed", "success": False}
    report["laporan"] = {
        "seconds_per_report": lap_full.get("seconds_per_report"),
        "reports_rendered": lap_inc.get("reports_rendered"),
        "periodes_rendered": lap_inc.get("periodes_rendered"),
        "seconds_per_report_semester_run": lap_inc.get("seconds_per_report"),
        "reports_rendered_full": lap_full.get("reports_rendered"),
        "full": lap_full, "semester_run": lap_inc,
    }
    s = report["sanity"]
    s["matched"] = bool(s["pipeline_vs_fair"].get("matched") and s.get("after_increment", {}).get("matched", False))

    evaluate(report)
    report["finished_at_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print_report(report)
    if json_path:
        json_path = json_path.resolve()
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2, default=str))
        _say(f"[bench] wrote {json_path}")
    if not keep:
        for d in (est, home, out / "fair"):
            shutil.rmtree(d, ignore_errors=True)
    ok = (pipe.get("success") and report["incremental"].get("success") and lap_run.get("success")
          and s["matched"] and not fair.get("error"))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="SKM pipeline benchmark (make bench)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="responses in the estate (default 1 000 000)")
    ap.add_argument("--out", type=Path, help="working folder: estate, Dagster home, logs")
    ap.add_argument("--json", type=Path, help="where to write the report (default OUT/bench-<rows>.json)")
    ap.add_argument("--keep", action="store_true", help="keep the generated estate and warehouse afterwards")
    ap.add_argument("--skip-pandas", action="store_true", help="leave out the pandas baseline")
    ap.add_argument("--full-run-copy", type=Path,
                    help="copy the estate after the full run (pipeline and Laporan), before the increment, here")
    ap.add_argument("--child", choices=("bare", "pandas", "pipeline", "fair"), help=argparse.SUPPRESS)
    ap.add_argument("--stage", choices=("warehouse", "laporan", "all"), default="warehouse", help=argparse.SUPPRESS)
    ap.add_argument("--fair-db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--estate", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--partition", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.child == "bare":
            res = child_bare(args.estate)
        elif args.child == "pandas":
            res = child_pandas(args.estate)
        elif args.child == "fair":
            from tests.benchmark.fair import child_fair

            res = child_fair(args.estate, args.fair_db)
        else:
            res = child_pipeline(args.estate, args.partition, args.stage)
        args.result.write_text(json.dumps(res, default=str))
        return 0 if res.get("success", True) else 1
    if not args.out:
        ap.error("--out is required")
    json_path = args.json or args.out / f"bench-{args.rows}.json"
    return bench(args.rows, args.out, json_path, args.keep, args.skip_pandas, args.full_run_copy)


if __name__ == "__main__":
    sys.exit(main())
