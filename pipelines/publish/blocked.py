"""A blocked run shows on the published asset in the Dagster catalog.

When a blocking gate fails, Dagster skips the publish step: nothing is written and nothing is
recorded on `published_warehouse`, so the catalog went on showing it green from its last
publication, as if the run had published. The asset has one check of its own,
``gates_passed``: the publish step reports it passed when it publishes, and after a run that
planned to publish and did not, this module reports it failed, naming the gates that blocked
(an evaluation outside the run: the run's own steps after the gates never execute). The next
publication turns it green again. Called by the run-failure sensor (runs launched from the UI,
the schedules and the landing sensor) and by `skm run` (no daemon there)."""

from __future__ import annotations

from dagster import (AssetCheckEvaluation, AssetCheckSeverity, AssetCheckSpec, AssetKey, DagsterEventType,
                     DagsterInstance, MetadataValue)

PUBLISHED_KEY = AssetKey("published_warehouse")
PUBLICATION_CHECK = "gates_passed"
PUBLICATION_CHECK_SPEC = AssetCheckSpec(
    PUBLICATION_CHECK, asset=PUBLISHED_KEY,
    description="Failed while the latest run that was to publish was blocked (the gates that stopped it are "
                "named); passed when a run published. The published file itself always holds the last audited data.",
)


def published_in(instance: DagsterInstance, run_id: str) -> bool:
    return any(e.dagster_event.asset_key == PUBLISHED_KEY
               for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION))


def planned_publication(instance: DagsterInstance, run_id: str) -> list[str | None]:
    """The semesters (partition keys) run `run_id` was to publish: its plan's evaluations of the
    publication check (Dagster records them when the run starts); [] when it was not to publish."""
    keys: list[str | None] = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED):
        planned = entry.dagster_event.event_specific_data
        if planned.asset_key == PUBLISHED_KEY and planned.check_name == PUBLICATION_CHECK:
            subset = planned.partitions_subset
            keys += list(subset.get_partition_keys()) if subset is not None else [None]
    return sorted(set(keys), key=lambda k: k or "")


def blocked_description(instance: DagsterInstance, run_id: str) -> str:
    """Why run `run_id` did not publish: its failed blocking gates (read from the run's own check
    evaluations, each of which says whether it blocks), or that it stopped before them."""
    failed = [e.dagster_event.event_specific_data
              for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)]
    failed = [e for e in failed if not e.passed and e.blocking and e.severity == AssetCheckSeverity.ERROR]
    if not failed:
        return f"Not published by run {run_id}: it stopped before its gates ran (see the run's log)."
    named = "; ".join(f"{e.asset_key.to_user_string()}:{e.check_name}" + (f" ({e.description})" if e.description else "")
                      for e in failed[:5])
    more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
    return f"Not published by run {run_id}: blocked by {len(failed)} gate(s): {named}{more}"


def report_blocked_publication(instance: DagsterInstance, run_id: str) -> str | None:
    """If run `run_id` was to publish and did not, record ``published_warehouse:gates_passed`` as
    failed for each of its semesters, with why; returns the description (None when the run
    published or was not to publish)."""
    semesters = planned_publication(instance, run_id)
    if not semesters or published_in(instance, run_id):
        return None
    description = blocked_description(instance, run_id)
    # one evaluation for the asset, as the publish step reports its pass (a run covers a range of
    # semesters: Dagster records a check result of a range run without a partition)
    instance.report_runless_asset_event(AssetCheckEvaluation(
        asset_key=PUBLISHED_KEY, check_name=PUBLICATION_CHECK, passed=False, severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={"run_id": MetadataValue.text(run_id),
                  "semesters": MetadataValue.text(", ".join(k or "all" for k in semesters))},
    ))
    return description
