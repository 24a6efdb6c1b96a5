"""On Spark, the working warehouse the gates and the publish step read is a DuckDB mirror of
Spark's marts and profiles.

Every consumer of the built data - the Dagster checks (pipelines/quality/checks.py), the GX
suites on the profiles, the publish step, the row counts in the asset catalog - reads one
interface: the DuckDB working warehouse (`Paths.warehouse`), read-only. On DuckDB dbt builds
that file itself. On Spark, the dbt build ends by writing every model of the schemas those
consumers read as Parquet (macros/engine.sql `export_tables`, `<export>/<schema>/<model>/`), and
`mirror_export` loads them into a new DuckDB file swapped in over the working warehouse in the
same dbt step, before any gate runs. So the gates audit exactly the tables Spark built in this
run, and the publish step copies exactly what they audited: no branch per engine anywhere
downstream.

Why Parquet and not a Spark connection per check: a check then costs a DuckDB read of a few
files, not a Spark session (tens of seconds to start); and on a real cluster the export
directory is the cluster's storage, which DuckDB reads the same way (local path, or s3:// with
the httpfs extension).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.settings import Paths
from pipelines.sql import ident

MIRRORED_SCHEMAS = ("marts", "profiles")  # what the gates and the publish step read


def export_dir(p: Paths) -> Path:
    """Where the Spark build writes the tables for the mirror (under the data folder's spark/)."""
    return p.data_dir / "spark" / "export"


def clear_export(p: Paths) -> Path:
    """An empty export folder before the build: a table left by an earlier run can never be
    mirrored as this run's."""
    out = export_dir(p)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


class MirrorError(RuntimeError):
    """The Spark export cannot be mirrored; the message names the table and folder."""


def exported_tables(export: Path, expected: dict[str, set[str]] | None = None) -> list[tuple[str, str, Path]]:
    """(schema, table, folder) of every exported table. With `expected` (schema -> table names
    the project has), a missing one is an error naming it: a gate must never read a table from
    another run or none at all."""
    found = [(s.name, t.name, t) for s in sorted(export.iterdir()) if s.is_dir() and s.name in MIRRORED_SCHEMAS
             for t in sorted(s.iterdir()) if t.is_dir()] if export.is_dir() else []
    if expected:
        have = {(s, t) for s, t, _ in found}
        missing = sorted(f"{s}.{t}" for s, names in expected.items() for t in names if (s, t) not in have)
        if missing:
            raise MirrorError(f"Spark exported no {', '.join(missing)} to {export}: the build did not finish "
                              "(see the dbt step's log); nothing is mirrored, nothing is published")
    for schema, table, folder in found:
        if not any(folder.glob("*.parquet")):
            raise MirrorError(f"{folder}: Spark wrote no Parquet file for {schema}.{table}")
    return found


def mirror_export(export: Path, warehouse: Path, expected: dict[str, set[str]] | None = None) -> dict[str, int]:
    """The exported tables as `<schema>.<table>` of a new DuckDB file, swapped in at `warehouse`
    (atomically: a killed mirror leaves the previous file). Returns 'schema.table' -> rows."""
    tables = exported_tables(export, expected)
    if not tables:
        raise MirrorError(f"Spark exported no table to {export}: nothing is mirrored, nothing is published")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse.with_name(warehouse.name + ".mirror")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        for schema in sorted({s for s, _, _ in tables}):
            con.execute(f"CREATE SCHEMA {ident(schema)}")
        for schema, table, folder in tables:
            name = f"{ident(schema)}.{ident(table)}"
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(folder / "*.parquet")])
            counts[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, warehouse)
    return counts
