"""Runs the real Dagster job in-process, as `make demo` does through the CLI."""

from __future__ import annotations

from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from pipelines.definitions import defs
from pipelines.partitions import landed_partition_range
from pipelines.registry import load_registry
from pipelines.settings import paths


def run_pipeline(instance: DagsterInstance | None = None, raise_on_error: bool = False,
                 partitions: tuple[str, str] | None = None) -> ExecuteInProcessResult:
    """One run over `partitions` (first, last key), by default every semester that has files."""
    if partitions is None:
        p = paths()
        partitions = landed_partition_range(p.data_dir, [s.landing_dir(p.data_dir) for s in load_registry(p.registry)])
    assets = list(defs.assets or [])
    checks = list(defs.asset_checks or [])
    return materialize(
        [*assets, *checks],
        resources=defs.resources,
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        tags={"dagster/asset_partition_range_start": partitions[0],
              "dagster/asset_partition_range_end": partitions[1]},
    )
