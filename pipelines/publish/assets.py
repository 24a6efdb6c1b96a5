"""The publish stage in Dagster. It depends on every mart, so Dagster runs it only after dbt has
built and tested them; a failing blocking check upstream skips it and the old file stays."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict

from dagster import (AssetCheckResult, AssetCheckSpec, AssetExecutionContext, AssetKey, AssetsDefinition,
                     BackfillPolicy, Failure, MaterializeResult, MetadataValue, asset)

from pipelines.context import SkmContext
from pipelines.ingest.freshness import freshness_of, published_rows
from pipelines.publish.blocked import PUBLICATION_CHECK, PUBLICATION_CHECK_SPEC
from pipelines.partitions import semester_partitions
from pipelines.publish.snapshot import publish_snapshot
from pipelines.quality.gates import gate_results, unpassed_gates
from pipelines.run_lock import RunLock
from pipelines.transform.generation import built_in_run, not_built_by


# How a step after dbt runs: partitioned like its inputs so one run can write, audit, publish and
# report a semester (the files written always hold every semester), one run for a range of
# semesters. The report stage's laporan_skm runs the same way. (Both take the run lock as a
# resource argument.)
PUBLISH_STEP = {
    "partitions_def": semester_partitions,
    "backfill_policy": BackfillPolicy.single_run(),
}


def build_publish_asset(mart_keys: Sequence[AssetKey], mart_periode_keys: dict[str, str],
                        gates: Sequence[AssetCheckSpec]) -> AssetsDefinition:
    """The publish asset over the marts the manifest lists (transform/manifest.py) and the gates
    of the code location (the dbt tests, the Dagster checks, the GX suites), built once by the code
    location: every blocking one of `gates` must have run and passed in the publishing run."""
    tables = [k.path[-1] for k in mart_keys]

    @asset(
        group_name="publish",
        deps=list(mart_keys),
        check_specs=[PUBLICATION_CHECK_SPEC],
        **PUBLISH_STEP,
        description="data/published/skm.duckdb: the audited marts for BI tools (DuckDB 1.4-readable), "
                    "swapped in atomically.",
    )
    def published_warehouse(context: AssetExecutionContext, skm: SkmContext,
                            run_lock: RunLock) -> MaterializeResult:  # noqa: ARG001 - held
        return _publish(context, skm, tables, mart_periode_keys, gates)

    return published_warehouse


def _publish(context: AssetExecutionContext, skm: SkmContext, tables: list[str],
             periode_keys: dict[str, str], specs: Sequence[AssetCheckSpec]) -> MaterializeResult:
    gates = gate_results(context.instance, context.run.run_id, specs)
    problems = unpassed_gates(gates)
    if problems:
        raise Failure(
            description="Not published: every blocking gate must run and pass in the same run as publish. "
            + "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else ""),
            metadata={"gates_not_passed": MetadataValue.md("\n".join(f"- {p}" for p in problems))},
        )
    p = skm.paths
    # The gates above are this run's; the warehouse must be the one they audited: built to the
    # end by this run's dbt step (the run lock keeps other writers out; this says so if not).
    moved = not_built_by(p, context.run.run_id)
    if moved:
        raise Failure(description=f"Not published: {moved}. The published file is unchanged.")
    warnings = [g for g in gates if g.status == "failed" and not g.blocking]
    for w in warnings:
        context.log.warning(f"Published with a warning: {w.asset}:{w.gate}: {w.description}")
    # A semester run replaces its semesters' rows in a copy of the published file; a plain build
    # (or a publish without dbt in the run) copies every mart.
    periodes = built_in_run(p, context.run.run_id)
    replaced = ", ".join(periodes) if periodes and p.published.exists() else "all (full copy)"
    counts = publish_snapshot(p.warehouse, p.published, tables, run_id=context.run.run_id,
                              extra_tables={"quality_gates": [asdict(g) for g in gates],
                                            # when each source last delivered, and what is overdue
                                            "_published_sources": published_rows(freshness_of(skm, dt.datetime.now(dt.UTC)))},
                              periodes=periodes, periode_keys=periode_keys)
    return MaterializeResult(
        check_results=[AssetCheckResult(check_name=PUBLICATION_CHECK, passed=True,
                                        description=f"Published by run {context.run.run_id}: every blocking gate "
                                                    "passed in this run.")],
        metadata={
            "path": MetadataValue.path(str(p.published)),
            "row_counts": MetadataValue.md(
                "| table | rows |\n|---|---|\n" + "\n".join(f"| {t} | {n} |" for t, n in counts.items())
            ),
            **{f"rows_{t}": MetadataValue.int(n) for t, n in counts.items()},
            "semesters_replaced": replaced,
            "warnings": MetadataValue.md("\n".join(f"- {w.asset}:{w.gate}: {w.description}" for w in warnings)
                                         or "none"),
        }
    )
