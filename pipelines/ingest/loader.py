"""Landed exports -> the raw Parquet lake (see ``schema``), incrementally and idempotently.

A file is identified by its sha256: loading the same bytes twice, even under another name, changes
nothing. A corrected re-export (same source, same file name, new bytes) replaces the earlier file,
whose log row stays, marked ``replaced``. A changed registry entry re-reads the source's files, so
fixing a mapping and re-running is enough.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from pipelines.faults import pause_point
from pipelines.ingest import dates
from pipelines.ingest.readers import READERS, FileProblem, RawView
from pipelines.ingest.secret import hmac_sha256_sql, pii_key
from pipelines.ingest.schema import (INGEST_FILE_COLUMNS, RESPONSE_COLUMNS, RTL_COLUMNS, RTL_FILE_COLUMNS, SOURCE_COLUMNS,
                                     VALUE_COLUMNS, ddl)
from pipelines.periode import Periode
from pipelines.registry import PII_FIELDS, REQUIRED_FIELDS, Source, normalise_header
from pipelines.sql import ident, literal

# bump when a reader's output changes, so every file is re-read (3: calamine for Excel, and
# respondent_hash an HMAC under the installation's secret; 4: the date decision per file)
READER_VERSION = "4"
_IGNORED_NAMES = {".gitkeep", "Thumbs.db", "desktop.ini"}


@dataclass
class FileRecord:
    source_code: str
    file_name: str
    file_sha256: str | None
    periode_declared: str | None
    file_bytes: int
    status: str
    message: str | None
    rows_read: int | None
    rows_blank: int | None
    config_sha: str | None
    ingested_at: dt.datetime
    date_format: str | None = None
    date_evidence: str | None = None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def config_sha(source: Source) -> str:
    doc = {k: v for k, v in asdict(source).items() if k not in ("description", "opd_nama")}
    return hashlib.sha256((READER_VERSION + json.dumps(doc, sort_keys=True)).encode()).hexdigest()[:16]


def match_headers(source: Source, raw: RawView) -> dict[str, str]:
    """canonical field -> the file's header (for JSON: the registry path) it is read from.
    Matching is by header text, never position; the first of two equal headers wins (the
    readers refuse a file where a mapped header is repeated)."""
    if raw.is_json:
        # the reader made one text column per registry path it found in the file
        found = set(raw.headers)
        return {field: path for field, path in source.columns.items() if path in found}
    wanted = source.header_map
    mapping: dict[str, str] = {}
    for header in raw.headers:
        field = wanted.get(normalise_header(header))
        if field and field not in mapping:
            mapping[field] = header
    return mapping


def map_columns(source: Source, raw: RawView) -> dict[str, str]:
    """canonical field -> SQL expression over the raw view; a file-level problem when a required
    field has no column."""
    mapping = {field: ident(header) for field, header in match_headers(source, raw).items()}
    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    if missing:
        described = "; ".join(f"{f} ('{source.columns[f]}')" for f in missing)
        raise FileProblem(f"required column(s) missing: {described}: the file's header must name them as "
                          "the registry entry's `columns:` do (or correct the entry)")
    return mapping


def _text(expr: str) -> str:
    """A value as trimmed text, NULL when blank. Spaces, tabs, line breaks and the non-breaking
    space Excel likes to leave behind. TRIM with a character list costs ~200 ns a value; only a
    value that starts or ends with one of them (few do) pays it."""
    v = f"CAST({expr} AS VARCHAR)"
    edge = "(9, 10, 13, 32, 160)"
    return (f"CASE WHEN ord({v}[1]) IN {edge} OR ord({v}[-1]) IN {edge} "
            f"THEN NULLIF(TRIM({v}, ' \t\r\n\u00a0'), '') ELSE NULLIF({v}, '') END")


def _row_number_sql(raw: RawView) -> str:
    # numbered by the reader while parsing, or here in scan order (a view over an Excel frame)
    return ident(raw.row_column) if raw.row_column else "CAST(row_number() OVER () AS BIGINT)"


def decide_dates(con: duckdb.DuckDBPyConnection, source: Source, raw: RawView,
                 mapping: dict[str, str]) -> dates.DateDecision:
    """The file's date decision (pipelines/ingest/dates.py); a FileProblem refuses the file."""
    evidence = dates.gather(con, raw.view, _text(mapping["submitted_at"]), _row_number_sql(raw),
                            header=source.columns.get("submitted_at", "submitted_at"),
                            patterns=dates.declared_patterns(source.date_format))
    return dates.decide(evidence, source.date_format, source.code)


