"""The working warehouse, opened read-only, for every gate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pipelines.settings import Paths


@contextmanager
def warehouse(p: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(p.warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()
