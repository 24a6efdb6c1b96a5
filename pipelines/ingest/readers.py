"""Format readers: each turns one landed export into a DuckDB relation with its original headers.

CSV and JSON are read by DuckDB itself (no Python row loop), ONCE: the file is parsed into a temp
table numbered in file order, which both proves the file readable to the end and is what the
loader copies from (a view would re-sniff and re-parse the file at every query; at 240 files per
estate that fixed cost dominated ingest). Excel is read with openpyxl because DuckDB's Excel
extension is downloaded at run time, which this platform cannot do.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.registry import Source, normalise_header
from pipelines.sql import ident, literal


class FileProblem(Exception):
    """A file-level problem: the file cannot be read as the registry describes it. The message
    says what is wrong; the loader prefixes the file's path. The other files still load."""


ROW_COLUMN = "_skm_row"  # the 1-based data row number the readers that materialise add


@dataclass(frozen=True)
class RawView:
    view: str  # name of a DuckDB view or temp table over the file, one row per data row
    headers: list[str]  # column names; for JSON the registry's dotted paths found in the file
    is_json: bool = False
    temp_files: list[Path] = field(default_factory=list)  # removed by the loader when done
    rows: int | None = None  # data rows, when the reader already had to count them (saves a pass)
    kind: str = "view"  # 'view' or 'table': what the loader drops afterwards
    row_column: str | None = None  # column holding the data row number, else numbered in scan order


