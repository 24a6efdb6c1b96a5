"""Runs the real Dagster job in-process, as `make demo` does through the CLI."""

from __future__ import annotations

from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from pipelines.definitions import defs


def run_pipeline(instance: DagsterInstance | None = None, raise_on_error: bool = False) -> ExecuteInProcessResult:
    assets = list(defs.assets or [])
    checks = list(defs.asset_checks or [])
    return materialize(
        [*assets, *checks],
        resources=defs.resources,
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
    )
