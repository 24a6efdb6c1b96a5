"""Format readers: each turns one landed export into a DuckDB relation with its original headers.

CSV and JSON are read by DuckDB itself (no Python row loop), ONCE: the file is parsed into a temp
table numbered in file order, which both proves the file readable to the end and is what the
loader copies from (a view would re-sniff and re-parse the file at every query; at 240 files per
estate that fixed cost dominated ingest). Excel (.xlsx, .xls, .ods) is read with python-calamine
(see ``read_xlsx`` for why); DuckDB's Excel extension is downloaded at run time, which this
platform cannot do.

No reader drops or changes a value silently: a file that is not what its registry entry says is
a file-level error saying what the file is and what to do (``describe_file``); a value that cannot
be read is carried so that dbt quarantines its row with a reason (``FORMULA_MARK``).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from xml.etree import ElementTree
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.registry import REQUIRED_FIELDS, Source, normalise_header
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
    facts: dict[str, str] = field(default_factory=dict)  # what the reader found: encoding, sheet, header row


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .ods, .docx, .zip
PASSWORD_PROTECTED = (
    "a password-protected (encrypted) Excel workbook: remove the password (in Excel: File > Info > "
    "Protect Workbook > Encrypt with Password, clear the password and save) and land it again")
_SPREADSHEETS = ("xlsx", "xls", "ods")
_WHAT = {
    "xlsx": "an Excel .xlsx workbook",
    "xls": "an Excel 97-2003 .xls workbook",
    "ods": "an OpenDocument .ods spreadsheet",
    "encrypted": "a password-protected (encrypted) Excel workbook",
    "docx": "a Word .docx document",
    "zip": "a ZIP archive",
    "ole": "an Office 97-2003 file that holds no workbook (a Word .doc or similar)",
    "pdf": "a PDF document",
    "image": "an image (a scan or photo)",
    "utf16": "a UTF-16 text file (Excel's \"Unicode text\")",
    "binary": "a binary file",
}


@dataclass(frozen=True)
class FileKind:
    kind: str  # empty | xlsx | xls | ods | encrypted | docx | zip | ole | pdf | image | utf16 | text | binary
    what: str  # the kind in words, for messages: "an Excel 97-2003 .xls workbook"


def describe_file(path: Path) -> FileKind:
    """What a landed file is, from its first bytes (and, for a ZIP or OLE2 container, the names
    inside it): costs one small read for a text file."""
    with path.open("rb") as f:
        head = f.read(4096)
    if not head:
        return FileKind("empty", "an empty file (0 bytes)")
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError):
            return FileKind("zip", "a damaged ZIP archive (an .xlsx cut short in the upload, or another file)")
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            kind = "xlsx"
        elif b"opendocument.spreadsheet" in mimetype:
            kind = "ods"
        elif "word/document.xml" in names:
            kind = "docx"
        else:
            kind = "zip"
        return FileKind(kind, _WHAT[kind])
    if head.startswith(OLE2_MAGIC):
        # the compound file's directory names its streams in UTF-16: an encrypted OOXML workbook
        # is an "EncryptedPackage" stream, a .xls a "Workbook" (BIFF8) or "Book" (BIFF5) stream
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            kind = "encrypted"
        elif "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
            kind = "xls"
        else:
            kind = "ole"
        return FileKind(kind, _WHAT[kind])
    if head.startswith(b"%PDF"):
        return FileKind("pdf", _WHAT["pdf"])
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return FileKind("image", _WHAT["image"])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return FileKind("utf16", _WHAT["utf16"])
    if b"\x00" in head:
        return FileKind("binary", "a binary file (or UTF-16 text without a byte-order mark)")
    first = head.decode("utf-8", errors="replace").strip().splitlines()
    start = first[0] if first else ""
    start = start if len(start) <= 60 else start[:60] + "..."
    return FileKind("text", f"a text file (starting '{start}')")


def _not_a(kind: FileKind, fmt: str) -> FileProblem:
    """The file-level error for a file that is not of the registry's format: what it is, what to do."""
    if kind.kind == "encrypted":
        return FileProblem(PASSWORD_PROTECTED)
    if kind.kind in _SPREADSHEETS:
        todo = ("save it as CSV (File > Save As > CSV UTF-8) and land that, or register the source with "
                "`format: xlsx`" if fmt == "CSV" else "land the export in the registry's format")
    else:
        todo = f"land the survey export itself (a {fmt} file)"
    return FileProblem(f"{kind.what}, not a {fmt} file: {todo}")