def _select_sql(source: Source, raw: RawView, mapping: dict[str, str], file_name: str, sha: str,
                periode: str, key: bytes, decision: dates.DateDecision) -> str:
    text = _text
    values: list[str] = []
    for col in VALUE_COLUMNS:
        if col == "respondent_hash":
            continue
        field = col.removeprefix("u_")
        values.append(f"{text(mapping[field]) if field in mapping else 'CAST(NULL AS VARCHAR)'} AS {ident(col)}")
    pii = [text(mapping[f]) for f in PII_FIELDS if f in mapping]
    if pii:
        joined = "concat_ws('|', " + ", ".join(f"coalesce({p}, '')" for p in pii) + ")"
        values.append(
            f"CASE WHEN {' AND '.join(p + ' IS NULL' for p in pii)} THEN NULL "
            f"ELSE {hmac_sha256_sql(joined, key)} END AS respondent_hash"
        )
    else:
        values.append("CAST(NULL AS VARCHAR) AS respondent_hash")
    submitted = text(mapping["submitted_at"])
    values.append(f"{dates.iso_sql(submitted, ident('_skm_date'), decision)} AS submitted_at_iso")
    opd = text(mapping["opd_kode"]) if "opd_kode" in mapping else literal(source.opd_kode)
    row_number = _row_number_sql(raw)
    mapped_cols = [ident(c) for c in VALUE_COLUMNS if c != "respondent_hash"]
    inner = (
        f"SELECT {literal(source.code)} AS source_code, {opd} AS opd_kode, {literal(file_name)} AS file_name, "
        f"{literal(sha)} AS file_sha256, {literal(periode)} AS periode_declared, "
        f"{row_number} AS \"row_number\", {literal(source.timezone)} AS source_timezone, "
        + ", ".join(values)
        # the date's parts are extracted once per row, for iso_sql, and only when it reads them
        + (f" FROM (SELECT *, {dates.parts_sql(submitted)} AS {ident('_skm_date')} FROM {raw.view})"
           if dates.needs_parts(decision) else f" FROM {raw.view}")
    )
    cols = ", ".join(ident(c) for c in RESPONSE_COLUMNS)
    not_blank = " OR ".join(f"{c} IS NOT NULL" for c in mapped_cols)
    return f"SELECT {cols} FROM ({inner}) WHERE {not_blank}"


