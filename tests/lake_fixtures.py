"""Hand-made raw lakes for the dbt project, and a way to run dbt on them.

A lake is written exactly as pipelines/ingest/schema.py describes it (every value column VARCHAR):
``responses/<source_code>/<file_sha256>.parquet`` per file with rows, ``responses/_empty.parquet``,
``ingest_files.parquet`` and ``sources.parquet`` under ``<data_dir>/warehouse/raw``. Then
``run_dbt(data_dir)`` runs ``dbt build`` on it with ``SKM_DATA_DIR=data_dir`` and ``query`` reads
the resulting warehouse read-only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.ingest import dates
from pipelines.ingest.loader import ensure_rtl_lake
from pipelines.ingest.schema import INGEST_FILE_COLUMNS, RESPONSE_COLUMNS, SOURCE_COLUMNS, VALUE_COLUMNS, ddl
from pipelines.settings import DBT_PROJECT_DIR, UNSUR_KEYS

INGESTED_AT = dt.datetime(2025, 7, 15, 2, 0, 0)


def answers(*values: object) -> dict[str, str | None]:
    """The nine answers in the order of UNSUR_KEYS as ``u_<key>`` fields: ``answers(4, 4, ...)``;
    a single value is repeated nine times; None is a blank cell."""
    if len(values) == 1:
        values = values * len(UNSUR_KEYS)
    if len(values) != len(UNSUR_KEYS):
        raise ValueError(f"need 1 or {len(UNSUR_KEYS)} answers, got {len(values)}")
    return {f"u_{k}": None if v is None else str(v) for k, v in zip(UNSUR_KEYS, values)}


def row(*answer_values: object, **fields: object) -> dict[str, str | None]:
    """One response: the nine answers plus any value fields (submitted_at, jenis_layanan, ...),
    with a complete, valid default for the fields not given."""
    base: dict[str, object] = {
        "submitted_at": "05/03/2025 10:15:22",
        "jenis_layanan": "Layanan Uji",
        "jenis_kelamin": "L",
        "usia": "34",
        "pendidikan": "D4/S1",
        "pekerjaan": "Swasta",
    }
    base.update(answers(*answer_values) if answer_values else {})
    base.update(fields)
    unknown = set(base) - set(VALUE_COLUMNS)
    if unknown:
        raise ValueError(f"not value columns of the contract: {sorted(unknown)}")
    return {k: None if v is None else str(v) for k, v in base.items()}


@dataclass
class Source:
    source_code: str
    opd_kode: str
    opd_nama: str
    timezone: str = "Asia/Makassar"
    format: str = "csv"

    @property
    def landing(self) -> str:
        return f"raw/{self.source_code}"


@dataclass
class LakeFile:
    """One landed export and its ingest log row. ``rows`` are value-column dicts (see ``row``);
    the lineage columns are filled in as the loader would."""

    source: Source
    rows: list[dict[str, str | None]]
    periode_declared: str | None = "2025-S1"
    name: str = "export.csv"
    status: str = "loaded"
    rows_read: int | None = None  # default: len(rows) for a loaded file
    ingested_at: dt.datetime = INGESTED_AT
    message: str | None = None
    write_rows: bool | None = None  # default: only a loaded file's rows are in the lake
    opd_kode: str | None = field(default=None)  # per-row OPD override for all rows (default: source's)
    sha256: str | None = None  # default: derived from the content
    # how the loader would have read the dates: day/month (these fixtures write 05/03/2025 for 5 March)
    date_order: str = dates.DAY_FIRST

    @property
    def file_name(self) -> str:
        return f"{self.periode_declared}/{self.name}" if self.periode_declared else self.name

    @property
    def file_sha256(self) -> str:
        if self.sha256:
            return self.sha256
        doc = json.dumps([self.source.source_code, self.file_name, self.rows], sort_keys=True)
        return hashlib.sha256(doc.encode()).hexdigest()


def _write(con: duckdb.DuckDBPyConnection, columns: dict[str, str], rows: Sequence[tuple], target: Path,
           date_order: str | None = None) -> None:
    """Write `rows` as Parquet; with `date_order`, fill submitted_at_iso as the loader does (the
    same SQL, pipelines/ingest/dates.py) for a file whose dates were decided that way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _out ({ddl(columns)})")
    if rows:
        con.executemany(f"INSERT INTO _out VALUES ({', '.join('?' for _ in columns)})", list(rows))
    out = "_out"
    if date_order:
        decision = dates.DateDecision(format=date_order, evidence="test fixture", order=date_order)
        iso = dates.iso_sql("submitted_at", "_d", decision)
        out = (f"(SELECT * EXCLUDE (_d) REPLACE ({iso} AS submitted_at_iso) "
               f"FROM (SELECT *, {dates.parts_sql('submitted_at')} AS _d FROM _out))")
    con.execute(f"COPY {out} TO '{target}' (FORMAT parquet)")
    con.execute("DROP TABLE _out")