def _text_file(path: Path, fmt: str) -> FileKind:
    """The kind of a file a text reader (CSV, JSON) is about to read: an empty file, or one of
    another kind (a workbook, an archive, a document), is refused here with what it is."""
    kind = describe_file(path)
    if kind.kind == "empty":
        raise FileProblem("the file is empty (0 bytes)")
    if kind.kind not in ("text", "utf16"):
        raise _not_a(kind, fmt)
    return kind


def _to_utf8(path: Path, codecs: tuple[str, ...] = ("cp1252", "latin-1")) -> Path:
    """A UTF-8 copy of a Windows-1252 (else Latin-1) file, or of a UTF-16 one (Excel's "Unicode
    text", with its byte-order mark). DuckDB's own latin-1 decoder refuses the bytes 0x80-0x9F that
    Windows uses for the euro sign and curly quotes, and it reads no UTF-16: decode here."""
    for codec in codecs:
        fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="skm-utf8-")
        try:
            with open(path, encoding=codec, newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return Path(tmp)
        except UnicodeError:
            os.unlink(tmp)
    raise FileProblem(f"the file is not valid {' or '.join(codecs)} text: save it again as CSV UTF-8 and land it again")


def read_csv(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """Delimiter is sniffed (`,` `;` tab); UTF-8 with or without BOM, else Windows-1252 /
    Latin-1 (what Excel on Indonesian Windows saves), or UTF-16 with a BOM (Excel's "Unicode
    text", tab-separated). A workbook, archive or document landed in a CSV source is named as
    such instead of being parsed as text."""
    kind = _text_file(path, "CSV")
    delim = source.options.get("delimiter")
    last_error: Exception | None = None
    candidates: list[tuple[Path, list[Path]]] = [(path, [])]
    if kind.kind == "utf16":
        utf8 = _to_utf8(path, ("utf-16",))
        candidates = [(utf8, [utf8])]
    elif source.options.get("encoding") and source.options["encoding"].lower() not in ("utf-8", "utf8"):
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
                _check_duplicate_headers(source, _csv_originals(cols), [f"column {i}" for i in range(1, len(cols) + 1)])
                encoding = ("UTF-8" if target == path else "UTF-16 (converted)" if kind.kind == "utf16"
                            else f"{source.options.get('encoding') or 'Windows-1252'} (converted)")
                return RawView(view, cols, temp_files=temp_files, rows=int(rows), kind="table",
                               row_column=ROW_COLUMN, facts={"encoding": encoding})
            except FileProblem:
                con.execute(f"DROP TABLE IF EXISTS {view}")
                for t in temp_files:
                    t.unlink(missing_ok=True)
                raise
            except duckdb.Error as exc:  # noqa: PERF203 - a handful of attempts at most
                last_error = exc
                if "not utf-8 encoded" in str(exc) and not temp_files:
                    utf8 = _to_utf8(path)
                    candidates.append((utf8, [utf8]))
                    break
        for t in temp_files:
            t.unlink(missing_ok=True)
    msg = str(last_error).splitlines()[0] if last_error else "unknown error"
    raise FileProblem(f"not a readable CSV file ({msg}): check its delimiter and quoting, save it again as "
                      "CSV UTF-8 and land it again")


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


def _csv_originals(cols: list[str]) -> list[str]:
    """The header texts behind DuckDB's column names: DuckDB renames a repeated header (compared
    without case) to `name_1`, `name_2`; undo that where the base name is an earlier column."""
    seen: set[str] = set()
    out: list[str] = []
    for c in cols:
        m = re.fullmatch(r"(.+)_\d+", c)
        out.append(m.group(1) if m and c.lower() not in seen and m.group(1).lower() in seen else c)
        seen.add(c.lower())
    return out


def _check_duplicate_headers(source: Source, headers: list[str], positions: list[str]) -> None:
    """Two columns under one registry header (after normalise_header): which one holds the
    answers is a guess, so the file is refused, naming both columns. Unmapped repeats pass."""
    wanted = source.header_map
    where: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        n = normalise_header(h)
        if n in wanted:
            where.setdefault(n, []).append(i)
    repeated = [(n, idx) for n, idx in where.items() if len(idx) > 1]
    if repeated:
        described = "; ".join(
            f"'{source.columns[wanted[n]]}' ({wanted[n]}) is the header of "
            + " and ".join(f"{positions[i]} ('{headers[i]}')" for i in idx)
            for n, idx in repeated)
        raise FileProblem(f"duplicated column header: {described}: delete or rename the extra column "
                          "and land the file again")


def json_path(dotted: str) -> str:
    """The registry's dotted path ('answers.U1') as a JSONPath with quoted keys ('$."answers"."U1"')."""
    return "$" + "".join('."' + part.replace('"', '\\"') + '"' for part in dotted.split("."))


def read_json(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """A JSON array of objects or newline-delimited JSON; nested objects are reached with the
    registry's dotted paths. Every value is taken as its text (4 -> '4', "4" -> '4', a nested
    object -> its JSON), in one pass and without schema inference: the registry already says
    which paths to read, and an inferred schema would need a full extra pass to be safe against
    a field whose type changes deep in the file.

    An API response wrapping the records in an object (``{"data": [...], "meta": {...}}``) is
    read with the registry's ``record_path`` (dotted path of the array: ``data``,
    ``result.items``), unnested by DuckDB. Without it such a file is refused with the key to set,
    never read as one record."""
    kind = _text_file(path, "JSON")
    if kind.kind == "text":
        return _read_json(con, source, path, view)
    utf8 = _to_utf8(path, ("utf-16",))  # DuckDB reads no UTF-16
    try:
        raw = _read_json(con, source, utf8, view)
    except BaseException:
        utf8.unlink(missing_ok=True)
        raise
    return RawView(raw.view, raw.headers, is_json=True, temp_files=[utf8], rows=raw.rows, kind=raw.kind,
                   row_column=raw.row_column)


MAX_JSON_VALUE = 16 * 1024 * 1024  # DuckDB's default maximum_object_size: one record, or one small file


def _first_byte(path: Path) -> bytes:
    """The first byte of the file that is not white space (nor a UTF-8 byte-order mark)."""
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1]


def _wrapping_key(path: Path, limit: int = 1 << 16) -> str | None:
    """The dotted key of the first list of objects in an object (``{"meta": {...}, "data": [{``:
    'data'), from the file's first 64 KiB only: it words the refusal of a file too large to be
    read as one value, so it must not parse the whole file. None when no such list starts there."""
    with path.open("rb") as f:
        head = f.read(limit).decode("utf-8", errors="replace")
    keys: list[str | None] = []  # the key of each open object ({), None for a list ([)
    pending: str | None = None  # the key whose value comes next
    i, n = 0, len(head)
    while i < n:
        ch = head[i]
        if ch == '"':
            j = i + 1
            while j < n and head[j] != '"':
                j += 2 if head[j] == "\\" else 1
            text = head[i + 1:j]
            k = j + 1
            while k < n and head[k] in " \t\r\n":
                k += 1
            if keys and keys[-1] is not None and k < n and head[k] == ":":
                pending = text
                i = k + 1
                continue
            i = j + 1
            continue
        if ch == "{":
            keys.append(pending or "")
            pending = None
        elif ch == "[":
            if pending is not None and keys and all(k is not None for k in keys) and \
                    head[i + 1:i + 200].lstrip().startswith("{"):  # a list of objects: the records
                return ".".join([k for k in keys[1:] if k] + [pending])
            keys.append(None)
            pending = None
        elif ch in "}]":
            if keys:
                keys.pop()
            pending = None
        elif ch == ",":
            pending = None
        i += 1
    return None


def _too_large(path: Path) -> FileProblem:
    """The refusal of a file whose single JSON value is larger than a record can be: loading it as
    one value would take the whole file in memory at once (it ran out of memory at 61 MB)."""
    mb = path.stat().st_size / (1024 * 1024)
    key = _wrapping_key(path)
    where = (f"if it wraps the records in an object (an API response), set `record_path: {key}` in the registry "
             f"entry (the list under '{key}')" if key else
             "if it wraps the records in an object (an API response), set `record_path: <key>` in the registry "
             "entry, naming the key that holds the list of records")
    return FileProblem(f"one JSON value of {mb:.0f} MB, not a list of records (a record can be at most "
                       f"{MAX_JSON_VALUE // (1024 * 1024)} MB): {where}; else export it again as a JSON array of "
                       "records (or one record per line) and land it again")


def _read_json(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """A JSON array is read with ``read_json(format = 'array')``: DuckDB streams its elements, each a
    record of at most MAX_JSON_VALUE bytes, so memory stays bounded whatever the file's size. Only a
    file holding its records under a key (the registry's ``record_path``) is read as one value,
    with maximum_object_size as large as the file; any other single value that large is refused
    (``_too_large``), never loaded whole (the old reader loaded every file over 16 MB as one value
    and ran out of memory on a 61 MB kiosk export). The elements are declared as one JSON column
    (no schema inference) and every registry path is extracted as text in one pass."""
    paths = list(dict.fromkeys(source.columns.values()))
    listed = "[" + ", ".join(literal(json_path(p)) for p in paths) + "]"
    columns = ", ".join(f"v[{i}] AS {ident(p)}" for i, p in enumerate(paths, start=1))
    size = path.stat().st_size
    record_path = source.options.get("record_path")
    # the objects (for the checks on a file that is not a list of records): one small value at most
    objects = f"read_json_objects({literal(path)}, format = 'auto')"
    if record_path:
        # the records sit under a key: the file is one value, let it be as large as the file
        limit = f", maximum_object_size = {size + 1024}" if size > MAX_JSON_VALUE else ""
        objects = f"read_json_objects({literal(path)}, format = 'auto'{limit})"
        src = (f"(SELECT unnest(CAST(json_extract(json, {literal(json_path(str(record_path)))}) AS JSON[])) AS json "
               f"FROM {objects})")
    else:
        fmt = "array" if _first_byte(path) == b"[" else "auto"  # auto: one record per line, or one object
        src = (f"read_json({literal(path)}, format = {literal(fmt)}, records = false, "
               "columns = {'json': 'JSON'})")
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
        if not record_path and "maximum_object_size" in str(exc):
            raise _too_large(path) from exc
        if record_path:
            _check_record_path(con, objects, str(record_path))
        raise FileProblem(f"not readable as JSON ({str(exc).splitlines()[0]}): export it again as a JSON array "
                          "of records (or one record per line) and land it again") from exc
    try:
        if record_path and not rows:
            _check_record_path(con, objects, str(record_path))
        required = {source.columns[f] for f in REQUIRED_FIELDS}
        if not record_path and rows == 1 and required <= absent | set(empty):
            _check_wrapped(con, objects)
    except FileProblem:
        con.execute(f"DROP TABLE IF EXISTS {view}")
        raise
    return RawView(view, [p for p in paths if p not in absent], is_json=True, rows=int(rows), kind="table",
                   row_column=ROW_COLUMN)


def _check_record_path(con: duckdb.DuckDBPyConnection, objects: str, record_path: str) -> None:
    """The registry's record_path found nothing, or not an array: say what the file holds there."""
    got = con.execute(f"SELECT json_type(json, {literal(json_path(record_path))}), json_type(json), "
                      f"json_keys(json) FROM {objects} LIMIT 1").fetchall()
    if not got:
        return
    at, top, keys = got[0]
    if at is None:
        holds = (f"a JSON object with the keys {', '.join(keys or [])}" if top == "OBJECT"
                 else "a list of records" if top == "ARRAY" else f"a JSON {str(top).lower()}")
        todo = ("remove `record_path` from the registry entry" if top == "ARRAY"
                else "correct `record_path` in the registry entry")
        raise FileProblem(f"`record_path: {record_path}` from the registry is not in the file, which is {holds}: {todo}")
    if at != "ARRAY":
        raise FileProblem(f"`record_path: {record_path}` from the registry holds a JSON {at.lower()}, not a list of "
                          "records: point `record_path` at the array of records")


def _check_wrapped(con: duckdb.DuckDBPyConnection, objects: str) -> None:
    """One object, and none of the registry's required paths in it: is it an object wrapping the
    records (an API response)? Looks two levels down for an array of objects."""
    top = con.execute(f"SELECT json_type(json), json_keys(json) FROM {objects}").fetchall()
    if not top or top[0][0] != "OBJECT":
        return
    candidates = [[k] for k in top[0][1] or []]
    for _level in range(2):
        if not candidates:
            return
        probes = ", ".join(
            f"json_type(json, {literal(json_path('.'.join(c)))}), json_array_length(json, {literal(json_path('.'.join(c)))}), "
            f"json_type(json, {literal(json_path('.'.join(c)) + '[0]')}), json_keys(json, {literal(json_path('.'.join(c)))})"
            for c in candidates)
        got = con.execute(f"SELECT {probes} FROM {objects}").fetchall()[0]
        deeper: list[list[str]] = []
        for i, c in enumerate(candidates):
            typ, length, first, keys = got[4 * i:4 * i + 4]
            if typ == "ARRAY" and first == "OBJECT":
                dotted = ".".join(c)
                raise FileProblem(
                    f"a JSON object wrapping the records under '{dotted}' (a list of {length} objects), not a "
                    f"list of records: set `record_path: {dotted}` in the registry entry")
            if typ == "OBJECT":
                deeper += [c + [k] for k in keys or []]
        candidates = deeper


def cell_text(value: object) -> str | None:
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


# A formula cell with no saved value (a workbook written by a program that does not calculate,
# e.g. openpyxl) holds no answer to read, and a blank would silently lose it. The reader writes
# this mark, the cell and the formula instead ("#FORMULA_WITHOUT_VALUE! D7 =C7+1"); dbt
# quarantines the row with reason formula_without_value (macro formula_without_value_mark).
FORMULA_MARK = "#FORMULA_WITHOUT_VALUE!"


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_index(ref: str) -> tuple[int, int]:
    """'D7' -> (6, 3): 0-based row and column."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


# a formula element, or an error cell (t="e"): the two things calamine reads as an empty cell
_NEEDS_XML = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st=[\"']e[\"']")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet's XML, from xl/workbook.xml and its relationships (None for
    a binary .xlsb workbook, which has neither)."""
    names = set(z.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = next((el.get(f"{{{_REL_NS}}}id") for el in wb.iter() if _local(el.tag) == "sheet" and el.get("name") == sheet),
               None)
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def cells_calamine_misses(path: Path, sheet: str) -> tuple[dict[tuple[int, int], tuple[str, str]],
                                                         dict[tuple[int, int], str]]:
    """What python-calamine reads as an empty cell though the cell is not empty, by (row, column)
    0-based: formula cells with no saved value -> (cell reference, formula), and error cells
    (#DIV/0!, #N/A, #REF!) -> the error text a person sees. The sheet XML is scanned for a
    formula or an error cell first (C speed, no parse); only a sheet that has one is parsed. A
    formula whose saved value is the empty text (t="str" with an empty <v>) has a value: the
    blank Excel computed."""
    found: dict[tuple[int, int], tuple[str, str]] = {}
    errors: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as z:
        part = _sheet_part(z, sheet)
        if part is None or part not in z.namelist():
            return found, errors
        tail = b""
        with z.open(part) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                if _NEEDS_XML.search(tail + chunk):
                    break
                tail = chunk[-64:]
            else:
                return found, errors
        shared: dict[str, str] = {}
        with z.open(part) as f:
            for _event, el in ElementTree.iterparse(f, events=("end",)):
                name = _local(el.tag)
                if name == "row":
                    el.clear()
                    continue
                if name != "c":
                    continue
                formula = value = None
                for child in el:
                    if _local(child.tag) == "f":
                        formula = child
                    elif _local(child.tag) == "v":
                        value = child
                ref = el.get("r")
                if el.get("t") == "e" and value is not None and value.text and ref:
                    errors[_cell_index(ref)] = value.text
                if formula is None:
                    continue
                text = formula.text or ""
                if formula.get("t") == "shared" and formula.get("si") is not None:
                    if text:
                        shared[formula.get("si")] = text
                    else:
                        text = shared.get(formula.get("si"), "")
                        text = f"{text} (shared)" if text else "(a shared formula)"
                has_value = value is not None and (bool(value.text) or el.get("t") == "str")
                if not has_value and ref:
                    found[_cell_index(ref)] = (ref, "=" + text)
    return found, errors


def read_xlsx(con: duckdb.DuckDBPyConnection, source: Source, path: Path, view: str) -> RawView:
    """An Excel workbook: .xlsx, a legacy Excel 97-2003 .xls, or an OpenDocument .ods, whatever the
    file is called. Read with python-calamine (Rust's calamine) rather than openpyxl: it returns the
    value Excel saved for a formula cell, where openpyxl's ``data_only=True`` returns None for any
    formula without a saved value, silently blanking answers; it reads .xls and .ods too (openpyxl
    reads neither); and it is several times faster. calamine gives such an unsaved formula as an
    empty cell, so the sheet XML is checked for them (``cells_calamine_misses``, only parsed when
    the sheet has formulas): each is written as ``FORMULA_MARK`` and dbt quarantines its row. An
    error cell (#DIV/0!, #N/A), which calamine also reads as empty, keeps its error text (an answer
    '#N/A' is quarantined as unknown_label), as openpyxl gave it.
    .xls stores every formula's result, so it needs no such check.

    Title rows above the header are common on keyed-in paper surveys: the header row is the
    first of the first 30 rows in which at least three cells are registry headers. A registry
    header on two columns is a file-level error naming both. A password-protected workbook is
    named as such."""
    import python_calamine  # imported here: only Excel sources need it

    kind = describe_file(path)
    if kind.kind == "empty":
        raise FileProblem("the file is empty (0 bytes)")
    if kind.kind == "encrypted":
        raise FileProblem(PASSWORD_PROTECTED)
    if kind.kind not in _SPREADSHEETS:
        raise FileProblem(f"not a readable Excel workbook: {kind.what}, not a spreadsheet: land the Excel export "
                          "itself (.xlsx or .xls)" + (", or register the source with `format: csv`"
                                                      if kind.kind in ("text", "utf16") else ""))
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise FileProblem(PASSWORD_PROTECTED) from exc
    except Exception as exc:  # noqa: BLE001 - calamine's errors: a damaged or truncated file
        raise FileProblem(f"not a readable Excel workbook: {kind.what} that cannot be opened "
                          f"({str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}): open it in Excel, "
                          "save it again and land it again") from exc
    try:
        if source.sheet:
            if source.sheet not in wb.sheet_names:
                raise FileProblem(
                    f"sheet '{source.sheet}' named in the registry is missing "
                    f"(sheets: {', '.join(wb.sheet_names)}): rename the sheet, or correct `sheet:` in the registry"
                )
            name = source.sheet
        else:
            worksheets = [m.name for m in wb.sheets_metadata
                          if m.typ == python_calamine.SheetTypeEnum.WorkSheet] or wb.sheet_names
            name = worksheets[0]
        try:
            # not skipping the empty area: row and column indexes are the sheet's (A1 = [0][0])
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except python_calamine.CalamineError as exc:
            raise FileProblem(f"sheet '{name}' of {kind.what} cannot be read ({exc}): open it in Excel, save it "
                              "again and land it again") from exc
    finally:
        wb.close()
    known = set(source.header_map)
    start: int | None = None
    declared = source.options.get("header_row")
    if declared is not None:
        # the registry says where the header is: it must be there (never another row silently)
        row = rows[declared - 1] if declared <= len(rows) else []
        if not any(normalise_header(cell_text(c)) in known for c in row):
            raise FileProblem(f"row {declared} of sheet '{name}' (the registry's header_row) holds none of the "
                              "registry's column names: correct header_row, or remove it to find the header "
                              "below any title rows")
        start = declared - 1
    for i, row in enumerate(rows[:30] if start is None else []):
        if sum(1 for c in row if normalise_header(cell_text(c)) in known) >= 3:
            start = i
            break
    if start is None:
        raise FileProblem(f"no header row with the registry's column names in the first 30 rows of sheet '{name}': "
                          "check the sheet and the registry's column names")
    header = [cell_text(c) or "" for c in rows[start]]
    width = len(header)
    _check_duplicate_headers(source, header, [f"column {column_letter(i)}" for i in range(width)])
    data = [[cell_text(v) for v in r[:width]] for r in rows[start + 1:]]
    if kind.kind == "xlsx":
        formulas, errors = cells_calamine_misses(path, name)
        marks = {pos: f"{FORMULA_MARK} {ref} {formula}" for pos, (ref, formula) in formulas.items()}
        for (r, c), text in {**marks, **errors}.items():
            if r <= start or c >= width:
                continue  # above the data, or in a column without a header: never read
            while r - start - 1 >= len(data):
                data.append([None] * width)
            cells = data[r - start - 1]
            if cells[c] is None:
                cells[c] = text
    names: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(header):
        n = h or f"column{i}"
        base, k = n, 0
        while n.lower() in taken:  # an unmapped repeated header: a distinct view column name
            k += 1
            n = f"{base}_{k}"
        taken.add(n.lower())
        names.append(n)
    frame = pd.DataFrame(data, columns=names, dtype="string") if data else pd.DataFrame(
        {n: pd.Series(dtype="string") for n in names}
    )
    con.register(f"{view}_df", frame)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {view}_df")
    return RawView(view, names, facts={"sheet": name, "header_row": str(start + 1)})


READERS = {"csv": read_csv, "json": read_json, "xlsx": read_xlsx}
