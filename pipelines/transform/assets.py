"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt).

dbt tests with ``severity: error`` become blocking asset checks: a failing one stops everything
downstream in the run, the publish step included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.transform.project import dbt_project, ensure_manifest

MANIFEST = ensure_manifest()


class SkmTranslator(DagsterDbtTranslator):
    """Every dbt node in the `transform` group; sources keep dagster-dbt's key (raw/<table>),
    which is exactly what the ingest assets produce."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            return spec
        return spec.replace_attributes(group_name="transform")


@dbt_assets(manifest=MANIFEST, project=dbt_project, dagster_dbt_translator=SkmTranslator(), pool="warehouse")
def skm_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, staging -> intermediate -> marts, each followed by its tests."""
    yield from dbt.cli(["build"], context=context).stream()


def mart_asset_keys() -> list[AssetKey]:
    """The models under models/marts: what the publish step copies to the published file."""
    manifest = json.loads(MANIFEST.read_text())
    return sorted(
        (
            AssetKey([node["name"]])
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
        ),
        key=lambda k: k.to_user_string(),
    )