def write_lake(data_dir: Path, sources: Iterable[Source], files: Iterable[LakeFile]) -> Path:
    """Write a complete raw lake under ``data_dir/warehouse/raw``; returns the lake path."""
    data_dir = Path(data_dir)
    lake = data_dir / "warehouse" / "raw"
    (lake / "responses").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        log: list[tuple] = []
        for f in files:
            src = f.source
            written = f.write_rows if f.write_rows is not None else f.status == "loaded"
            if written:
                lake_rows = []
                for i, r in enumerate(f.rows, start=1):
                    lineage = {
                        "source_code": src.source_code,
                        "opd_kode": f.opd_kode if f.opd_kode is not None else src.opd_kode,
                        "file_name": f.file_name,
                        "file_sha256": f.file_sha256,
                        "periode_declared": f.periode_declared,
                        "row_number": i,
                        "source_timezone": src.timezone,
                    }
                    lake_rows.append(tuple({**lineage, **r}.get(c) for c in RESPONSE_COLUMNS))
                _write(con, RESPONSE_COLUMNS, lake_rows,
                       lake / "responses" / src.source_code / f"{f.file_sha256}.parquet", date_order=f.date_order)
            rows_read = f.rows_read if f.rows_read is not None else (len(f.rows) if f.status == "loaded" else None)
            log.append((src.source_code, f.file_name, f.file_sha256, f.periode_declared, 1000 + len(f.rows),
                        f.status, f.message, rows_read, 0 if rows_read is not None else None, "cfg",
                        f.date_order if written else None, "test fixture" if written else None, f.ingested_at))
        _write(con, RESPONSE_COLUMNS, [], lake / "responses" / "_empty.parquet")
        _write(con, INGEST_FILE_COLUMNS, log, lake / "ingest_files.parquet")
        ensure_rtl_lake(con, lake)
        _write(con, SOURCE_COLUMNS,
               [(s.source_code, s.opd_kode, s.opd_nama, s.format, s.timezone, s.landing) for s in sources],
               lake / "sources.parquet")
    finally:
        con.close()
    return lake


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(data_dir: Path, *args: str, vars: dict[str, Any] | None = None,
            command: str = "build") -> subprocess.CompletedProcess:
    """``dbt <command> [args]`` (default ``build``) on the project with ``SKM_DATA_DIR=data_dir``;
    target and log paths under ``data_dir`` so parallel runs never share them."""
    data_dir = Path(data_dir)
    cmd = [
        dbt_executable(), command, *args,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(data_dir / "dbt" / "target"),
        "--log-path", str(data_dir / "dbt" / "logs"),
    ]
    if vars:
        cmd += ["--vars", json.dumps(vars)]
    env = {**os.environ, "SKM_DATA_DIR": str(data_dir.resolve()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(cmd, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False)


def query(data_dir: Path, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Rows of ``sql`` against the warehouse dbt built in ``data_dir``, as dicts (read-only)."""
    con = duckdb.connect(str(Path(data_dir) / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        rel = con.execute(sql, list(params or []))
        names = [d[0] for d in rel.description]
        return [dict(zip(names, r)) for r in rel.fetchall()]
    finally:
        con.close()
