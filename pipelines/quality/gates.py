"""The list of publication gates and the publish step's own guard.

Dagster already skips publication when a blocking check fails upstream in the same run. The guard
closes the other door: publishing alone (a click on the publish asset only) would copy marts that
no gate looked at. So publish refuses unless every blocking gate ran in this very run and passed.
"""

from __future__ import annotations

from dagster import AssetCheckKey, DagsterInstance
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from pipelines.quality.checks import PIPELINE_CHECKS
from pipelines.transform.assets import skm_dbt_models

ASSET_CHECKS = [*PIPELINE_CHECKS]


def blocking_check_keys() -> list[AssetCheckKey]:
    specs = [*skm_dbt_models.check_specs, *(s for c in ASSET_CHECKS for s in c.check_specs)]
    return sorted({s.key for s in specs if s.blocking}, key=lambda k: k.to_user_string())


def unpassed_gates(instance: DagsterInstance, run_id: str, partition: str | None = None) -> list[str]:
    """Every blocking gate that did not pass in run `run_id`, with why."""
    keys = blocking_check_keys()
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    problems: list[str] = []
    for key in keys:
        rec = latest.get(key)
        name = key.to_user_string()
        if rec is None or rec.run_id != run_id:
            problems.append(f"{name}: did not run in this run")
        elif rec.status != AssetCheckExecutionRecordStatus.SUCCEEDED:
            problems.append(f"{name}: {rec.status.value.lower()}")
    return problems
