"""The OPD's follow-up plans (rencana tindak lanjut, RTL) -> the raw lake, with the survey files'
guarantees: lineage on every row, a message naming the file for a file that cannot be read, and
nothing lost (every row read is in the lake; dbt decides per row whether it is used, quarantined
with its reason, or a duplicate, and reconciles the counts: models/marts/rtl_rekonsiliasi).

An RTL file is the template of `write_templates` (CSV or xlsx, the draft the exports pre-fill),
landed under ``<data_dir>/<tindak_lanjut.landing>/<periode>/``: the periode is the semester whose
results the plan answers (rtl/2025-S1/ holds the plans made after 2025-S1, judged by 2025-S2).

Unlike survey exports, RTL files are a few dozen rows: every run re-reads all of them (every
periode) and rewrites the RTL part of the lake whole, so there is no replaced/removed bookkeeping
to get wrong, and a file taken out of the folder is out of the lake on the next run.

Layout under ``Paths.lake``: ``rtl/<file_sha256>.parquet`` (one per distinct file content, plus
``rtl/_empty.parquet`` holding the schema) and ``rtl_files.parquet`` (one row per landed file).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ingest.loader import _text, _walk, sha256_file
from pipelines.ingest.readers import READERS, FileProblem, RawView
from pipelines.ingest.schema import RTL_COLUMNS, RTL_FILE_COLUMNS, ddl
from pipelines.periode import Periode
from pipelines.registry import Source, normalise_header
from pipelines.rtl_template import RTL_HEADERS, write_rtl_workbook
from pipelines.sql import ident, literal

# Without these headers not one row of the file can be a plan: the file is refused, named.
RTL_REQUIRED_HEADERS = ("opd_kode", "unsur", "kegiatan")
FORMAT_OF_SUFFIX = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx", ".ods": "xlsx"}

@dataclass
class RtlFile:
    file_name: str
    file_sha256: str | None
    periode_declared: str | None
    file_bytes: int
    status: str
    message: str | None
    rows_read: int | None
    rows_blank: int | None
    ingested_at: dt.datetime

    def row(self) -> tuple:
        return tuple(getattr(self, c) for c in RTL_FILE_COLUMNS)


def rtl_source(landing: str, fmt: str) -> Source:
    """The RTL template as a registry entry, so the survey readers (encodings, delimiters, title
    rows above the header, unsaved formulas) read RTL files the same way."""
    return Source(code="rtl", opd_kode="", opd_nama="", format=fmt, landing=landing, timezone="Asia/Makassar",
                  columns=dict(RTL_HEADERS))


def _select_sql(raw: RawView, file_name: str, sha: str, periode: str) -> str:
    """The file's rows as the lake holds them; rows blank in every column are left out."""
    by_header = {normalise_header(h): h for h in raw.headers}
    exprs = {f: _text(ident(by_header[normalise_header(h)])) if normalise_header(h) in by_header else "NULL"
             for f, h in RTL_HEADERS.items()}
    row_number = ident(raw.row_column) if raw.row_column else "CAST(row_number() OVER () AS BIGINT)"
    inner = (f"SELECT {literal(file_name)} AS file_name, {literal(sha)} AS file_sha256, "
             f"{literal(periode)} AS periode_declared, {row_number} AS \"row_number\", "
             + ", ".join(f"CAST({e} AS VARCHAR) AS {ident(f)}" for f, e in exprs.items()) + f" FROM {raw.view}")
    not_blank = " OR ".join(f"{ident(f)} IS NOT NULL" for f in RTL_HEADERS)
    return f"SELECT {', '.join(ident(c) for c in RTL_COLUMNS)} FROM ({inner}) WHERE {not_blank}"


