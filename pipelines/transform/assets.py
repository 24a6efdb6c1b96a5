"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt).

dbt tests with ``severity: error`` become blocking asset checks: a failing one stops everything
downstream in the run, the publish step included.
"""


import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, BackfillPolicy
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.faults import pause_point
from pipelines.partitions import BUILT_PERIODES_TAG, periodes_of, semester_partitions
from pipelines.quality.gx import GreatExpectationsResource
from pipelines.registry import load_trust
from pipelines.run_lock import RunLock
from pipelines.settings import paths
from pipelines.transform.generation import begin_build, finish_build, interrupted_build
from pipelines.transform.project import dbt_project, ensure_manifest

MANIFEST = ensure_manifest()


class SkmTranslator(DagsterDbtTranslator):
    """Every dbt node in the `transform` group, keyed by layer (`marts/ikm_opd`, `seeds/unsur`);
    sources keep dagster-dbt's key (`raw/<table>`), which is exactly what the ingest assets produce."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            return spec
        node = manifest["nodes"][unique_id]
        return spec.replace_attributes(key=AssetKey([layer_of(node), node["name"]]), group_name="transform")


def layer_of(node: Mapping[str, Any]) -> str:
    """`seeds`, or the models/ sub-folder: staging, intermediate, marts."""
    if node["resource_type"] == "seed":
        return "seeds"
    return node["original_file_path"].split("/")[1]


@dbt_assets(
    manifest=MANIFEST,
    project=dbt_project,
    dagster_dbt_translator=SkmTranslator(),
    partitions_def=semester_partitions,
    backfill_policy=BackfillPolicy.single_run(),  # a backfill is one dbt invocation: one writer
)
def skm_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, gx: GreatExpectationsResource,
                   run_lock: RunLock):
    """`dbt build` for the run's semesters: seeds, staging -> intermediate -> marts, each model
    followed by its tests; models replace only the rows of those semesters."""
    # The GX suites run right after dbt; their context (3-4 s of imports) is created while this
    # process waits for dbt to start and parse the project.
    gx.warm_up()
    periodes = periodes_of(context.partition_key_range)
    args = ["build"]
    # the registry's kepercayaan: block (policy for marked responses, rule parameters, populations)
    p = paths()
    trust_vars = load_trust(p.registry).dbt_vars()
    interrupted = interrupted_build(p)
    if p.warehouse.exists() and not interrupted:
        args += ["--vars", json.dumps({**trust_vars, "periode_from": periodes[0], "periode_to": periodes[-1]})]
        # Spark ignores the periode vars and rebuilds every semester (macros/periode.sql)
        built = "all" if dbt.target == "spark" else ",".join(periodes)
    else:
        args += ["--vars", json.dumps(trust_vars)]
        if p.warehouse.exists():
            # Killed or failed half-way: some models may hold the new rows and others the old ones.
            # Without the periode vars every periode model is rebuilt whole (macros/periode.sql).
            context.log.warning(f"The last dbt build (run {str(interrupted.get('run_id'))[:8]}) did not finish: "
                                "rebuilding every model of every semester from the lake")
        else:
            # A new warehouse: build every semester once, or files of the semesters not in this run
            # would have no rows yet and the reconciliation gate would (rightly) block.
            context.log.info("No warehouse yet: building every semester")
        built = "all"
    context.instance.add_run_tags(context.run_id, {BUILT_PERIODES_TAG: built})
    begin_build(p, context.run_id, built)
    for n, event in enumerate(dbt.cli(args, context=context).stream()):
        yield event
        if n == 0:
            pause_point("dbt")
    finish_build(p, context.run_id)


def mart_key(name: str) -> AssetKey:
    return AssetKey(["marts", name])


def _mart_nodes() -> list[Mapping[str, Any]]:
    """The manifest's models under models/marts."""
    manifest = json.loads(MANIFEST.read_text())
    return [node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and layer_of(node) == "marts"]


def mart_asset_keys() -> list[AssetKey]:
    """The models under models/marts: what the publish step copies to the published file."""
    return [mart_key(n) for n in sorted(node["name"] for node in _mart_nodes())]


def mart_periode_keys() -> dict[str, str]:
    """mart -> the column its model replaces rows by in a semester run (`periode` or
    `periode_declared`), for the marts built per periode (macros/engine.sql periode_config); the
    other marts are whole tables rebuilt by every run."""
    return {
        node["name"]: node["config"]["unique_key"]
        for node in _mart_nodes()
        if node["config"].get("materialized") == "incremental" and isinstance(node["config"].get("unique_key"), str)
    }
