"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt).

dbt tests with ``severity: error`` become blocking asset checks: a failing one stops everything
downstream in the run, the publish step included.
"""

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import (AssetCheckSpec, AssetExecutionContext, AssetKey, AssetsDefinition, AssetSpec, BackfillPolicy,
                     MetadataValue, Output)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.context import SkmContext
from pipelines.faults import pause_point
from pipelines.partitions import periodes_of, semester_partitions
from pipelines.run_lock import RunLock
from pipelines.transform.build_plan import plan_build
from pipelines.transform.generation import begin_build, finish_build, interrupted_build
from pipelines.transform.manifest import layer_of
from pipelines.transform.project import dbt_project
from pipelines.transform.spark_mirror import MIRRORED_SCHEMAS, clear_export, mirror_export
from pipelines.transform.test_descriptions import test_description


class SkmTranslator(DagsterDbtTranslator):
    """Every dbt node in the `transform` group, keyed by layer (`marts/ikm_opd`, `seeds/unsur`);
    sources keep dagster-dbt's key (`raw/<table>`), which is exactly what the ingest assets produce."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            return spec
        node = manifest["nodes"][unique_id]
        return spec.replace_attributes(key=AssetKey([layer_of(node), node["name"]]), group_name="transform")

    def get_asset_check_spec(self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> AssetCheckSpec | None:
        """The check of a dbt test says in the UI what the test checks (the gate table's text)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        node = manifest["nodes"][unique_id]
        severity = "blocking" if node["config"]["severity"].lower() == "error" else "warning"
        return spec._replace(description=f"{test_description(node)} (dbt test, {severity})")


ROW_COUNT = "dagster/row_count"  # the metadata key the asset catalog shows as the row count


def table_relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """unique_id -> 'schema.table' of every model and seed dbt writes as a table (views and
    ephemeral models are not counted: counting a view runs its query)."""
    return {uid: f'"{n["schema"]}"."{n.get("alias") or n["name"]}"' for uid, n in manifest["nodes"].items()
            if n["resource_type"] in ("model", "seed")
            and n["config"].get("materialized") in ("table", "incremental", "seed")}


def mirrored_tables(manifest: dict) -> dict[str, set[str]]:
    """schema -> the tables a Spark build exports for the gates and the publish step (every
    model of MIRRORED_SCHEMAS that is a table)."""
    out: dict[str, set[str]] = {}
    for n in manifest["nodes"].values():
        if (n["resource_type"] == "model" and n["config"].get("schema") in MIRRORED_SCHEMAS
                and n["config"].get("materialized") != "ephemeral"):
            out.setdefault(n["config"]["schema"], set()).add(n.get("alias") or n["name"])
    return out


def with_row_counts(events: list, tables: dict[str, str], warehouse: Path | None) -> Iterator:
    """The dbt step's events, each table's output carrying its row count (``dagster/row_count``,
    which the asset catalog shows); unchanged when the warehouse cannot be read (none yet). On
    Spark the mirror holds the marts and profiles only: the other models carry no count."""
    counts: dict[str, int] = {}
    wanted = sorted({uid for uid in map(_unique_id, events) if uid in tables})
    if warehouse is not None and warehouse.exists() and wanted:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            for uid in wanted:
                try:
                    counts[uid] = con.execute(f"SELECT count(*) FROM {tables[uid]}").fetchone()[0]
                except duckdb.Error:
                    continue  # a model that failed to build: its output carries no count
        finally:
            con.close()
    for e in events:
        uid = _unique_id(e)
        if uid in counts:
            e = e.with_metadata({**e.metadata, ROW_COUNT: MetadataValue.int(counts[uid])})
        yield e


def _unique_id(event: object) -> str | None:
    """The dbt node of a model's or seed's output event (dagster-dbt puts it in the metadata)."""
    if not isinstance(event, Output):
        return None
    value = event.metadata.get("unique_id")
    return getattr(value, "value", value)


def build_dbt_assets(manifest: Path) -> AssetsDefinition:
    """The dbt project as Dagster assets; called once by the code location with the manifest."""

    nodes = json.loads(manifest.read_text(encoding="utf-8"))
    tables = table_relations(nodes)
    mirrored = mirrored_tables(nodes)

    @dbt_assets(
        manifest=manifest,
        project=dbt_project,
        dagster_dbt_translator=SkmTranslator(),
        partitions_def=semester_partitions,
        backfill_policy=BackfillPolicy.single_run(),  # a backfill is one dbt invocation: one writer
    )
    def skm_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, skm: SkmContext, run_lock: RunLock):
        """`dbt build` for the run's semesters: seeds, staging -> intermediate -> marts, each model
        followed by its tests; models replace only the rows of those semesters."""
        p = skm.paths
        interrupted = interrupted_build(p)
        plan = plan_build(periodes_of(context.partition_key_range), warehouse_exists=p.warehouse.exists(),
                          interrupted_run=str(interrupted.get("run_id")) if interrupted else None,
                          target=dbt.target, trust_vars=skm.registry.trust.dbt_vars(), data_dir=str(p.data_dir))
        (context.log.warning if interrupted else context.log.info)(plan.why)
        begin_build(p, context.run_id, plan.label)
        # The events wait until dbt has ended: only then can the warehouse be opened to count each
        # table's rows (dbt holds DuckDB's one write lock while it runs), and a model's output must
        # reach Dagster before its tests' check results. A dbt failure still reports what was built.
        # Unit tests (the `unit_tests:` beside the models) check the SQL, not the data: they run in
        # tests/test_dbt_unit_tests.py (`dbt test --select test_type:unit`), not in every build,
        # where each built its fixtures and gated its model on them (11 of them, ~3 s at 10 000 rows).
        # On Spark the build ends by exporting the marts and profiles, which are then mirrored
        # into the working warehouse every gate and the publish step read (spark_mirror.py).
        dbt_vars = plan.dbt_vars
        if dbt.target == "spark":
            dbt_vars = {**dbt_vars, "spark_export_dir": str(clear_export(p))}
        events = []
        built = False
        try:
            args = ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(dbt_vars)]
            for n, event in enumerate(dbt.cli(args, context=context).stream()):
                events.append(event)
                if n == 0:
                    pause_point("dbt")
            built = True
        finally:
            if built and dbt.target == "spark":
                counts = mirror_export(Path(dbt_vars["spark_export_dir"]), p.warehouse, mirrored)
                context.log.info(f"Spark's {len(counts)} marts and profiles mirrored into {p.warehouse} "
                                 f"({sum(counts.values())} rows) for the gates and the publish step")
            yield from with_row_counts(events, tables, p.warehouse)
        finish_build(p, context.run_id)

    return skm_dbt_models