def load_file(con: duckdb.DuckDBPyConnection, source: Source, path: Path, file_name: str, sha: str,
              periode: str, target: Path, key: bytes) -> tuple[int, int, dates.DateDecision]:
    """Write one export's rows to ``target``; returns (rows written, blank rows skipped, how its
    dates were read)."""
    view = "raw_" + sha[:12]
    raw = READERS[source.format](con, source, path, view)
    try:
        mapping = map_columns(source, raw)
        total = raw.rows if raw.rows is not None else con.execute(f"SELECT count(*) FROM {raw.view}").fetchall()[0][0]
        if total == 0:
            raise FileProblem("the file has a header but no data rows")
        decision = decide_dates(con, source, raw, mapping)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".parquet.tmp")
        sql = _select_sql(source, raw, mapping, file_name, sha, periode, key, decision)
        try:
            # COPY reports the rows it wrote: no second read of the Parquet file.
            written = int(con.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", [str(tmp)]).fetchall()[0][0])
        except duckdb.Error as exc:
            raise FileProblem(f"could not be read to the end ({str(exc).splitlines()[0]})") from exc
        if written == 0:
            tmp.unlink(missing_ok=True)
            raise FileProblem("every data row is blank")
        os.replace(tmp, target)
        return written, total - written, decision
    finally:
        con.execute(f"DROP {'TABLE' if raw.kind == 'table' else 'VIEW'} IF EXISTS {view}")
        for t in raw.temp_files:
            t.unlink(missing_ok=True)
        try:
            con.unregister(f"{view}_df")
        except Exception:  # noqa: BLE001 - only Excel registers a frame
            pass


def _walk(source: Source, data_dir: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Regular files of a landing folder and the entries refused, never following a link.

    A landing folder must resolve inside the data folder (the registry refuses '..' and absolute
    paths; this catches a landing folder that is itself a link). A symbolic link inside it, to a
    file or a folder, is refused and recorded, never followed: a link could bring any file of the
    machine into the lake. Nothing outside the data folder is listed, opened or hashed."""
    root = source.landing_dir(data_dir)
    if not root.exists() and not root.is_symlink():
        return [], []
    base = data_dir.resolve()
    resolved = root.resolve()
    if root.is_symlink() or not resolved.is_relative_to(base) or resolved == base:
        return [], [(".", f"{source.landing}: the landing folder is a link or resolves outside the data folder "
                          f"({resolved}); make it a real folder inside {base}")]
    files: list[tuple[Path, str]] = []
    refused: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for d in list(dirs):
            if (here / d).is_symlink():
                dirs.remove(d)
                name = (here / d).relative_to(root).as_posix()
                refused.append((name, f"{source.landing}/{name}: a symbolic link to a folder; refused, not followed "
                                      "(copy the files into the landing folder instead)"))
        dirs.sort()
        for n in names:
            path = here / n
            name = path.relative_to(root).as_posix()
            if n.startswith(".") or n in _IGNORED_NAMES or n.endswith(".tmp"):
                continue
            if path.is_symlink():
                refused.append((name, f"{source.landing}/{name}: a symbolic link; refused, not followed "
                                      "(copy the file into the landing folder instead)"))
            elif path.is_file():
                files.append((path, name))
    return sorted(files, key=lambda f: f[1]), sorted(refused)


def landed_files(source: Source, data_dir: Path) -> list[tuple[Path, str]]:
    """(path, name relative to the landing folder) of every regular file, in a stable order."""
    return _walk(source, data_dir)[0]


def _read_log(lake: Path) -> list[FileRecord]:
    log = lake / "ingest_files.parquet"
    if not log.exists():
        return []
    con = duckdb.connect()
    try:
        rows = con.execute("SELECT * FROM read_parquet(?)", [str(log)]).fetchall()
        names = [d[0] for d in con.description]
    finally:
        con.close()
    return [FileRecord(**{k: v for k, v in zip(names, row) if k in FileRecord.__dataclass_fields__}) for row in rows]


def _write_table(con: duckdb.DuckDBPyConnection, columns: dict[str, str], rows: list[tuple], target: Path) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE _out ({ddl(columns)})")
    if rows:
        con.executemany(f"INSERT INTO _out VALUES ({', '.join('?' for _ in columns)})", rows)
    tmp = target.with_suffix(".tmp")
    con.execute("COPY _out TO ? (FORMAT parquet)", [str(tmp)])
    os.replace(tmp, target)
    con.execute("DROP TABLE _out")


def _was_loaded(prev: FileRecord | None, sha: str) -> bool:
    return prev is not None and prev.status == "loaded" and prev.file_sha256 == sha


def _periode_of(name: str) -> str | None:
    """The periode folder a landed name sits in ('2025-S1/x.csv' -> '2025-S1'), None at the top."""
    return name.split("/", 1)[0] if "/" in name else None


def _parquet_path(lake: Path, source_code: str, sha: str) -> Path:
    """One Parquet file per distinct content of a source: a renamed file keeps its rows."""
    return lake / "responses" / source_code / f"{sha}.parquet"


def _refuse_unloadable(rec: FileRecord, source: Source, loaded_sha: dict[str, str]) -> bool:
    """Mark `rec` a duplicate of bytes already loaded, or an error when it is not in a periode
    folder; True when it was, so nothing is loaded for it. One rule for the first decision and
    for the copies reconsidered after their original failed to load."""
    if rec.file_sha256 in loaded_sha:
        rec.status = "duplicate_file"
        rec.message = (f"{source.landing}/{rec.file_name}: same content as {loaded_sha[rec.file_sha256]}; "
                       "not loaded again")
        return True
    if not Periode.is_label(rec.periode_declared):
        rec.status, rec.periode_declared = "error", None
        rec.message = (f"{source.landing}/{rec.file_name}: not in a periode folder; put it in "
                       f"{source.landing}/<YYYY-S1|YYYY-S2>/")
        return True
    return False


@dataclass
class LoadJob:
    """One file to read into the lake. `rec` is its log row: the load fills in its counts and
    date decision, or turns it into an error."""

    rec: FileRecord
    source: Source
    path: Path
    target: Path


@dataclass
class IngestPlan:
    """Everything a run will do, decided from the landing folders and the previous log before
    anything is written: what each file's log row says, which files to load, which Parquet files
    no longer belong. Deciding first keeps the rules in one readable place (`plan_ingest`) and
    lets the loads run in parallel afterwards (`execute_plan`)."""

    records: list[FileRecord]  # the current log rows, other periodes' first, then in file order
    history: list[FileRecord]  # replaced and removed rows: the log keeps them for the audit trail
    jobs: list[LoadJob] = field(default_factory=list)  # in the order decided; loaded in parallel
    # sha256 -> 'source/file' whose Parquet file holds those bytes, as planned (a failed load undoes it)
    loaded_sha: dict[str, str] = field(default_factory=dict)
    stale: list[tuple[str, str | None]] = field(default_factory=list)  # (source, sha) replaced or removed


@dataclass
class IngestResult:
    files: list[FileRecord]


def _in_scope(name: str, periodes: Collection[str] | None) -> bool:
    """Whether a run may touch a file: one of the given periodes, or outside any periode folder
    (refused and logged); every file when no periodes are given."""
    periode = _periode_of(name)
    return periodes is None or periode is None or periode in periodes


def plan_ingest(sources: list[Source], data_dir: Path, lake: Path, periodes: Collection[str] | None,
                now: dt.datetime) -> IngestPlan:
    """Decide what happens to every landed file of the run's periodes, writing nothing: loaded
    (a load job, or unchanged and left alone), duplicate_file, error with its message, and which
    earlier files were replaced or removed (their Parquet files become stale)."""
    previous = _read_log(lake)
    prev_current = {(r.source_code, r.file_name): r for r in previous if r.status in ("loaded", "duplicate_file", "error")}
    # Files of periodes outside this run keep their log rows, and their bytes still count as seen.
    plan = IngestPlan(records=[r for r in prev_current.values() if not _in_scope(r.file_name, periodes)],
                      history=[r for r in previous if r.status in ("replaced", "removed")])
    plan.loaded_sha = {r.file_sha256: f"{r.source_code}/{r.file_name}" for r in plan.records
                       if r.status == "loaded" and r.file_sha256}
    seen: set[tuple[str, str]] = set()
    for source in sources:
        seen |= _plan_source(plan, source, data_dir, lake, periodes, prev_current, now)
    for key, prev in prev_current.items():
        if key not in seen and prev.status == "loaded" and _in_scope(prev.file_name, periodes):
            prev.status, prev.message = "removed", f"{prev.file_name}: no longer in the landing folder"
            plan.stale.append((prev.source_code, prev.file_sha256))
            plan.history.append(prev)
    return plan


def _plan_source(plan: IngestPlan, source: Source, data_dir: Path, lake: Path, periodes: Collection[str] | None,
                 prev_current: dict[tuple[str, str], FileRecord], now: dt.datetime) -> set[tuple[str, str]]:
    """Add one source's landed files to the plan; returns the (source, file) keys it saw."""
    csha = config_sha(source)
    found, refused = _walk(source, data_dir)
    seen: set[tuple[str, str]] = set()
    for name, message in refused:
        if _in_scope(name, periodes):
            seen.add((source.code, name))
            plan.records.append(FileRecord(source.code, name, None, _periode_of(name), 0, "error", message,
                                           None, None, csha, now))
    landed = [(path, name, sha256_file(path)) for path, name in found if _in_scope(name, periodes)]
    # When two files hold the same bytes, the one loaded before (else the older) is the original.
    landed.sort(key=lambda f: (not _was_loaded(prev_current.get((source.code, f[1])), f[2]),
                               f[0].stat().st_mtime_ns, f[1]))
    for path, name, sha in landed:
        seen.add((source.code, name))
        prev = prev_current.get((source.code, name))
        if prev and prev.file_sha256 != sha and prev.status == "loaded":
            prev.status, prev.message = "replaced", f"{name}: replaced by a re-export (sha256 {sha[:12]}) on {now:%Y-%m-%d %H:%M} UTC"
            plan.history.append(prev)
            plan.stale.append((source.code, prev.file_sha256))
            prev = None
        rec = FileRecord(source.code, name, sha, _periode_of(name), path.stat().st_size, "loaded", None, None, None,
                         csha, now)
        target = _parquet_path(lake, source.code, sha)
        if not _refuse_unloadable(rec, source, plan.loaded_sha):
            if prev and prev.status == "loaded" and prev.config_sha == csha and target.exists():
                rec = prev  # unchanged file, unchanged registry entry: nothing to do
            else:
                plan.jobs.append(LoadJob(rec, source, path, target))
        if rec.status == "loaded":
            plan.loaded_sha[sha] = f"{source.code}/{name}"
        plan.records.append(rec)
    return seen


def _run_loads(con: duckdb.DuckDBPyConnection, jobs: list[LoadJob], key: bytes, workers: int) -> None:
    """Load the files, several at a time: reading a file and numbering its rows is single-threaded
    in DuckDB, so one file per core keeps every core busy. Each load has its own cursor; a
    failure is recorded on its file, the others go on. `workers` 0 is one per core."""

    def run(job: LoadJob) -> None:
        rec, source = job.rec, job.source
        cur = con.cursor()
        try:
            rec.rows_read, rec.rows_blank, decision = load_file(cur, source, job.path, rec.file_name,
                                                                rec.file_sha256, rec.periode_declared, job.target, key)
            rec.date_format, rec.date_evidence = decision.format, decision.evidence
        except FileProblem as exc:
            rec.status, rec.message = "error", f"{source.landing}/{rec.file_name}: {exc}"
            job.target.unlink(missing_ok=True)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
            rec.status = "error"
            rec.message = f"{source.landing}/{rec.file_name}: unreadable ({exc.__class__.__name__}: {exc})"
            job.target.unlink(missing_ok=True)
        finally:
            cur.close()

    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 2:
        for job in jobs:
            run(job)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, jobs))


