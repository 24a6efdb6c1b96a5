"""The list of publication gates and the publish step's own guard.

Dagster already skips publication when a blocking check fails upstream in the same run. The guard
closes the other door: publishing alone (a click on the publish asset only) would copy marts that
no gate looked at. So publish refuses unless every blocking gate ran in this very run and passed.
The run's gate results, warnings included, are published with the data (`quality_gates`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetCheckKey, DagsterInstance
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from pipelines.quality.checks import PIPELINE_CHECKS
from pipelines.quality.gx_checks import GX_CHECKS
from pipelines.transform.assets import skm_dbt_models

ASSET_CHECKS = [*PIPELINE_CHECKS, *GX_CHECKS]


@dataclass(frozen=True)
class GateResult:
    asset: str
    gate: str
    blocking: bool
    status: str  # passed | failed | not run
    severity: str  # ERROR | WARN
    description: str | None


def _all_specs():
    return [*skm_dbt_models.check_specs, *(s for c in ASSET_CHECKS for s in c.check_specs)]


def blocking_check_keys() -> list[AssetCheckKey]:
    return sorted({s.key for s in _all_specs() if s.blocking}, key=lambda k: k.to_user_string())


def gate_results(instance: DagsterInstance, run_id: str) -> list[GateResult]:
    """Every gate's outcome in run `run_id`."""
    specs = {s.key: s for s in _all_specs()}
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(specs))
    out: list[GateResult] = []
    for key, spec in sorted(specs.items(), key=lambda kv: kv[0].to_user_string()):
        rec = latest.get(key)
        evaluation = rec.evaluation if rec is not None and rec.run_id == run_id else None
        if evaluation is None or rec.status not in (AssetCheckExecutionRecordStatus.SUCCEEDED,
                                                    AssetCheckExecutionRecordStatus.FAILED):
            out.append(GateResult(key.asset_key.to_user_string(), key.name, spec.blocking, "not run", "ERROR", None))
            continue
        out.append(GateResult(
            key.asset_key.to_user_string(), key.name, spec.blocking,
            "passed" if evaluation.passed else "failed", evaluation.severity.value, evaluation.description,
        ))
    return out


def unpassed_gates(results: list[GateResult]) -> list[str]:
    """The blocking gates that did not pass, with why."""
    return [f"{r.asset}:{r.gate}: {r.status}" + (f" ({r.description})" if r.description else "")
            for r in results if r.blocking and r.status != "passed"]
