"""When Dagster runs on its own: the closed semester shortly after it closes, and the running
semester on a refresh cadence during fieldwork. Both defined once here, times in WITA."""

from __future__ import annotations

import datetime as dt

from dagster import DefaultScheduleStatus, RunRequest, ScheduleDefinition, ScheduleEvaluationContext, SkipReason, define_asset_job, schedule

from pipelines.partitions import semester_partitions
from pipelines.periode import TIMEZONE, Periode

semester_job = define_asset_job(
    "skm_semester",
    selection="*",
    partitions_def=semester_partitions,
    description="Ingest, transform, check and publish one semester (or a range, as one run).",
)

# 02:00 WITA on 1 January and 1 July: the semester that ended at midnight.
SEMESTER_CLOSE_CRON = "0 2 1 1,7 *"


def closed_semester_key(at: dt.datetime) -> str:
    """The partition whose window ended last before `at`."""
    keys = semester_partitions.get_partition_keys(current_time=at)
    ended = [k for k in keys if semester_partitions.time_window_for_partition_key(k).end <= at]
    return ended[-1]


def running_semester_key(at: dt.datetime) -> str | None:
    for k in reversed(semester_partitions.get_partition_keys(current_time=at)):
        w = semester_partitions.time_window_for_partition_key(k)
        if w.start <= at < w.end:
            return k
    return None


@schedule(job=semester_job, cron_schedule=SEMESTER_CLOSE_CRON, execution_timezone=TIMEZONE,
          default_status=DefaultScheduleStatus.RUNNING,
          description="Materialises the semester just closed, 2 hours after it closes (WITA).")
def semester_close_schedule(context: ScheduleEvaluationContext):
    key = closed_semester_key(context.scheduled_execution_time)
    return RunRequest(run_key=f"close-{key}", partition_key=key, tags={"skm/periode": Periode.from_partition_key(key).label,
                                                                         "skm/trigger": "semester-close"})


def build_refresh_schedule(cron: str) -> ScheduleDefinition:
    """The fieldwork refresh on `cron` (the run context's refresh_cron: every Monday 06:00 WITA
    unless SKM_REFRESH_CRON says otherwise)."""

    @schedule(job=semester_job, cron_schedule=cron, execution_timezone=TIMEZONE,
              default_status=DefaultScheduleStatus.RUNNING,
              description="Refreshes the running semester during fieldwork (SKM_REFRESH_CRON, default weekly).")
    def running_semester_refresh(context: ScheduleEvaluationContext):
        at = context.scheduled_execution_time
        key = running_semester_key(at)
        if key is None:
            return SkipReason("no running semester")
        return RunRequest(run_key=f"refresh-{key}-{at:%Y%m%d%H%M}", partition_key=key,
                          tags={"skm/periode": Periode.from_partition_key(key).label, "skm/trigger": "refresh"})

    return running_semester_refresh
