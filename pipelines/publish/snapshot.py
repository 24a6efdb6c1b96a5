"""Write, audit, publish: the last step. The published file is built beside the old one and
swapped in with ``os.replace`` so a dashboard holding the old file open keeps working and sees the
new data on reconnect. It is written in a storage version DuckDB 1.4 clients (most BI drivers)
can open, and holds tables only: no view points back at raw files or the working warehouse.
The respondent profile is the one table not copied as it is: small groups are suppressed on the
way out (publish/disclosure.py)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.publish.disclosure import PROFILE_TABLE, suppress_profile

STORAGE_VERSION = "v1.4.0"


def publish_snapshot(warehouse: Path, published: Path, tables: list[str], schema: str = "marts",
                     run_id: str | None = None, extra_tables: dict[str, list[dict]] | None = None) -> dict[str, int]:
    """Copy ``schema.table`` for each table, plus small `extra_tables` given as rows, into a fresh
    file and swap it in; returns row counts."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(published.name + ".new")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect()  # in memory: a read-only connection could not attach a new file
    try:
        con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
        con.execute(f"ATTACH '{tmp}' AS snap (STORAGE_VERSION '{STORAGE_VERSION}')")
        for table in tables:
            con.execute(f'CREATE TABLE snap.main."{table}" AS SELECT * FROM wh."{schema}"."{table}"')
            if table == PROFILE_TABLE:
                suppress_profile(con, f'snap.main."{table}"')
            counts[table] = con.execute(f'SELECT count(*) FROM snap.main."{table}"').fetchall()[0][0]
        for name, rows in (extra_tables or {}).items():
            if rows:
                frame = pd.DataFrame(rows)
                con.register("_extra", frame)
                con.execute(f'CREATE TABLE snap.main."{name}" AS SELECT * FROM _extra')
                con.unregister("_extra")
                counts[name] = len(rows)
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.execute(
            "CREATE TABLE snap.main._published AS SELECT ?::TIMESTAMP AS published_at_utc, ?::VARCHAR AS run_id",
            [published_at, run_id],
        )
        con.execute("DETACH snap")
        con.execute("DETACH wh")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, published)
    return counts
