"""Blocked means blocked: a broken input stops publication, the published file keeps its bytes,
the failing gate says why, and fixing the input publishes again."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from pipelines.context import SkmContext
from pipelines.partitions import landed_partition_range
from pipelines.periode import Periode
from tests.conftest import copy_estate
from tests.pipeline_run import run_pipeline

pytestmark = pytest.mark.slow


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def failed_checks(result) -> dict[str, str]:
    out = {}
    for ev in result.all_events:
        if ev.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            data = ev.event_specific_data
            if not data.passed:
                out[data.asset_check_key.name] = data.description or ""
    return out


@pytest.fixture(scope="module")
def estate(sample_run, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the session's published 60-rows estate (tests/conftest.py): the tests below
    break its inputs, run again and mend them."""
    assert sample_run.success
    return copy_estate(sample_run.data_dir, tmp_path_factory.mktemp("gates") / "data")


def assert_blocked(data_dir: Path, gate: str, *needles: str, instance: DagsterInstance | None = None):
    published = data_dir / "published" / "skm.duckdb"
    before = sha(published)
    result = run_pipeline(skm=SkmContext(data_dir=str(data_dir)), instance=instance)
    assert not result.success
    failed = failed_checks(result)
    assert gate in failed, failed
    for needle in needles:
        assert needle in failed[gate], failed[gate]
    assert sha(published) == before  # same bytes: nothing unaudited was published
    assert not any(ev.event_type == DagsterEventType.ASSET_MATERIALIZATION
                   and ev.asset_key.to_user_string() == "published_warehouse" for ev in result.all_events)
    return result


def assert_publishes_again(data_dir: Path, instance: DagsterInstance | None = None) -> None:
    published = data_dir / "published" / "skm.duckdb"
    before = sha(published)
    assert run_pipeline(skm=SkmContext(data_dir=str(data_dir)), instance=instance).success
    assert sha(published) != before


def publication_check(instance: DagsterInstance):
    """The latest evaluation of published_warehouse:gates_passed, as the catalog shows it (a run
    over a range of semesters reports it for the asset, without a partition)."""
    from dagster import AssetCheckKey

    key = AssetCheckKey(AssetKey("published_warehouse"), "gates_passed")
    record = next(r for r in instance.event_log_storage.get_asset_check_execution_history(key, limit=20)
                  if r.partition is None)
    return record.event.dagster_event.event_specific_data


def run_blocked_publication_sensor(instance: DagsterInstance, result, data_dir: Path) -> None:
    """What the daemon does after a failed run: the code location's run-failure sensor."""
    from dagster import build_run_status_sensor_context

    from pipelines.definitions import build_definitions

    sensor = next(s for s in build_definitions(SkmContext(data_dir=str(data_dir))).sensors
                  if s.name == "blocked_publication_sensor")
    failure = next(ev for ev in result.all_events if ev.event_type == DagsterEventType.RUN_FAILURE)
    context = build_run_status_sensor_context(sensor_name=sensor.name, dagster_event=failure,
                                              dagster_instance=instance,
                                              dagster_run=instance.get_run_by_id(result.run_id)).for_run_failure()
    sensor(context)


def test_u8_u9_swapped_in_the_registry_blocks_until_fixed(estate: Path):
    registry = estate / "sources.yml"
    original = registry.read_text()
    # dpmptsp_web asks sarana then pengaduan; swap the two mappings as a careless edit would.
    swapped = re.sub(r"(      )sarana:( .*)\n(      )pengaduan:( .*)\n",
                     r"\1sarana:\4\n\3pengaduan:\2\n", original, count=1)
    assert swapped != original
    registry.write_text(swapped)
    instance = DagsterInstance.ephemeral()
    result = assert_blocked(estate, "quarantine_rate_under_threshold", "dpmptsp_web 2025-S1", "dpmptsp_web 2025-S2",
                            instance=instance)
    # the catalog shows the published asset blocked, naming the gate (not green from its last publication)
    run_blocked_publication_sensor(instance, result, estate)
    blocked = publication_check(instance)
    assert not blocked.passed and f"Not published by run {result.run_id}: blocked by" in blocked.description
    assert "quarantine_rate_under_threshold" in blocked.description
    assert blocked.metadata["semesters"].value == "2025-01, 2025-07"
    registry.write_text(original)
    assert_publishes_again(estate, instance)
    assert publication_check(instance).passed


def test_a_file_of_the_wrong_semester_blocks_until_moved_back(estate: Path):
    src = next((estate / "raw/rsud_paper/2025-S2").iterdir())
    wrong = estate / "raw/rsud_paper/2025-S1" / src.name
    shutil.move(src, wrong)
    assert_blocked(estate, "quarantine_rate_under_threshold", "rsud_paper 2025-S1")
    shutil.move(wrong, src)
    assert_publishes_again(estate)