def _to_utf8(path: Path) -> Path:
    """A UTF-8 copy of a Windows-1252 (else Latin-1) file. DuckDB's own latin-1 decoder refuses
    the bytes 0x80-0x9F that Windows uses for the euro sign and curly quotes, so decode here."""
    for codec in ("cp1252", "latin-1"):
        fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="skm-utf8-")
        try:
            with open(path, encoding=codec, newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return Path(tmp)
        except UnicodeDecodeError:
            os.unlink(tmp)
    raise AssertionError("latin-1 decodes any byte")


def read_csv(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """Delimiter is sniffed (`,` `;` tab); UTF-8 with or without BOM, else Windows-1252 /
    Latin-1 (what Excel on Indonesian Windows saves)."""
    if path.stat().st_size == 0:
        raise FileProblem("the file is empty (0 bytes)")
    delim = source.options.get("delimiter")
    last_error: Exception | None = None
    candidates: list[tuple[Path, list[Path]]] = [(path, [])]
    if source.options.get("encoding") and source.options["encoding"].lower() not in ("utf-8", "utf8"):
        utf8 = _to_utf8(path)
        candidates = [(utf8, [utf8])]
    while candidates:
        target, temp_files = candidates.pop(0)
        # Ragged rows (a short last line, trailing empty columns) need null_padding, which DuckDB's
        # parallel scanner cannot combine with quoted newlines: only then read it single-threaded.
        for extra in ([], ["null_padding = true", "parallel = false"]):
            args = [literal(target), "all_varchar = true", "header = true", *extra]
            if delim:
                args.append("delim = " + literal(delim))
            # one sniff and one full parse: a bad file fails here, before anything is written
            sql = (f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT CAST(row_number() OVER () AS BIGINT) "
                   f"AS {ROW_COLUMN}, * FROM read_csv({', '.join(args)})")
            try:
                rows = con.execute(sql).fetchall()[0][0]
                cols = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()][1:]
                _check_header_width(source, target, cols, delim)
                return RawView(view, cols, temp_files=temp_files, rows=int(rows), kind="table",
                               row_column=ROW_COLUMN)
            except duckdb.Error as exc:  # noqa: PERF203 - a handful of attempts at most
                last_error = exc
                if "not utf-8 encoded" in str(exc) and not temp_files:
                    utf8 = _to_utf8(path)
                    candidates.append((utf8, [utf8]))
                    break
        for t in temp_files:
            t.unlink(missing_ok=True)
    msg = str(last_error).splitlines()[0] if last_error else "unknown error"
    raise FileProblem(f"not a readable CSV file ({msg})")


def _check_header_width(source: Source, path: Path, cols: list[str], delim: str | None) -> None:
    """DuckDB's sniffer skips a header line with fewer fields than the data rows (it takes it for
    a title) and names the columns after the first data row; the loader would then report every
    required column as missing. When no column is a registry header, look for the real header
    line among the first 30 and say what is wrong with it. Runs only on that failure path."""
    known = set(source.header_map)
    if any(normalise_header(c) in known for c in cols):
        return
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        head = [line for _, line in zip(range(30), f)]
    delimiters = [delim] if delim else [",", ";", "\t"]
    for number, line in enumerate(head, 1):
        for d in delimiters:
            fields = next(csv.reader([line], delimiter=d), [])
            if sum(1 for c in fields if normalise_header(c) in known) >= 3 and len(fields) != len(cols):
                raise FileProblem(
                    f"the header on line {number} names {len(fields)} columns but the data rows have "
                    f"{len(cols)}: a column name is missing from the header, or the rows carry an extra "
                    f"'{d}'")


def json_path(dotted: str) -> str:
    """The registry's dotted path ('answers.U1') as a JSONPath with quoted keys ('$."answers"."U1"')."""
    return "$" + "".join('."' + part.replace('"', '\\"') + '"' for part in dotted.split("."))


def read_json(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """A JSON array of objects or newline-delimited JSON; nested objects are reached with the
    registry's dotted paths. Every value is taken as its text (4 -> '4', "4" -> '4', a nested
    object -> its JSON), in one pass and without schema inference: the registry already says
    which paths to read, and an inferred schema would need a full extra pass to be safe against
    a field whose type changes deep in the file."""
    if path.stat().st_size == 0:
        raise FileProblem("the file is empty (0 bytes)")
    paths = list(dict.fromkeys(source.columns.values()))
    listed = "[" + ", ".join(literal(json_path(p)) for p in paths) + "]"
    columns = ", ".join(f"v[{i}] AS {ident(p)}" for i, p in enumerate(paths, start=1))
    src = f"read_json_objects({literal(path)}, format = 'auto')"
    try:
        rows = con.execute(
            f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT CAST(row_number() OVER () AS BIGINT) AS {ROW_COLUMN}, "
            f"{columns} FROM (SELECT json_extract_string(json, {listed}) AS v FROM {src})"
        ).fetchall()[0][0]
        # A path holding no value anywhere is either absent or always null: ask the file which
        # (rare: only then is it read a second time).
        counts = con.execute(
            f"SELECT {', '.join(f'count({ident(p)})' for p in paths)} FROM {view}").fetchall()[0] if paths else ()
        empty = [p for p, n in zip(paths, counts) if n == 0]
        absent: set[str] = set()
        if empty and rows:
            exists = con.execute(
                f"SELECT {', '.join(f'bool_or(json_exists(json, {literal(json_path(p))}))' for p in empty)} "
                f"FROM {src}").fetchall()[0]
            absent = {p for p, e in zip(empty, exists) if not e}
    except duckdb.Error as exc:
        con.execute(f"DROP TABLE IF EXISTS {view}")
        raise FileProblem(f"not readable as JSON ({str(exc).splitlines()[0]})") from exc
    return RawView(view, [p for p in paths if p not in absent], is_json=True, rows=int(rows), kind="table",
                   row_column=ROW_COLUMN)


def _cell_text(value: object) -> str | None:
    """Excel cells as the text a person sees: dates as ISO, 3.0 as '3', blanks as NULL."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_xlsx(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """Title rows above the header are common on keyed-in paper surveys: the header row is the
    first of the first 30 rows in which at least three cells are registry headers."""
    import openpyxl  # imported here: only Excel sources need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise FileProblem(f"not a readable Excel .xlsx workbook ({exc.__class__.__name__})") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: not a spreadsheet at all
        raise FileProblem(f"not a readable Excel .xlsx workbook ({exc})") from exc
    try:
        if source.sheet:
            if source.sheet not in wb.sheetnames:
                raise FileProblem(
                    f"sheet '{source.sheet}' named in the registry is missing "
                    f"(sheets: {', '.join(wb.sheetnames)})"
                )
            ws = wb[source.sheet]
        else:
            ws = wb.worksheets[0]
        known = set(source.header_map)
        rows = ws.iter_rows(values_only=True)
        header: list[str] | None = None
        for _ in range(30):
            row = next(rows, None)
            if row is None:
                break
            if sum(1 for c in row if normalise_header(c) in known) >= 3:
                header = [str(c).strip() if c is not None else "" for c in row]
                break
        if header is None:
            raise FileProblem("no header row with the registry's column names in the first 30 rows")
        width = len(header)
        data = [[_cell_text(v) for v in r[:width]] for r in rows]
    finally:
        wb.close()
    names = [h or f"column{i}" for i, h in enumerate(header)]
    frame = pd.DataFrame(data, columns=names, dtype="string") if data else pd.DataFrame(
        {n: pd.Series(dtype="string") for n in names}
    )
    con.register(f"{view}_df", frame)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {view}_df")
    return RawView(view, names)


READERS = {"csv": read_csv, "json": read_json, "xlsx": read_xlsx}
