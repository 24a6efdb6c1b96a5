"""The dbt manifest, read when first asked for and never at import: importing a stage runs nothing.

The code location (pipelines/definitions.py) asks for it once to build the dbt assets and the
publish asset's dependencies; `ensure_manifest` runs `dbt parse` only when the project's files are
newer than the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetKey

from pipelines.transform.project import ensure_manifest


@cache
def manifest_path() -> Path:
    return ensure_manifest()


@cache
def _manifest() -> Mapping[str, Any]:
    return json.loads(manifest_path().read_text())


def layer_of(node: Mapping[str, Any]) -> str:
    """`seeds`, or the models/ sub-folder: staging, intermediate, marts."""
    if node["resource_type"] == "seed":
        return "seeds"
    return node["original_file_path"].split("/")[1]


def mart_key(name: str) -> AssetKey:
    """The asset key of mart `name` (no manifest needed: the key is the layer and the name)."""
    return AssetKey(["marts", name])


def _mart_nodes() -> list[Mapping[str, Any]]:
    """The manifest's models under models/marts."""
    return [node for node in _manifest()["nodes"].values()
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
