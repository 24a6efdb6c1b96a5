"""Write, audit, publish: the last step. The published file is built beside the old one and
swapped in with ``os.replace`` so a dashboard holding the old file open keeps working; it sees the
new data once it has closed every connection to the file (DuckDB keeps one open database per path
in a process; README "Connecting BI tools"). A kill before the swap leaves ``skm.duckdb.new``
behind, which the next run removes (pipelines/run_lock.py). It is written in a storage version DuckDB 1.4 clients (most BI drivers)
can open, and holds tables only: no view points back at raw files or the working warehouse.
The respondent profile is the one table not copied as it is: small groups are suppressed on the
way out (publish/disclosure.py).

The file describes itself: every table and column carries its description from the dbt .yml
files (``COMMENT ON``, publish/contract.py reads them), so Superset, DBeaver and Harlequin show
them. Counts are BIGINT: DuckDB sums integers into HUGEINT, which Superset shows as INT and some
drivers cannot read; DECIMAL values stay DECIMAL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.faults import pause_point
from pipelines.publish.contract import published_tables
from pipelines.publish.disclosure import PROFILE_TABLE, suppress_profile
from pipelines.sql import ident, literal

STORAGE_VERSION = "v1.4.0"
# 128-bit integers (DuckDB's sum of integers) are published as BIGINT: BI drivers read 64 bits.
NARROWED_TYPES = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT"}


def publish_snapshot(warehouse: Path, published: Path, tables: list[str], schema: str = "marts",
                     run_id: str | None = None, extra_tables: dict[str, list[dict]] | None = None,
                     periodes: list[str] | None = None, periode_keys: dict[str, str] | None = None) -> dict[str, int]:
    """Copy ``schema.table`` for each table, plus small `extra_tables` given as rows, into a new
    file and swap it in; returns row counts.

    With `periodes` (the semesters this run rebuilt) and `periode_keys` (table -> the column its
    dbt model replaces rows by), the new file starts as a copy of the published one and only
    those semesters' rows of those tables are replaced; every other table is copied whole. The
    cost of a semester run then grows with the semester, not with the history (saran, quarantine
    and duplicates hold millions of rows at 10 M responses). The result is the same file a full
    copy would give (test_a_semester_publish_equals_a_full_publish); without a published file, or
    when a table's columns changed, it is a full copy."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(published.name + ".new")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    incremental = periodes is not None and published.exists()
    if incremental:
        shutil.copyfile(published, tmp)
    con = duckdb.connect()  # in memory: a read-only connection could not attach a new file
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        if incremental:
            con.execute("ATTACH ? AS snap", [str(tmp)])  # keeps the file's storage version
            _drop_tables_not_in(con, {*tables, *(extra_tables or {}), "_published"})
        else:
            con.execute(f"ATTACH ? AS snap (STORAGE_VERSION {literal(STORAGE_VERSION)})", [str(tmp)])
        for table in tables:
            key = (periode_keys or {}).get(table) if incremental else None
            replaced = (key is not None and _same_columns(con, schema, table)
                        and _replace_periodes(con, schema, table, key, periodes or []))
            if not replaced:
                con.execute(f"CREATE OR REPLACE TABLE snap.main.{ident(table)} AS "
                            f"SELECT {_select_list(con, schema, table)} FROM wh.{ident(schema)}.{ident(table)}")
                if table == PROFILE_TABLE:
                    suppress_profile(con, f"snap.main.{ident(table)}")
                    _narrow_types(con, table)
            counts[table] = con.execute(f"SELECT count(*) FROM snap.main.{ident(table)}").fetchall()[0][0]
        for name, rows in (extra_tables or {}).items():
            if rows:
                frame = pd.DataFrame(rows)
                # a column that is NULL in every row (quality_gates.waivers most runs) is text,
                # not DuckDB's NULL type, which BI drivers cannot map
                frame = frame.astype({c: "string" for c in frame.columns if frame[c].isna().all()})
                con.register("_extra", frame)
                con.execute(f"CREATE OR REPLACE TABLE snap.main.{ident(name)} AS SELECT * FROM _extra")
                con.unregister("_extra")
                counts[name] = len(rows)
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.execute(
            "CREATE OR REPLACE TABLE snap.main._published AS SELECT ?::TIMESTAMP AS published_at_utc, ?::VARCHAR AS run_id",
            [published_at, run_id],
        )
        describe_tables(con, "snap")
        con.execute("DETACH snap")
        con.execute("DETACH wh")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    pause_point("publish")  # tests only: a kill here leaves the new file and the old one
    os.replace(tmp, published)
    return counts


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, type as published) of a table's columns, in order."""
    return [(name, NARROWED_TYPES.get(kind, kind)) for name, kind in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [database, schema, table],
    ).fetchall()]