def _load_copies_of_failed(con: duckdb.DuckDBPyConnection, plan: IngestPlan, loaded_sha: dict[str, str],
                           sources: list[Source], data_dir: Path, lake: Path, key: bytes) -> None:
    """A file whose load failed is no original: the first later copy of its bytes is loaded in
    its place (sequentially, in the plan's order; rare), the other copies name that one."""
    failed = {j.rec.file_sha256 for j in plan.jobs if j.rec.status == "error"}
    for sha in failed:
        loaded_sha.pop(sha, None)
        copies = [r for r in plan.records if r.status == "duplicate_file" and r.file_sha256 == sha]
        for copy in copies:
            src = next(x for x in sources if x.code == copy.source_code)
            if _refuse_unloadable(copy, src, loaded_sha):
                continue
            copy.status, copy.message = "loaded", None
            _run_loads(con, [LoadJob(copy, src, src.landing_dir(data_dir) / copy.file_name,
                                     _parquet_path(lake, src.code, sha))], key, workers=1)
            if copy.status == "loaded":
                loaded_sha[sha] = f"{copy.source_code}/{copy.file_name}"


def execute_plan(plan: IngestPlan, sources: list[Source], data_dir: Path, lake: Path, key: bytes, *,
                 workers: int = 0, memory_limit: str = "1GB") -> IngestResult:
    """Carry out `plan`: the loads in parallel, the fallback for copies of a failed file, the
    stale Parquet files deleted, then the log, the sources table and the empty responses file
    written (last, so a run killed before them leaves the previous log in charge)."""
    loaded_sha = dict(plan.loaded_sha)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    # Bounded, so ingest stays well inside the 3 GiB budget of the whole run (DuckDB spills beyond it).
    con.execute("SET memory_limit = ?", [memory_limit])
    (lake / "responses").mkdir(parents=True, exist_ok=True)
    try:
        _run_loads(con, plan.jobs, key, workers)
        pause_point("ingest")  # tests only: a kill here leaves Parquet files the log does not know
        _load_copies_of_failed(con, plan, loaded_sha, sources, data_dir, lake, key)
        # A renamed file keeps its sha256 and so its Parquet file: delete only what nothing loads.
        for code, sha in plan.stale:
            if sha not in loaded_sha:
                _parquet_path(lake, code, sha).unlink(missing_ok=True)
        _write_table(con, RESPONSE_COLUMNS, [], lake / "responses" / "_empty.parquet")
        ensure_rtl_lake(con, lake)
        log_rows = [tuple(getattr(r, c) for c in INGEST_FILE_COLUMNS) for r in plan.records + plan.history]
        _write_table(con, INGEST_FILE_COLUMNS, log_rows, lake / "ingest_files.parquet")
        src_rows = [(s.code, s.opd_kode, s.opd_nama, s.format, s.timezone, s.landing) for s in sources]
        _write_table(con, SOURCE_COLUMNS, src_rows, lake / "sources.parquet")
    finally:
        con.close()
    return IngestResult(plan.records + plan.history)