def test_a_source_with_30_percent_unreadable_answers_blocks_until_fixed(estate: Path):
    f = next((estate / "raw/dishub_kiosk/2025-S1").iterdir())
    original = f.read_text()
    lines = original.splitlines()
    rng = random.Random(3)
    broken = [re.sub(r'"q_waktu": \d', '"q_waktu": "??"', line) if rng.random() < 0.3 else line for line in lines]
    f.write_text("\n".join(broken) + "\n")
    assert_blocked(estate, "quarantine_rate_under_threshold", "dishub_kiosk 2025-S1")
    f.write_text(original)
    assert_publishes_again(estate)


def test_a_warning_does_not_block_and_is_published(estate: Path):
    registry = estate / "sources.yml"
    original = registry.read_text()
    registry.write_text(original.replace("max_index_change: 10.0", "max_index_change: 0.01"))
    try:
        result = run_pipeline(skm=SkmContext(data_dir=str(estate)))
        assert result.success
        assert "index_change_within_bounds" in failed_checks(result)
        con = duckdb.connect(str(estate / "published" / "skm.duckdb"), read_only=True)
        status, severity, description = con.execute(
            "SELECT status, severity, description FROM quality_gates WHERE gate = 'index_change_within_bounds'"
        ).fetchall()[0]
        assert (status, severity) == ("failed", "WARN")
        assert "2025-S1 to 2025-S2" in description
    finally:
        registry.write_text(original)


def test_publishing_alone_is_refused(estate: Path):
    from dagster import materialize

    from pipelines.context import SkmContext
    from pipelines.definitions import build_definitions

    defs = build_definitions(SkmContext(data_dir=str(estate)))
    published_warehouse = next(a for a in defs.assets
                               if AssetKey("published_warehouse") in getattr(a, "keys", ()))
    published = estate / "published" / "skm.duckdb"
    before = sha(published)
    result = materialize([published_warehouse], resources=defs.resources, instance=DagsterInstance.ephemeral(),
                         raise_on_error=False, partition_key="2025-07")
    assert not result.success
    failure = next(ev for ev in result.all_events if ev.event_type == DagsterEventType.STEP_FAILURE)
    assert "did not run in this run" in failure.event_specific_data.error.message or \
        "not run" in str(failure.event_specific_data.error)
    assert sha(published) == before


def test_personal_data_in_a_mart_blocks_and_is_named(tmp_path):
    """The gate itself, on a warehouse built by hand: an e-mail in one mart's text column and a
    column named like personal data are each named; a clean mart passes."""
    from pipelines.quality.checks import personal_data_in_marts

    def no_personal_data_in_marts(periodes=None):
        with duckdb.connect(str(tmp_path / "warehouse" / "skm.duckdb"), read_only=True) as con:
            findings, _ = personal_data_in_marts(con, periodes)
        return findings

    (tmp_path / "warehouse").mkdir()
    with duckdb.connect(str(tmp_path / "warehouse" / "skm.duckdb")) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.ikm_opd (opd_kode VARCHAR, mutu VARCHAR, nilai_ikm DOUBLE)")
        con.execute("INSERT INTO marts.ikm_opd VALUES ('RSUD', 'B', 80.1)")
        con.execute("CREATE TABLE marts.saran (periode VARCHAR, saran VARCHAR)")
        con.execute("INSERT INTO marts.saran SELECT '2025-S1', 'pelayanan baik ' || i FROM range(1000) t(i)")
    assert no_personal_data_in_marts() == []

    with duckdb.connect(str(tmp_path / "warehouse" / "skm.duckdb")) as con:
        con.execute("INSERT INTO marts.saran VALUES ('2025-S1', 'hubungi saya di budi.s@example.co.id')")
        con.execute("INSERT INTO marts.saran VALUES ('2025-S1', 'atau wa 0812-3456-7890')")
        con.execute("CREATE TABLE marts.kontak (no_hp VARCHAR)")
    found = no_personal_data_in_marts()
    assert sorted(found) == [("kontak", "no_hp", "column name"), ("saran", "saran", "e-mail-shaped value"),
                             ("saran", "saran", "phone-shaped value")]
    # a semester run scans the marts' rows of its own semesters (tables without periode: all)
    assert sorted(no_personal_data_in_marts(["2025-S2"])) == [("kontak", "no_hp", "column name")]
    assert len(no_personal_data_in_marts(["2025-S1", "2025-S2"])) == 3


def test_a_semester_run_scans_only_its_semesters_for_personal_data(estate: Path):
    """The dbt step's build plan records the semesters it rebuilt; the PII gate scans those rows of
    the marts. The estate's first run built a new warehouse: every semester."""
    skm = SkmContext(data_dir=str(estate))
    p = skm.paths
    first, last = landed_partition_range(p.data_dir, [s.landing_dir(p.data_dir) for s in skm.registry.sources])
    assert first != last
    result = run_pipeline(partitions=(last, last), skm=skm)
    assert result.success
    scan = next(e for e in result.get_asset_check_evaluations() if e.check_name == "no_personal_data_in_marts")
    assert scan.metadata["scope"].value == f"semesters {Periode.from_partition_key(last)}", scan.metadata
