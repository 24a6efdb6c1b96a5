"""Compares two published files table by table: a refactoring must not change a published byte
of the data (issue #18: "on the demo data every published table is equal before and after").

    python -m tests.compare_published BEFORE.duckdb AFTER.duckdb

Every table of either file is compared: the same columns with the same types, the same rows (as a
multiset, so row order does not matter). Only what a run stamps by its nature is left out: the run
id and time in `_published`, and the time a file was ingested (`ingested_at`). Exit 0 when equal,
1 with one line per difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

# table -> columns that hold when or by which run the data was made, not what it says
RUN_STAMPS: dict[str, set[str]] = {
    "_published": {"published_at_utc", "run_id"},
    # overdue and days overdue are as of the publication (pipelines/ingest/freshness.py)
    "_published_sources": {"status", "overdue", "days_overdue"},
    "ingest_files": {"ingested_at"},
    "reconciliation": {"ingested_at"},
}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position", [schema, table]
    ).fetchall()


def differences(before: Path, after: Path) -> list[str]:
    """One line per difference between the published files `before` and `after`."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(before)])
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(after)])
    tables = {}
    for side in ("b", "a"):
        tables[side] = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [side]).fetchall()}
    out = [f"table {t}: only in {before}" for t in sorted(tables["b"] - tables["a"])]
    out += [f"table {t}: only in {after}" for t in sorted(tables["a"] - tables["b"])]
    for t in sorted(tables["b"] & tables["a"]):
        cb, ca = _columns(con, "b", t), _columns(con, "a", t)
        if cb != ca:
            out.append(f"table {t}: columns differ: {cb} vs {ca}")
            continue
        kept = ", ".join(f'"{c}"' for c, _ in cb if c not in RUN_STAMPS.get(t, set())) or "count(*)"
        for x, y, label in (("b", "a", "only before"), ("a", "b", "only after")):
            rows = con.execute(f'SELECT {kept} FROM {x}."{t}" EXCEPT ALL SELECT {kept} FROM {y}."{t}"').fetchall()
            if rows:
                out.append(f"table {t}: {len(rows)} row(s) {label}, first: {rows[0]}")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    diffs = differences(Path(args[0]), Path(args[1]))
    for line in diffs:
        print(line)
    if not diffs:
        print(f"equal: every table of {args[0]} and {args[1]}")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
