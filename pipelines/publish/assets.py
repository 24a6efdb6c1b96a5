"""The publish stage in Dagster. It depends on every mart, so Dagster runs it only after dbt has
built and tested them; a failing blocking check upstream skips it and the old file stays."""

from dataclasses import asdict

from dagster import AssetExecutionContext, BackfillPolicy, Failure, MaterializeResult, MetadataValue, asset

from pipelines.partitions import built_periodes, semester_partitions
from pipelines.publish.snapshot import publish_snapshot
from pipelines.quality.gates import gate_results, unpassed_gates
from pipelines.settings import paths
from pipelines.transform.generation import not_built_by
from pipelines.transform.assets import mart_asset_keys, mart_periode_keys

MART_KEYS = mart_asset_keys()


# How a step after dbt runs: partitioned like its inputs so one run can write, audit, publish and
# report a semester (the files written always hold every semester), one run for a range of
# semesters, under the run lock. The report stage's laporan_skm runs the same way.
PUBLISH_STEP = {
    "group_name": "publish",
    "partitions_def": semester_partitions,
    "backfill_policy": BackfillPolicy.single_run(),
    "required_resource_keys": {"run_lock"},
}


@asset(
    deps=MART_KEYS,
    **PUBLISH_STEP,
    description="data/published/skm.duckdb: the audited marts for BI tools (DuckDB 1.4-readable), "
                "swapped in atomically.",
)
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    gates = gate_results(context.instance, context.run.run_id)
    problems = unpassed_gates(gates)
    if problems:
        raise Failure(
            description="Not published: every blocking gate must run and pass in the same run as publish. "
            + "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else ""),
            metadata={"gates_not_passed": MetadataValue.md("\n".join(f"- {p}" for p in problems))},
        )
    p = paths()
    # The gates above are this run's; the warehouse must be the one they audited: built to the
    # end by this run's dbt step (the run lock keeps other writers out; this says so if not).
    moved = not_built_by(p, context.run.run_id)
    if moved:
        raise Failure(description=f"Not published: {moved}. The published file is unchanged.")
    tables = [k.path[-1] for k in MART_KEYS]
    warnings = [g for g in gates if g.status == "failed" and not g.blocking]
    for w in warnings:
        context.log.warning(f"Published with a warning: {w.asset}:{w.gate}: {w.description}")
    # A semester run replaces its semesters' rows in a copy of the published file; a plain build
    # (or a publish without dbt in the run) copies every mart.
    periodes = built_periodes(context.instance, context.run.run_id)
    replaced = ", ".join(periodes) if periodes and p.published.exists() else "all (full copy)"
    counts = publish_snapshot(p.warehouse, p.published, tables, run_id=context.run.run_id,
                              extra_tables={"quality_gates": [asdict(g) for g in gates]},
                              periodes=periodes, periode_keys=mart_periode_keys())
    return MaterializeResult(
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
