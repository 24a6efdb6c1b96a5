"""Runs the real Dagster job in-process, as `make demo` does through the CLI."""

from __future__ import annotations

from dagster import DagsterInstance, Definitions, ExecuteInProcessResult, materialize

from pipelines.context import SkmContext
from pipelines.definitions import build_definitions
from pipelines.partitions import landed_partition_range


def run_pipeline(instance: DagsterInstance | None = None, raise_on_error: bool = False,
                 partitions: tuple[str, str] | None = None, skm: SkmContext | None = None,
                 defs: Definitions | None = None, selection=None) -> ExecuteInProcessResult:
    """One run over `partitions` (first, last key), by default every semester that has files, in
    the run context `skm` (by default the one the environment describes), with the code location
    `defs` (by default built for `skm` now). `selection` (an AssetSelection) runs part of it: the
    checks of the selected assets come along."""
    skm = skm or SkmContext.from_env()
    if partitions is None:
        p = skm.paths
        partitions = landed_partition_range(p.data_dir, [s.landing_dir(p.data_dir) for s in skm.registry.sources])
    defs = defs or build_definitions(skm)
    assets = list(defs.assets or [])
    checks = list(defs.asset_checks or [])
    return materialize(
        [*assets, *checks],
        resources=defs.resources,
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        selection=selection,
        tags={"dagster/asset_partition_range_start": partitions[0],
              "dagster/asset_partition_range_end": partitions[1]},
    )
