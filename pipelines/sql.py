"""Quoting for the few places where a value or a name has to be pasted into SQL text.

Prefer bound parameters (``con.execute("ATTACH ? AS wh", [path])``): DuckDB 2.0 binds them in
ATTACH, COPY ... TO and table functions such as read_parquet. Where SQL text is unavoidable (a
read_csv option list, a column named after an export's header, a salt inside an expression) use
these two, and nothing else: a path with a quote, a space or a non-ASCII letter is an ordinary
path here (a data folder named "Kota's Bontang" must publish). The dbt side has the same rule in
``dbt_project/macros/quoting.sql``.
"""

from __future__ import annotations

import os


def literal(value: object) -> str:
    """A SQL string literal holding ``value`` as text (a path as its OS string), or NULL."""
    if value is None:
        return "NULL"
    text = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    if "\x00" in text:  # DuckDB strings cannot hold NUL; refuse rather than truncate silently
        raise ValueError("a SQL literal cannot contain a NUL character")
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A double-quoted SQL identifier (a table or column name, any characters)."""
    if "\x00" in name:
        raise ValueError("a SQL identifier cannot contain a NUL character")
    return '"' + name.replace('"', '""') + '"'
