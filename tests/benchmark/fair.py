"""The fair reference of `make bench` (issue #19): the pipeline's required work, hand-written in
DuckDB, no orchestration, timed step by step in the same bench run as the pipeline.

    python -m tests.benchmark.run --child fair --estate DIR --result OUT.json --fair-db WORK/fair.duckdb

Required work, in the pipeline's order, each step timed:

1. ``sha256``: every landed file hashed (fair_ingest);
2. ``read_and_lake``: one parse per file into the Parquet lake with source/file/sha256/row lineage
   (fair_ingest);
3. ``normalise_quarantine_duplicates``: the date decision per file, WITA times, labels
   (fair_ingest.build_staging), then answer scoring, quarantine with reasons, duplicates and the
   reconciliation inputs (fair_rows);
4. ``trust_rules``: the three suspicious-submission rules (fair_rows);
5. ``marts``: every mart (fair_marts);
6. ``publish``: the marts copied into a DuckDB 1.4 file (fair_marts.publish: the publish step's
   storage version, counts as BIGINT, the respondent profile's small groups suppressed by the
   pipeline's own disclosure rule, ``pipelines/publish/disclosure.py``: a few thousand cells, the
   one home of that rule).

The fair database keeps the model-named tables (so that a mismatch can be looked into); the
published file is what ``fair_compare.compare`` holds against the pipeline's published file.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from pipelines.ingest.secret import pii_key
from pipelines.registry import load_registry
from tests.benchmark import fair_ingest


def mart_names() -> list[str]:
    """Every mart of the dbt project (one .sql per mart) but those fair_compare.SKIPPED names with
    its reason (the follow-up marts): what the sanity check must cover."""
    from pipelines.settings import REPO_ROOT
    from tests.benchmark.fair_compare import SKIPPED

    return sorted(p.stem for p in (REPO_ROOT / "dbt_project" / "models" / "marts").glob("*.sql")
                  if p.stem not in SKIPPED)


def run_fair(estate: Path, db: Path) -> dict:
    """The whole reference on `estate` (its own registry, sources.yml); returns the timings."""
    from tests.benchmark import fair_marts, fair_rows

    t_start = time.perf_counter()
    registry = estate / "sources.yml"
    sources = load_registry(registry)
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    lake = db.parent / "fair_lake"
    if lake.exists():
        import shutil

        shutil.rmtree(lake)
    con = duckdb.connect(str(db))
    con.execute("SET memory_limit = '2GB'")
    steps: dict[str, float] = {}
    fair_ingest.load_seeds(con)
    # ingest numbers rows in file order: insertion order kept while parsing
    ingest_steps, log = fair_ingest.ingest(con, sources, estate, lake, pii_key(estate))
    steps.update(ingest_steps)
    t = time.perf_counter()
    con.execute("SET preserve_insertion_order = false")  # from here on no result depends on order
    fair_ingest.build_staging(con, lake, log, sources)
    staging = time.perf_counter() - t
    row_params = fair_rows.params_from_registry(registry)
    row_steps = fair_rows.build(con, row_params)
    steps["normalise_quarantine_duplicates"] = round(staging + sum(
        v for k, v in row_steps.items() if "trust" not in k), 3)
    steps["trust_rules"] = round(sum(v for k, v in row_steps.items() if "trust" in k), 3)
    mart_params = fair_marts.params_from_registry(registry)
    mart_steps = fair_marts.build(con, mart_params)
    steps["marts"] = round(mart_steps["marts"], 3)
    published = db.with_name("fair_published.duckdb")
    steps["publish"] = round(fair_marts.publish(con, published), 3)
    con.close()
    seconds = time.perf_counter() - t_start
    return {"seconds": round(seconds, 3), "steps": steps, "published": str(published),
            "detail": {"rows": {k: round(v, 3) for k, v in row_steps.items()},
                       "marts": {k: round(v, 3) for k, v in mart_steps.items()}}, "success": True}


def child_fair(estate: Path, db: Path) -> dict:
    return run_fair(estate, db)
