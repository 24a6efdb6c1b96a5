"""The working warehouse, opened read-only, for every gate. Kept apart from the check modules so
that importing it never pulls in the dbt assets (which run `dbt parse` at import)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pipelines.settings import paths


@contextmanager
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(paths().warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()
