"""Is the fair reference equal to what the pipeline published? Every mart table of the published
file against the table of the same name in the fair database, as whole rows.

    python -m tests.benchmark.fair_compare PUBLISHED.duckdb FAIR.duckdb

`compare(published, fair)` lists the published tables, skips only the publish step's own
bookkeeping (SKIPPED, with the reason in the result), and for every other table brings the fair
table to the published shape the way the publish step does (pipelines/publish/snapshot.py: the
same column types, 128-bit counts as BIGINT, a DECIMAL rounded half up from the exact value as the
marts' round_half_up; the respondent profile's small groups suppressed by publish/disclosure.py
when the fair table is the exact one), then EXCEPT ALL both ways over the columns both have: row
order does not matter, duplicates do, NULLs equal NULLs. A column missing on either side is a
mismatch. The fair database may be the fair reference's (tables in main), a published-like file,
or the pipeline's own working warehouse (tables in marts): any schema holding the name is used,
main first, then marts."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

# Tables of the published file that are not marts: what the publish step adds about itself.
SKIPPED: dict[str, str] = {
    "_published": "publication stamp (time and Dagster run id), not data",
    "_published_sources": "delivery freshness per source and semester, from landing-folder times at "
                          "publication (pipelines/ingest/freshness.py), not a mart",
    "quality_gates": "the outcomes of the run's quality gates, not a mart",
    # The follow-up marts (README "The follow-up cycle"): built from the OPD's RTL files, a few
    # dozen rows a semester however many responses there are, so not on the path this benchmark
    # times; their numbers are checked against hand computations in tests/test_rtl.py and the
    # dbt unit tests instead.
    **dict.fromkeys(("rencana_tindak_lanjut", "rtl_tidak_dipakai", "rtl_rekonsiliasi", "hasil_tindak_lanjut",
                     "cakupan_tindak_lanjut"),
                    "a follow-up mart from the RTL files (tens of rows), not on the benchmark's path: checked by "
                    "tests/test_rtl.py"),
    # What citizens say, per unsur: keyword tagging measured on the labelled sample instead.
    "saran_tema": "keyword tagging of saran (tests/test_saran_tema.py), not rebuilt by the fair reference",
    "saran_tema_ringkasan": "summary of saran_tema, not rebuilt by the fair reference",
}
# Columns that are each run's own clock, never equal between two runs: not compared (named in the
# result). Everything else of these tables is.
RUN_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "ingest_files": ("ingested_at",),
    "reconciliation": ("ingested_at",),
}
EXAMPLES = 5  # differing rows shown per side and table
PROFILE_TABLE = "profil_responden"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute("select column_name, data_type from information_schema.columns where table_catalog = ? "
                       "and table_schema = ? and table_name = ? order by ordinal_position",
                       [db, schema, table]).fetchall()


def _fair_schema(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    schemas = [s for (s,) in con.execute("select table_schema from information_schema.tables "
                                         "where table_catalog = 'fair' and table_name = ?", [table]).fetchall()]
    for preferred in ("main", "marts"):
        if preferred in schemas:
            return preferred
    return schemas[0] if schemas else None


def _as_published(column: str, fair_type: str, published_type: str) -> str:
    """The fair value as the published column holds it."""
    c = _q(column)
    if fair_type == published_type:
        return c
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", published_type)
    if m and (fair_type in ("DOUBLE", "FLOAT") or fair_type.startswith("DECIMAL")):
        return f"cast(round(cast({c} as decimal(38, 10)), {m.group(2)}) as {published_type})"
    return f"cast({c} as {published_type})"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, names: list[str]) -> list[dict]:
    return [{n: (v if isinstance(v, (int, float, bool, type(None))) else str(v)) for n, v in zip(names, row)}
            for row in con.execute(sql).fetchall()]


def compare_table(con: duckdb.DuckDBPyConnection, table: str, fair_source: str | None) -> dict:
    """One published table (pub.main.<table>) against `fair_source` (a qualified table name)."""
    pub_cols = _columns(con, "pub", "main", table)
    rows = con.execute(f"select count(*) from pub.main.{_q(table)}").fetchone()[0]
    out: dict = {"matched": False, "rows_published": rows, "rows_fair": None, "differences": []}
    if fair_source is None:
        out["error"] = "no such table in the fair database"
        return out
    db, schema, name = fair_source.split(".")
    fair_cols = dict(_columns(con, db, schema, name))
    out["rows_fair"] = con.execute(f"select count(*) from {fair_source}").fetchone()[0]
    run_time = RUN_TIME_COLUMNS.get(table, ())
    if run_time:
        out["not_compared"] = {c: "the run's own time" for c in run_time}
    shared = [(c, t) for c, t in pub_cols if c in fair_cols and c not in run_time]
    missing_in_fair = [c for c, _ in pub_cols if c not in fair_cols]
    missing_in_published = [c for c in fair_cols if c not in dict(pub_cols)]
    if missing_in_fair:
        out["columns_missing_in_fair"] = missing_in_fair
    if missing_in_published:
        out["columns_missing_in_published"] = missing_in_published
    names = [c for c, _ in shared]
    pub_select = ", ".join(_q(c) for c in names)
    fair_select = ", ".join(f"{_as_published(c, fair_cols[c], t)} as {_q(c)}" for c, t in shared)
    only_pub = f"select {pub_select} from pub.main.{_q(table)} except all select {fair_select} from {fair_source}"
    only_fair = f"select {fair_select} from {fair_source} except all select {pub_select} from pub.main.{_q(table)}"
    n_pub = con.execute(f"select count(*) from ({only_pub})").fetchone()[0]
    n_fair = con.execute(f"select count(*) from ({only_fair})").fetchone()[0]
    out["rows_only_published"], out["rows_only_fair"] = n_pub, n_fair
    out["differences"] = (
        [{"side": "published", **row} for row in _rows(con, f"{only_pub} limit {EXAMPLES}", names)]
        + [{"side": "fair", **row} for row in _rows(con, f"{only_fair} limit {EXAMPLES}", names)])
    out["matched"] = n_pub == 0 and n_fair == 0 and not missing_in_fair and not missing_in_published
    return out


def compare(published_path: Path, fair_db_path: Path) -> dict:
    """{"matched", "tables": {name: {"matched", "rows_published", "rows_fair", "differences", ...}},
    "skipped": {name: why}} over every table of the published file but the skipped ones."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{Path(published_path)}' as pub (read_only)")
        con.execute(f"attach '{Path(fair_db_path)}' as fair (read_only)")
        published = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                               "where table_catalog = 'pub' and table_schema = 'main' "
                                               "order by table_name").fetchall()]
        tables: dict[str, dict] = {}
        for table in published:
            if table in SKIPPED:
                continue
            schema = _fair_schema(con, table)
            source = None if schema is None else f"fair.{schema}.{table}"
            if (table == PROFILE_TABLE and schema is not None
                    and "disembunyikan" not in dict(_columns(con, "fair", schema, table))):
                # the exact profile (the mart as dbt builds it): suppressed as the publish step does
                from pipelines.publish.disclosure import suppress_profile

                con.execute(f"create or replace table memory.main._fair_profil as select * from {source}")
                suppress_profile(con, "memory.main._fair_profil")
                source = "memory.main._fair_profil"
            tables[table] = compare_table(con, table, source)
        skipped = {t: why for t, why in SKIPPED.items() if t in published}
        return {"matched": bool(tables) and all(t["matched"] for t in tables.values()),
                "tables": tables, "skipped": skipped}
    finally:
        con.close()


def summary(result: dict) -> str:
    """One line per table: matched or how many rows differ."""
    lines = []
    for name, t in result["tables"].items():
        if t["matched"]:
            lines.append(f"  {name:22} equal ({t['rows_published']} rows)")
        else:
            lines.append(f"  {name:22} DIFFERENT: published {t['rows_published']} rows, fair {t['rows_fair']}, "
                         f"only published {t.get('rows_only_published')}, only fair {t.get('rows_only_fair')}"
                         + (f", missing in fair {t['columns_missing_in_fair']}"
                            if t.get("columns_missing_in_fair") else "")
                         + (f", missing in published {t['columns_missing_in_published']}"
                            if t.get("columns_missing_in_published") else "")
                         + (f", {t['error']}" if t.get("error") else ""))
    for name, why in result["skipped"].items():
        lines.append(f"  {name:22} skipped: {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("published", type=Path)
    ap.add_argument("fair", type=Path)
    ap.add_argument("--json", action="store_true", help="the whole result as JSON")
    a = ap.parse_args(argv)
    result = compare(a.published, a.fair)
    print(json.dumps(result, indent=1, default=str) if a.json else summary(result))
    return 0 if result["matched"] else 1


if __name__ == "__main__":
    sys.exit(main())
