"""Notices new or changed files in the landing folders and launches their semester; and, when a
run ends, sends its alert (pipelines/alerts.py).

The cursor remembers each file's size and modification time, so a file already seen never
launches again; a file overwritten by a corrected re-export does. A file the ingest step of any
run has already read as it is now (a `skm run`, `make demo`) counts as seen too
(pipelines/ingest/landed.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from dagster import (DagsterRunStatus, DefaultSensorStatus, RunFailureSensorContext, RunRequest,
                     RunStatusSensorContext, SensorDefinition, SensorEvaluationContext, SensorResult, SkipReason,
                     run_failure_sensor, run_status_sensor, sensor)

from pipelines.alerts import notify_run_outcome
from pipelines.context import SkmContext
from pipelines.ingest.landed import read_ingested, snapshot
from pipelines.periode import Periode
from pipelines.publish.blocked import report_blocked_publication
from pipelines.schedules import semester_job


def changed_runs(before: dict[str, str], now: dict[str, str],
                 ingested: dict[str, str] | None = None) -> list[RunRequest]:
    """One run request per semester with new or changed files, naming the sources affected: a
    file is new unless the sensor's cursor (`before`) or the last ingest (`ingested`) has it as it
    is `now`."""
    ingested = ingested or {}
    changed = [k for k, v in now.items() if before.get(k) != v and ingested.get(k) != v]
    by_periode: dict[str, set[str]] = defaultdict(set)
    for k in changed:
        source, rel = k.split("/", 1)
        periode = rel.split("/", 1)[0]
        if "/" in rel and Periode.is_label(periode):
            by_periode[periode].add(source)
    requests = []
    for periode, sources in sorted(by_periode.items()):
        stamp = "|".join(sorted(f"{k}={now[k]}" for k in changed if k.split("/", 2)[1] == periode))
        requests.append(
            RunRequest(
                run_key=f"files-{periode}-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}",
                partition_key=Periode.parse(periode).partition_key,
                tags={"skm/periode": periode, "skm/sources": ",".join(sorted(sources)), "skm/trigger": "new-file"},
            )
        )
    return requests


def build_landing_sensor(interval_seconds: int) -> SensorDefinition:
    """The landing sensor, looking every `interval_seconds` (the run context's sensor_interval_seconds)."""

    @sensor(job=semester_job, minimum_interval_seconds=interval_seconds, default_status=DefaultSensorStatus.RUNNING,
            description="Launches the semester of any new or changed file in a source's landing folder.")
    def landing_sensor(context: SensorEvaluationContext, skm: SkmContext):
        now = snapshot(skm.registry.sources, skm.paths.data_dir)
        before = json.loads(context.cursor) if context.cursor else {}
        requests = changed_runs(before, now, read_ingested(skm.paths))
        if not requests:
            return SkipReason("no new or changed files")
        return SensorResult(run_requests=requests, cursor=json.dumps(now, sort_keys=True))

    return landing_sensor


def build_blocked_publication_sensor() -> SensorDefinition:
    """After a failed run that was to publish, marks `published_warehouse:gates_passed` failed
    with the gates that blocked it (pipelines/publish/blocked.py)."""

    @run_failure_sensor(name="blocked_publication_sensor", default_status=DefaultSensorStatus.RUNNING,
                        monitor_all_code_locations=False,
                        description="Marks the published asset's gates_passed check failed after a run that "
                                    "was to publish and was blocked, naming the gates.")
    def blocked_publication_sensor(context: RunFailureSensorContext):
        report_blocked_publication(context.instance, context.dagster_run.run_id)

    return blocked_publication_sensor


def build_alert_sensors() -> list[SensorDefinition]:
    """The alerts of runs the daemon sees end (`dagster dev`): a failed or blocked run (a blocking
    gate fails its check step and the publish step), and a successful one (a publication). Both
    send nothing when no alert URL is configured; `skm run` sends its own run's (no daemon there),
    and a run's alert goes out once whoever sends it first."""

    @run_failure_sensor(name="alert_on_run_failure", default_status=DefaultSensorStatus.RUNNING,
                        description="Sends an alert (e-mail, webhook) naming the gates, sources and periode of a "
                                    "blocked or failed run.")
    def alert_on_run_failure(context: RunFailureSensorContext, skm: SkmContext):
        line = notify_run_outcome(skm, context.instance, context.dagster_run.run_id)
        if line:
            context.log.info(line)

    @run_status_sensor(name="alert_on_publication", run_status=DagsterRunStatus.SUCCESS,
                       default_status=DefaultSensorStatus.RUNNING,
                       description="Sends an alert (e-mail, webhook) when a run published: the periode, the file, "
                                   "the city's Nilai IKM and mutu; and overdue sources.")
    def alert_on_publication(context: RunStatusSensorContext, skm: SkmContext):
        line = notify_run_outcome(skm, context.instance, context.dagster_run.run_id)
        if line:
            context.log.info(line)

    return [alert_on_run_failure, alert_on_publication]
