"""The list of publication gates and the publish step's own guard.

Dagster already skips publication when a blocking check fails upstream in the same run. The guard
closes the other door: publishing alone (a click on the publish asset only) would copy marts that
no gate looked at. So publish refuses unless every blocking gate ran in this very run and passed.
The run's gate results, warnings included, are published with the data (`quality_gates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dagster import AssetCheckSpec, DagsterEventType, DagsterInstance

from pipelines.quality.checks import PIPELINE_CHECKS
from pipelines.quality.gx_checks import GX_CHECKS

ASSET_CHECKS = [*PIPELINE_CHECKS, *GX_CHECKS]


@dataclass(frozen=True)
class GateResult:
    asset: str
    gate: str
    blocking: bool
    status: str  # passed | failed | not run
    severity: str  # ERROR | WARN
    description: str | None
    waivers: str | None = None  # the registry's waivers this gate applied: "source periode: reason; ..."


def gate_results(instance: DagsterInstance, run_id: str, gates: Sequence[AssetCheckSpec]) -> list[GateResult]:
    """Every gate of the code location (`gates`: the dbt tests, the Dagster checks, the GX suites)
    with its outcome in run `run_id`, read from that run's own events: another run that evaluated
    the same checks meanwhile must not count for (or against) this one."""
    specs = {s.key: s for s in gates}
    evaluations = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        evaluations[evaluation.asset_check_key] = evaluation
    out: list[GateResult] = []
    for key, spec in sorted(specs.items(), key=lambda kv: kv[0].to_user_string()):
        evaluation = evaluations.get(key)
        if evaluation is None:
            out.append(GateResult(key.asset_key.to_user_string(), key.name, spec.blocking, "not run", "ERROR", None))
            continue
        waivers = evaluation.metadata.get("waivers_applied")
        out.append(GateResult(
            key.asset_key.to_user_string(), key.name, spec.blocking,
            "passed" if evaluation.passed else "failed", evaluation.severity.value, evaluation.description,
            (waivers.value if waivers is not None else None) or None,
        ))
    return out


def unpassed_gates(results: list[GateResult]) -> list[str]:
    """The blocking gates that did not pass, with why."""
    return [f"{r.asset}:{r.gate}: {r.status}" + (f" ({r.description})" if r.description else "")
            for r in results if r.blocking and r.status != "passed"]
