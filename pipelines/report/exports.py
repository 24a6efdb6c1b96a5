"""Per-periode exports of the published tables: Parquet (DuckDB COPY) and one XLSX workbook with a
sheet per table (capped at XLSX_MAX_ROWS rows; a longer table also gets a full CSV), under ``<data_dir>/published/exports/<periode>/``, read from a READ-ONLY
connection to the published file (never the working warehouse).

Which rows belong to a periode: tables with a ``periode`` column by it; the file-level tables
(quarantine, duplicates, reconciliation, ingest_files) by ``periode_declared``, the semester folder
the export was filed under; tables with neither (``quality_gates``: the gates of the publishing
run) whole. Internal tables (name starting with ``_``) are not exported; their content goes into
``manifest.json``. A periode's folder is built beside the old one and swapped in."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from pipelines.periode import Periode
from pipelines.sql import ident, literal


# Sheet order in the workbook: the headline first; any other published table after these.
SHEET_ORDER = ("ikm_kota", "ikm_kota_unsur", "ikm_opd", "ikm_unsur", "ikm_layanan", "profil_responden",
               "reconciliation", "quarantine", "duplicates", "ingest_files", "quality_gates")
# Rows per sheet. The workbook is for people (a summary to read and filter), not the data: a
# row-level table longer than this (saran, quarantine at city scale: hundreds of thousands of rows)
# gets its first rows on the sheet, a line in the '_catatan' sheet, and its full rows as CSV beside
# the Parquet file. Writing XLSX costs ~30 000 cells/s (openpyxl), so the cap keeps the exports at
# seconds instead of minutes at 10 million responses. Never above Excel's own limit.
EXCEL_ROW_LIMIT = 1_048_575  # Excel's sheet limit, less the header
XLSX_MAX_ROWS = 1000  # the default (the run context's xlsx_max_rows)
XLSX_NAME = "skm-{periode}.xlsx"
_BATCH = 10_000


@dataclass(frozen=True)
class ExportedTable:
    periode: str
    table: str
    rows: int  # rows of the table for the periode (= rows in the Parquet file)
    parquet: Path
    xlsx_rows: int  # rows on the sheet (fewer only when over Excel's limit)
    filter: str  # 'periode' | 'periode_declared' | 'semua'


def published_periodes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The periodes the published file holds (from ikm_kota, the one row per periode)."""
    return [r[0] for r in con.execute("SELECT DISTINCT periode FROM ikm_kota WHERE periode IS NOT NULL ORDER BY 1")
            .fetchall()]


def staging_dir(final: Path) -> Path:
    """A new empty folder beside `final` to build into (readable like a normal folder: mkdtemp
    alone would make it private to this user)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    tmp.chmod(0o755)
    return tmp


def replace_dir(new: Path, final: Path) -> None:
    """Swap the folder `new` in at `final` (the old one, if any, is removed afterwards)."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(new, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall():
        out.setdefault(table, []).append((column, dtype))
    return {t: c for t, c in out.items() if not t.startswith("_")}


def _select(table: str, columns: list[tuple[str, str]], periode: str) -> tuple[str, str]:
    """The SELECT for one table and periode, and the filter used. HUGEINT counts (DuckDB's sum of
    integers) are cast to BIGINT: Parquet has no 128-bit integer and would get a DOUBLE."""
    cols = ", ".join(f"CAST({ident(c)} AS BIGINT) AS {ident(c)}" if d in ("HUGEINT", "UHUGEINT") else ident(c)
                     for c, d in columns)
    names = {c for c, _ in columns}
    for column in ("periode", "periode_declared"):
        if column in names:
            return f"SELECT {cols} FROM {ident(table)} WHERE {column} = {literal(periode)} ORDER BY ALL", column
    return f"SELECT {cols} FROM {ident(table)} ORDER BY ALL", "semua"


