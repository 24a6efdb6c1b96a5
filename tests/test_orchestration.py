"""Partition, schedule and sensor logic: which run requests for which time and which files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dagster import SkipReason, build_schedule_context, build_sensor_context

from pipelines.context import SkmContext
from pipelines.partitions import semester_partitions
from pipelines.periode import Periode
from pipelines.schedules import (
    build_refresh_schedule,
    closed_semester_key,
    running_semester_key,
    semester_close_schedule,
)
from pipelines.sensors import build_landing_sensor, changed_runs

WITA = ZoneInfo("Asia/Makassar")


def test_partition_keys_and_labels():
    assert str(Periode.from_partition_key("2025-07")) == "2025-S2"
    assert str(Periode.from_partition_key("2025-01")) == "2025-S1"
    assert Periode.parse("2025-S2").partition_key == "2025-07"
    with pytest.raises(ValueError):
        Periode.from_partition_key("2025-03")
    keys = semester_partitions.get_partition_keys(current_time=dt.datetime(2025, 11, 28, tzinfo=WITA))
    assert keys[-2:] == ["2025-01", "2025-07"]  # the running semester is a partition (end_offset=1)
    w = semester_partitions.time_window_for_partition_key("2025-07")
    assert (w.start, w.end) == (dt.datetime(2025, 7, 1, tzinfo=WITA), dt.datetime(2026, 1, 1, tzinfo=WITA))


def test_boundaries_are_in_wita_not_utc():
    # 30 June 2025 17:30 UTC is already 1 July 01:30 in Bontang: semester I has closed.
    at = dt.datetime(2025, 6, 30, 17, 30, tzinfo=dt.UTC)
    assert closed_semester_key(at) == "2025-01"
    assert running_semester_key(at) == "2025-07"
    # 30 June 15:30 UTC is 23:30 WITA: still semester I.
    assert running_semester_key(dt.datetime(2025, 6, 30, 15, 30, tzinfo=dt.UTC)) == "2025-01"


def test_semester_close_schedule_requests_the_semester_just_closed():
    ctx = build_schedule_context(scheduled_execution_time=dt.datetime(2026, 1, 1, 2, 0, tzinfo=WITA))
    req = semester_close_schedule(ctx)
    assert req.partition_key == "2025-07" and req.tags["skm/periode"] == "2025-S2"
    ctx = build_schedule_context(scheduled_execution_time=dt.datetime(2025, 7, 1, 2, 0, tzinfo=WITA))
    assert semester_close_schedule(ctx).partition_key == "2025-01"


def test_refresh_schedule_requests_the_running_semester():
    ctx = build_schedule_context(scheduled_execution_time=dt.datetime(2025, 9, 15, 6, 0, tzinfo=WITA))
    req = build_refresh_schedule(SkmContext().refresh_cron)(ctx)
    assert req.partition_key == "2025-07"
    assert req.run_key.startswith("refresh-2025-07-")


def test_changed_runs_one_request_per_semester_with_the_sources_named():
    before = {"a/2025-S1/x.csv": "10:1"}
    now = {"a/2025-S1/x.csv": "10:1", "b/2025-S1/y.csv": "5:2", "a/2025-S2/z.csv": "7:3", "a/loose.csv": "1:1"}
    reqs = changed_runs(before, now)
    assert [(r.partition_key, r.tags["skm/sources"]) for r in reqs] == [("2025-01", "b"), ("2025-07", "a")]
    assert changed_runs(now, now) == []
    again = changed_runs(before, now)
    assert [r.run_key for r in again] == [r.run_key for r in reqs]  # deterministic keys


def _registry(tmp_path: Path) -> None:
    (tmp_path / "sources.yml").write_text(
        "sources:\n"
        "  - {code: kel_a, opd_kode: KEL-A, opd_nama: Kelurahan A, format: csv, landing: raw/kel_a, template: true}\n"
    )


def test_landing_sensor_launches_new_and_changed_files_once(tmp_path: Path):
    landing_sensor = build_landing_sensor(30)
    resources = {"skm": SkmContext(data_dir=str(tmp_path))}  # the run context on this folder
    _registry(tmp_path)
    f = tmp_path / "raw/kel_a/2025-S2/export.csv"
    f.parent.mkdir(parents=True)
    f.write_text("a\n1\n")
    first = landing_sensor(build_sensor_context(cursor=None, resources=resources))
    assert [r.partition_key for r in first.run_requests] == ["2025-07"]
    second = landing_sensor(build_sensor_context(cursor=first.cursor, resources=resources))
    assert isinstance(second, SkipReason)  # already seen: no new run
    f.write_text("a\n1\n2\n")
    os.utime(f, ns=(1, 2_000_000_000_000_000_000))
    third = landing_sensor(build_sensor_context(cursor=first.cursor, resources=resources))
    assert [r.partition_key for r in third.run_requests] == ["2025-07"]


def test_the_dbt_resource_starts_no_process_before_dbt_itself(monkeypatch):
    """dagster-dbt asks `dbt --version` (a 4 s subprocess) and builds a second dbt adapter before
    every run; ours knows the version from the installed package and builds no adapter."""
    import importlib.metadata

    import dagster_dbt.core.resource as dagster_dbt_resource

    from pipelines.resources import build_resources

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"started a process: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    dbt = build_resources(SkmContext())["dbt"]
    assert str(dbt._cli_version) == importlib.metadata.version("dbt-core")
    assert dbt._initialize_dbt_core_adapter(["build"]) is None


def test_the_sensor_launches_nothing_for_files_a_run_already_ingested(sample_run, tmp_path: Path):
    """`make demo` (a run outside the daemon) then `make dev`: the sensor starts with no cursor, and
    must not relaunch the semesters the run has just published; a file changed after the run is
    still launched, and only its semester."""
    from tests.conftest import copy_estate

    data_dir = copy_estate(sample_run.data_dir, tmp_path / "data")
    skm = SkmContext(data_dir=str(data_dir))
    landing_sensor = build_landing_sensor(30)
    first = landing_sensor(build_sensor_context(cursor=None, resources={"skm": skm}))
    assert isinstance(first, SkipReason), [r.partition_key for r in first.run_requests]
    changed = sorted(data_dir.glob("raw/*/2025-S2/*"))[0]  # a landed export of the second semester
    os.utime(changed, ns=(1, changed.stat().st_mtime_ns + 1_000_000_000))
    again = landing_sensor(build_sensor_context(cursor=None, resources={"skm": skm}))
    assert [r.partition_key for r in again.run_requests] == ["2025-07"]