def _select_list(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """The warehouse table's columns as published: 128-bit counts cast to BIGINT (an overflow
    fails the publish loudly rather than wrapping)."""
    cols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'wh' AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return ", ".join(f"CAST({ident(c)} AS {NARROWED_TYPES[d]}) AS {ident(c)}" if d in NARROWED_TYPES else ident(c)
                     for c, d in cols)


def _narrow_types(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """A published table rewritten after its copy (the profile) gets the published types too."""
    for column, kind in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'snap' AND table_schema = 'main' AND table_name = ?", [table],
    ).fetchall():
        if kind in NARROWED_TYPES:
            con.execute(f"ALTER TABLE snap.main.{ident(table)} ALTER COLUMN {ident(column)} "
                        f"TYPE {NARROWED_TYPES[kind]}")


def describe_tables(con: duckdb.DuckDBPyConnection, database: str) -> int:
    """``COMMENT ON`` every table and column of `database` that the data contract describes
    (re-applied on every publish: a replaced table loses its comments, and a description edited
    in a .yml reaches the next file). Returns the number of comments written."""
    contract = published_tables()
    written = 0
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = 'main' ORDER BY table_name, ordinal_position", [database],
    ).fetchall():
        described = contract.get(table)
        if described is None:
            continue
        target = f"{ident(database)}.main.{ident(table)}"
        text = described.columns.get(column, "").strip()
        if text:
            con.execute(f"COMMENT ON COLUMN {target}.{ident(column)} IS {literal(text)}")
            written += 1
    for table in {t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'main'",
            [database]).fetchall()}:
        if table in contract and contract[table].description:
            con.execute(f"COMMENT ON TABLE {ident(database)}.main.{ident(table)} "
                        f"IS {literal(contract[table].description)}")
            written += 1
    return written


def _same_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """The published table can take the warehouse's rows as they are (the profile is checked
    after its suppression, in ``_replace_periodes``: it is published in another shape)."""
    published = _columns(con, "snap", "main", table)
    return bool(published) and (table == PROFILE_TABLE or published == _columns(con, "wh", schema, table))


def _replace_periodes(con: duckdb.DuckDBPyConnection, schema: str, table: str, key: str, periodes: list[str]) -> bool:
    """Replace the semesters' rows of a published table; False (nothing changed) when the
    published table's columns are no longer the ones the rows come with."""
    marks = ", ".join("?" for _ in periodes)
    if table != PROFILE_TABLE:
        con.execute(f"DELETE FROM snap.main.{ident(table)} WHERE {ident(key)} IN ({marks})", periodes)
        con.execute(f"INSERT INTO snap.main.{ident(table)} SELECT {_select_list(con, schema, table)} "
                    f"FROM wh.{ident(schema)}.{ident(table)} WHERE {ident(key)} IN ({marks})", periodes)
        return True
    # suppression is planned per periode and dimensi: the semesters' rows can be planned alone
    staged = "memory.main._profil_baru"
    con.execute(f"CREATE OR REPLACE TABLE {staged} AS SELECT * FROM wh.{ident(schema)}.{ident(table)} "
                f"WHERE {ident(key)} IN ({marks})", periodes)
    suppress_profile(con, staged)
    same = sorted(_columns(con, "memory", "main", "_profil_baru")) == sorted(_columns(con, "snap", "main", table))
    if same:
        con.execute(f"DELETE FROM snap.main.{ident(table)} WHERE {ident(key)} IN ({marks})", periodes)
        con.execute(f"INSERT INTO snap.main.{ident(table)} BY NAME SELECT * FROM {staged}")
    con.execute(f"DROP TABLE {staged}")
    return same


def _drop_tables_not_in(con: duckdb.DuckDBPyConnection, keep: set[str]) -> None:
    """A mart dropped from the project leaves the published file too, as it would on a full copy."""
    for (table,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'snap'"
    ).fetchall():
        if table not in keep:
            con.execute(f"DROP TABLE snap.main.{ident(table)}")
