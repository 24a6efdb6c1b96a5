"""Format readers: each turns one landed export into a DuckDB view with its original headers.

CSV and JSON are read by DuckDB itself (no Python row loop). Excel is read with openpyxl because
DuckDB's Excel extension is downloaded at run time, which this platform cannot do.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.registry import Source, normalise_header


class FileProblem(Exception):
    """A file-level problem: the file cannot be read as the registry describes it. The message
    says what is wrong; the loader prefixes the file's path. The other files still load."""


@dataclass(frozen=True)
class RawView:
    view: str  # name of a DuckDB view over the file, one row per data row, in file order
    headers: list[str]  # column names (for JSON: also dotted paths that exist, see `has_path`)
    is_json: bool = False
    temp_files: list[Path] = field(default_factory=list)  # removed by the loader when done
    rows: int | None = None  # data rows, when the reader already had to count them (saves a pass)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


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
            args = [_quote(target), "all_varchar = true", "header = true", *extra]
            if delim:
                args.append("delim = " + _quote(Path(delim)))
            sql = f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_csv({', '.join(args)})"
            try:
                con.execute(sql)
                cols = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
                # forces a full parse now, so a bad file fails here; the loader reuses the count
                rows = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
                return RawView(view, cols, temp_files=temp_files, rows=int(rows))
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


def read_json(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """A JSON array of objects or newline-delimited JSON; nested objects are read as structs and
    reached with the registry's dotted paths."""
    if path.stat().st_size == 0:
        raise FileProblem("the file is empty (0 bytes)")
    sql = (
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM "
        f"read_json({_quote(path)}, format = 'auto', sample_size = -1, "
        "timestampformat = 'NONE', dateformat = 'NONE')"
    )
    try:
        con.execute(sql)
        described = con.execute(f"DESCRIBE {view}").fetchall()
        cols = [r[0] for r in described]
        # Freeze the inferred schema: otherwise every later query re-reads the whole file to infer it.
        spec = "{" + ", ".join(f"'{name.replace(chr(39), chr(39) * 2)}': '{typ}'" for name, typ, *_ in described) + "}"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_json({_quote(path)}, format = 'auto', "
            f"columns = {spec}, timestampformat = 'NONE', dateformat = 'NONE')"
        )
    except duckdb.Error as exc:
        raise FileProblem(f"not readable as JSON ({str(exc).splitlines()[0]})") from exc
    return RawView(view, cols, is_json=True)


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