def ensure_rtl_lake(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """The RTL part of the lake as the contract's globs expect it, when no RTL ingest has written
    it yet (pipelines/ingest/rtl.py rewrites it whole): an empty schema file and an empty log."""
    (lake / "rtl").mkdir(parents=True, exist_ok=True)
    if not (lake / "rtl" / "_empty.parquet").exists():
        _write_table(con, RTL_COLUMNS, [], lake / "rtl" / "_empty.parquet")
    if not (lake / "rtl_files.parquet").exists():
        _write_table(con, RTL_FILE_COLUMNS, [], lake / "rtl_files.parquet")


def ingest(sources: list[Source], data_dir: Path, lake: Path, key: bytes | str | None = None,
           periodes: Collection[str] | None = None, *, workers: int = 0, memory_limit: str = "1GB") -> IngestResult:
    """Bring the lake up to date with every source's landing folder, or with the folders of the
    given periodes only (a semester partition); other periodes' files are left as they are.
    `key` is the respondent_hash key; by default the installation's (``secret.pii_key``:
    SKM_PII_SALT, else <data_dir>/secrets/pii_salt, created on first use). `workers`: files
    loaded at once (0: one per core); `memory_limit`: DuckDB's, for the whole ingest."""
    hash_key = pii_key(data_dir) if key is None else key.encode("utf-8") if isinstance(key, str) else key
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = plan_ingest(sources, data_dir, lake, periodes, now)
    return execute_plan(plan, sources, data_dir, lake, hash_key, workers=workers, memory_limit=memory_limit)