def _cell(ws, value):
    """A write-only cell; text is kept as text (a value starting with '=' must not become a
    formula: quarantine keeps raw values from public forms) and stripped of characters XLSX
    cannot hold."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value is not None and not isinstance(value, (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        # lists, structs, UUIDs, blobs: as text
        structured = isinstance(value, (list, tuple, dict))
        return _cell(ws, json.dumps(value, default=str, ensure_ascii=False) if structured else str(value))
    return WriteOnlyCell(ws, value=value)


@dataclass(frozen=True)
class _TableExport:
    """What to write for one table of a periode (the plan; nothing is written yet)."""

    table: str
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    sql: str  # the periode's rows
    filter: str  # 'periode' | 'periode_declared' | 'semua'
    sheet_rows: int = XLSX_MAX_ROWS  # rows on the sheet at most; a longer table also gets a full CSV


def export_plan(con: duckdb.DuckDBPyConnection, periode: str, max_rows: int = XLSX_MAX_ROWS) -> list[_TableExport]:
    """Every published table to export for `periode`, in sheet order, with its SELECT and at most
    `max_rows` rows on its sheet (never above Excel's limit)."""
    if not Periode.is_label(periode):  # the label goes into SQL text: accept nothing else
        raise ValueError(f"not a periode label: {periode!r}")
    tables = _tables(con)
    order = sorted(tables, key=lambda t: (SHEET_ORDER.index(t) if t in SHEET_ORDER else len(SHEET_ORDER), t))
    sheet_rows = min(max_rows, EXCEL_ROW_LIMIT)
    return [_TableExport(t, tables[t], *_select(t, tables[t], periode), sheet_rows) for t in order]


def export_periode(con: duckdb.DuckDBPyConnection, periode: str, out_dir: Path,
                   max_rows: int = XLSX_MAX_ROWS) -> list[ExportedTable]:
    """Every published table's rows for `periode` as Parquet plus one XLSX, into `out_dir`."""
    plan = export_plan(con, periode, max_rows)
    tmp = staging_dir(out_dir)
    try:
        wb = Workbook(write_only=True)
        done = [_write_table(con, wb, tmp, item) for item in plan]
        _write_notes_sheet(wb, done)
        wb.save(tmp / XLSX_NAME.format(periode=periode))
        (tmp / "manifest.json").write_text(json.dumps(_manifest(con, periode, done), indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [ExportedTable(periode, t, n, out_dir / f"{t}.parquet", w, how) for t, n, w, how in done]


def _write_table(con: duckdb.DuckDBPyConnection, wb: Workbook, folder: Path,
                 item: _TableExport) -> tuple[str, int, int, str]:
    """One table: its Parquet file, a CSV when the sheet cannot hold it, its sheet. Returns
    (table, rows, rows on the sheet, filter)."""
    target = folder / f"{item.table}.parquet"
    # COPY reports the rows it wrote
    rows = int(con.execute(f"COPY ({item.sql}) TO ? (FORMAT parquet, COMPRESSION zstd)", [target.as_posix()])
               .fetchall()[0][0])
    if rows > item.sheet_rows:
        _write_full_csv(con, target, folder / f"{item.table}.csv")
    written = _write_sheet(con, wb, item, target, rows)
    return item.table, rows, written, item.filter


def _write_full_csv(con: duckdb.DuckDBPyConnection, parquet: Path, csv: Path) -> None:
    """The full rows in a format Excel opens too (BOM: Excel reads it as UTF-8)."""
    with csv.open("wb") as f:
        f.write(b"\xef\xbb\xbf")
    con.execute("COPY (SELECT * FROM read_parquet(?)) TO ? (FORMAT csv, HEADER true)",
                [parquet.as_posix(), f"{csv.as_posix()}.body"])
    with csv.open("ab") as f, open(f"{csv}.body", "rb") as body:
        shutil.copyfileobj(body, f, 1 << 20)
    os.unlink(f"{csv}.body")


def _write_sheet(con: duckdb.DuckDBPyConnection, wb: Workbook, item: _TableExport, parquet: Path,
                 rows: int) -> int:
    """The table's sheet: a bold header and its first `item.sheet_rows` rows. Returns the rows written."""
    ws = wb.create_sheet(title=item.table[:31])
    bold = Font(bold=True)
    header = []
    for name, _ in item.columns:
        c = WriteOnlyCell(ws, value=name)
        c.font = bold
        header.append(c)
    ws.append(header)
    written = 0
    cur = con.execute(f"SELECT * FROM read_parquet(?) LIMIT {int(item.sheet_rows)}", [parquet.as_posix()])
    while written < min(rows, item.sheet_rows):
        batch = cur.fetchmany(min(_BATCH, item.sheet_rows - written))
        if not batch:
            break
        for r in batch:
            ws.append([_cell(ws, v) for v in r])
        written += len(batch)
    return written


def _write_notes_sheet(wb: Workbook, done: list[tuple[str, int, int, str]]) -> None:
    """The '_catatan' sheet, when a table did not fit on its sheet."""
    truncated = [(t, n, w) for t, n, w, _ in done if w < n]
    if truncated:
        ws = wb.create_sheet(title="_catatan")
        ws.append(["tabel", "baris", "baris di lembar ini", "catatan"])
        for t, n, w in truncated:
            ws.append([t, n, w, f"lembar ini memuat {w} baris pertama; data lengkap ada di {t}.csv dan {t}.parquet"])


def _manifest(con: duckdb.DuckDBPyConnection, periode: str, done: list[tuple[str, int, int, str]]) -> dict:
    published = {}
    if "_published" in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}:
        row = con.execute("SELECT published_at_utc, run_id FROM _published LIMIT 1").fetchone()
        if row:
            published = {"published_at_utc": row[0].isoformat() if row[0] else None, "run_id": row[1]}
    return {
        "periode": periode,
        **published,
        "xlsx": XLSX_NAME.format(periode=periode),
        "tables": {t: {"rows": n, "parquet": f"{t}.parquet", "xlsx_rows": w, "filter": how,
                       **({"csv": f"{t}.csv"} if w < n else {})}
                   for t, n, w, how in done},
    }


def write_exports(published: Path, out_root: Path, periodes: list[str] | None = None,
                  max_rows: int = XLSX_MAX_ROWS) -> dict[str, list[ExportedTable]]:
    """Exports of every requested periode (default: all published ones) from a read-only
    connection. A periode the file does not hold gets no folder and maps to []."""
    with duckdb.connect(str(published), read_only=True) as con:
        return write_exports_from(con, out_root, periodes, max_rows)


def write_exports_from(con: duckdb.DuckDBPyConnection, out_root: Path, periodes: list[str] | None = None,
                       max_rows: int = XLSX_MAX_ROWS) -> dict[str, list[ExportedTable]]:
    have = published_periodes(con)
    return {p: export_periode(con, p, out_root / p, max_rows) if p in have else []
            for p in (periodes if periodes is not None else have)}


def xlsx_path(out_root: Path, periode: str) -> Path:
    return out_root / periode / XLSX_NAME.format(periode=periode)
