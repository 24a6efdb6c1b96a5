"""File writers, one per export shape. Each writes to a ``.tmp`` sibling first and renames, so a
sensor watching the landing folder never sees half a file (the loader skips ``*.tmp``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def _replace_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]], *, delimiter: str,
              encoding: str) -> None:
    """Minimal quoting with CRLF line ends, as spreadsheet exports do; saran with the delimiter,
    quotes or newlines come out quoted."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(headers)
    w.writerows(rows)
    _replace_atomically(path, buf.getvalue().encode(encoding, errors="replace"))


def write_xlsx(path: Path, *, sheet: str, titles: Sequence[str], header_row: int | None, headers: Sequence[str],
               rows: Iterable[Sequence[Any]], date_format: str) -> None:
    """Write-only mode keeps 20 000-row workbooks fast; dates become real Excel date cells with
    an Indonesian display format."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    # Fixed document times: the same seed should give the same workbook content.
    wb.properties.creator = "Admin SKM"
    wb.properties.created = dt.datetime(2025, 1, 2, 8, 0, 0)
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    lead = list(titles)
    if header_row is not None:
        lead = lead[: max(0, header_row - 1)]
        lead += [""] * (header_row - 1 - len(lead))
    elif lead:
        lead.append("")  # one blank row between the title block and the header
    for text in lead:
        if text:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            ws.append([cell])
        else:
            ws.append([])
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        out: list[Any] = []
        for v in row:
            if isinstance(v, (dt.date, dt.datetime)):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = date_format
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    _replace_atomically(path, buf.getvalue())


def write_json_array(path: Path, records: Sequence[dict]) -> None:
    """An API dump: one pretty-printed array."""
    text = json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
    _replace_atomically(path, text.encode("utf-8"))


def write_ndjson(path: Path, records: Iterable[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    _replace_atomically(path, text.encode("utf-8"))