def _load(con: duckdb.DuckDBPyConnection, landing: str, path: Path, rec: RtlFile, target: Path) -> None:
    """One RTL file into `target`; fills in the record's counts, or raises FileProblem."""
    fmt = FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise FileProblem(f"not an RTL file ({path.suffix or 'no extension'}): save the RTL template as .xlsx or .csv")
    view = "rtl_" + (rec.file_sha256 or "x")[:12]
    raw = READERS[fmt](con, rtl_source(landing, fmt), path, view)
    try:
        found = {normalise_header(h) for h in raw.headers}
        missing = [f for f in RTL_REQUIRED_HEADERS if normalise_header(RTL_HEADERS[f]) not in found]
        if missing:
            raise FileProblem("required column(s) missing: " + ", ".join(f"'{RTL_HEADERS[f]}'" for f in missing)
                              + ": use the RTL template's headers (" + ", ".join(RTL_HEADERS.values()) + ")")
        total = raw.rows if raw.rows is not None else con.execute(f"SELECT count(*) FROM {raw.view}").fetchall()[0][0]
        tmp = target.with_suffix(".parquet.tmp")
        sql = _select_sql(raw, rec.file_name, rec.file_sha256 or "", rec.periode_declared or "")
        written = int(con.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", [str(tmp)]).fetchall()[0][0])
        if written == 0:
            tmp.unlink(missing_ok=True)
            raise FileProblem("the file has a header but no filled-in rows")
        os.replace(tmp, target)
        rec.rows_read, rec.rows_blank = written, int(total) - written
    finally:
        con.execute(f"DROP {'TABLE' if raw.kind == 'table' else 'VIEW'} IF EXISTS {view}")
        for t in raw.temp_files:
            t.unlink(missing_ok=True)
        try:
            con.unregister(f"{view}_df")
        except Exception:  # noqa: BLE001 - only Excel registers a frame
            pass


def _write_table(con: duckdb.DuckDBPyConnection, columns: dict[str, str], rows: list[tuple], target: Path) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rtl_out ({ddl(columns)})")
    if rows:
        con.executemany(f"INSERT INTO _rtl_out VALUES ({', '.join('?' for _ in columns)})", rows)
    tmp = target.with_suffix(".tmp")
    con.execute("COPY _rtl_out TO ? (FORMAT parquet)", [str(tmp)])
    os.replace(tmp, target)
    con.execute("DROP TABLE _rtl_out")


def ingest_rtl(landing: str, data_dir: Path, lake: Path) -> list[RtlFile]:
    """Every landed RTL file into ``lake/rtl`` (rebuilt whole, beside the old folder and swapped
    in, so a killed run leaves the previous RTL lake) and the file log ``lake/rtl_files.parquet``.
    Returns one record per landed file: loaded, duplicate_file (same bytes as another file) or
    error, with a message naming the file."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    probe = rtl_source(landing, "csv")
    found, refused = _walk(probe, data_dir)
    records = [RtlFile(name, None, None, 0, "error", message, None, None, now) for name, message in refused]
    final, staging = lake / "rtl", lake / "rtl.new"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    loaded: dict[str, str] = {}  # sha256 -> the file whose rows the lake holds
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = '512MB'")
        for path, name in found:
            periode = name.split("/", 1)[0] if "/" in name else None
            sha = sha256_file(path)
            rec = RtlFile(name, sha, periode, path.stat().st_size, "loaded", None, None, None, now)
            records.append(rec)
            if not Periode.is_label(periode):
                rec.status, rec.periode_declared = "error", None
                rec.message = (f"{landing}/{name}: not in a periode folder; put it in {landing}/<YYYY-S1|YYYY-S2>/ "
                               "(the semester whose results the plan answers)")
                continue
            if sha in loaded:
                rec.status = "duplicate_file"
                rec.message = f"{landing}/{name}: same content as {landing}/{loaded[sha]}; not loaded again"
                continue
            try:
                _load(con, landing, path, rec, staging / f"{sha}.parquet")
                loaded[sha] = name
            except FileProblem as exc:
                rec.status, rec.message = "error", f"{landing}/{name}: {exc}"
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
                rec.status, rec.message = "error", f"{landing}/{name}: unreadable ({exc.__class__.__name__}: {exc})"
        _write_table(con, RTL_COLUMNS, [], staging / "_empty.parquet")
        old = lake / "rtl.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
        _write_table(con, RTL_FILE_COLUMNS, [r.row() for r in records], lake / "rtl_files.parquet")
    finally:
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
    return records


def write_rtl_template(out_dir: Path) -> list[Path]:
    """The empty RTL template (rtl_template.csv and .xlsx) with one example row."""
    example = {"opd_kode": "DPMPTSP", "unsur": "waktu", "masalah": "Antrean panjang pada jam sibuk",
               "kegiatan": "Menambah loket pada pukul 09.00-12.00", "penanggung_jawab": "Kepala Bidang Pelayanan",
               "target_waktu": "2025-12-31", "status": "rencana", "keterangan": ""}
    return write_rtl_workbook(out_dir, "rtl_template", [example], title="Rencana tindak lanjut (RTL) hasil SKM")


if __name__ == "__main__":
    import sys

    for written in write_rtl_template(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/templates")):
        print(written)
