"""Is every source's file in? The last delivery per source and semester from real landing folders,
the overdue rule at a fixed `now` (README "Alerts and freshness"), the registry's freshness and
alerts blocks, and the WARN check of a real ingest run naming the overdue source."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance, materialize

from pipelines.context import SkmContext
from pipelines.ingest.freshness import deliveries, freshness_lines, freshness_of
from pipelines.periode import WITA
from pipelines.registry import RegistryError, load

REGISTRY = """\
freshness: {days_after_close: 14}
quality:
  waivers:
    - {source: kel_waived, periode: 2025-S2, gate: every_source_delivered, reason: "kantor direnovasi"}
sources:
  - {code: kel_late, opd_kode: KEL-L, opd_nama: L, format: csv, landing: raw/kel_late, template: true}
  - {code: kel_ontime, opd_kode: KEL-O, opd_nama: O, format: csv, landing: raw/kel_ontime, template: true}
  - {code: kel_slow, opd_kode: KEL-S, opd_nama: S, format: csv, landing: raw/kel_slow, template: true,
     freshness: {days_after_close: 30}}
  - {code: kel_waived, opd_kode: KEL-W, opd_nama: W, format: csv, landing: raw/kel_waived, template: true}
  - {code: kel_new, opd_kode: KEL-N, opd_nama: N, format: csv, landing: raw/kel_new, template: true,
     first_periode: 2025-S2}
"""


def land(data_dir: Path, source: str, name: str, at: dt.datetime) -> None:
    path = data_dir / "raw" / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("submitted_at\n", encoding="utf-8")
    os.utime(path, (at.timestamp(), at.timestamp()))


def wita(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


@pytest.fixture
def estate(tmp_path: Path) -> SkmContext:
    (tmp_path / "sources.yml").write_text(REGISTRY, encoding="utf-8")
    for code in ("kel_late", "kel_ontime", "kel_slow", "kel_waived"):
        land(tmp_path, code, "2025-S1/rekap.csv", wita(2025, 7, 3, 9))
    land(tmp_path, "kel_ontime", "2025-S2/rekap.csv", wita(2026, 1, 5, 8))
    land(tmp_path, "kel_ontime", "2025-S2/rekap-koreksi.csv", wita(2026, 1, 9, 14, 30))  # the newer one counts
    land(tmp_path, "kel_ontime", "catatan.txt", wita(2026, 1, 9))  # outside a semester folder: no delivery
    return SkmContext(data_dir=str(tmp_path))


def by_key(rows) -> dict[tuple[str, str], object]:
    return {(f.source_code, f.periode): f for f in rows}


def test_the_last_delivery_is_the_newest_file_of_the_semester_folder(estate: SkmContext):
    got = deliveries(estate.registry.sources, estate.paths.data_dir)
    ontime = got[("kel_ontime", "2025-S2")]
    assert (ontime.last_file, ontime.files) == ("2025-S2/rekap-koreksi.csv", 2)
    assert ontime.last_delivered_at_utc == dt.datetime(2026, 1, 9, 6, 30)  # 14:30 WITA
    assert set(got) == {(c, "2025-S1") for c in ("kel_late", "kel_ontime", "kel_slow", "kel_waived")} \
        | {("kel_ontime", "2025-S2")}


def test_a_source_without_a_file_past_the_days_after_close_is_overdue_by_its_days(estate: SkmContext):
    # 2025-S2 closed 31 December; due 14 January (14 days); 20 January is 6 days later
    rows = by_key(freshness_of(estate, wita(2026, 1, 20, 10)))
    late = rows[("kel_late", "2025-S2")]
    assert (late.status, late.overdue, late.days_overdue, late.due_date) == ("overdue", True, 6, dt.date(2026, 1, 14))
    assert rows[("kel_new", "2025-S2")].days_overdue == 6  # owes from its declared first_periode, nothing before
    assert ("kel_new", "2025-S1") not in rows
    # delivered: not overdue, with its file and time
    ontime = rows[("kel_ontime", "2025-S2")]
    assert (ontime.status, ontime.overdue, ontime.last_file) == ("delivered", False, "2025-S2/rekap-koreksi.csv")
    # its own 30 days: due 30 January, still within them
    slow = rows[("kel_slow", "2025-S2")]
    assert (slow.status, slow.overdue, slow.due_date) == ("not_due", False, dt.date(2026, 1, 30))
    # the delivery gate's waiver excuses it here too
    assert rows[("kel_waived", "2025-S2")].status == "waived"
    # the running semester owes nothing yet and is listed only once a file is in
    assert not any(p == "2026-S1" for _, p in rows)
    assert sorted(k for k, f in rows.items() if f.overdue) == [("kel_late", "2025-S2"), ("kel_new", "2025-S2")]


def test_the_due_day_is_the_last_day_on_time_in_wita(estate: SkmContext):
    on_the_day = by_key(freshness_of(estate, wita(2026, 1, 14, 23, 59)))[("kel_late", "2025-S2")]
    assert (on_the_day.status, on_the_day.days_overdue) == ("not_due", 0)
    # 00:30 WITA on 15 January is still 14 January in UTC: the day is WITA's
    next_day = by_key(freshness_of(estate, wita(2026, 1, 15, 0, 30)))[("kel_late", "2025-S2")]
    assert (next_day.status, next_day.days_overdue) == ("overdue", 1)


def test_freshness_lines_say_each_last_delivery_and_every_overdue_source(estate: SkmContext):
    lines = freshness_lines(estate, wita(2026, 1, 20, 10))
    assert "kel_ontime (KEL-O): last delivered 2025-S2 (2025-S2/rekap-koreksi.csv, 2026-01-09 06:30 UTC)" in lines
    assert "kel_late (KEL-L): last delivered 2025-S1 (2025-S1/rekap.csv, 2025-07-03 01:00 UTC)" in lines
    assert "kel_new (KEL-N): no file yet" in lines
    assert "Overdue (2):" in lines
    assert ("  kel_late (KEL-L) 2025-S2: no file, 6 day(s) overdue (due 2026-01-14, 14 days after the close)"
            in lines)


@pytest.mark.parametrize(("block", "message"), [
    ("freshness: {days_after_clos: 7}\n", "key 'freshness.days_after_clos': unknown key (did you mean 'days_after_close'?)"),
    ("freshness: {days_after_close: -1}\n", "greater than or equal to 0"),
    ("alerts: {url: []}\n", "key 'alerts.url': unknown key (did you mean 'urls'?)"),
    ("alerts: {urls: ['smtp.example.go.id']}\n", "'smtp.example.go.id' is not an apprise URL"),
    ("alerts: {urls: ['nosuchservice://x']}\n", "nosuchservice:// is not a notification service apprise knows"),
])
def test_a_wrong_freshness_or_alerts_block_is_refused_naming_the_key(tmp_path: Path, block: str, message: str):
    (tmp_path / "sources.yml").write_text(block + "sources: []\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="line 1") as exc:
        load(tmp_path / "sources.yml")
    assert message in str(exc.value)


def test_the_alert_urls_come_from_the_registry_and_the_setting(tmp_path: Path):
    (tmp_path / "sources.yml").write_text(
        "alerts: {urls: ['json://127.0.0.1:9/skm']}\nsources: []\n", encoding="utf-8")
    skm = SkmContext.from_env({"SKM_DATA_DIR": str(tmp_path), "SKM_ALERT_URLS":
                               "mailto://127.0.0.1:25?from=skm@example.go.id&to=a@example.go.id,b@example.go.id, "
                               "json://127.0.0.1:9/skm tgram://123456:abcdef/42"})
    assert skm.alert_targets == ("json://127.0.0.1:9/skm",
                                 "mailto://127.0.0.1:25?from=skm@example.go.id&to=a@example.go.id,b@example.go.id",
                                 "tgram://123456:abcdef/42")
    (tmp_path / "sources.yml").write_text("sources: []\n", encoding="utf-8")
    assert SkmContext(data_dir=str(tmp_path)).alert_targets == ()  # off


@pytest.mark.slow
def test_the_check_warns_naming_the_overdue_source_periode_and_days(tmp_path: Path):
    """The real ingest step and check on the generated estate, one source's 2025-S2 file gone:
    a WARN (the run succeeds) naming it, 2025-S2 and its days; a source that delivered is not named
    for 2025-S2. `now` is the clock's: every source is also overdue for any semester closed since."""
    from pipelines.definitions import build_definitions
    from pipelines.ingest.assets import raw_lake
    from pipelines.quality.checks import sources_delivered_on_time
    from tests.conftest import make_data_dir

    data_dir = make_data_dir(tmp_path / "data", rows=10)
    for f in (data_dir / "raw" / "rsud_paper" / "2025-S2").iterdir():
        f.unlink()
    skm = SkmContext(data_dir=str(data_dir))
    result = materialize([raw_lake, sources_delivered_on_time], resources=build_definitions(skm).resources,
                         instance=DagsterInstance.ephemeral(), partition_key="2025-07")
    assert result.success  # a warning blocks nothing
    evaluation = next(e.event_specific_data for e in result.all_events
                      if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION)
    assert (evaluation.passed, evaluation.severity) == (False, AssetCheckSeverity.WARN)
    days = (dt.datetime.now(WITA).date() - dt.date(2026, 1, 14)).days
    assert f"rsud_paper 2025-S2: {days} day(s) overdue (due 2026-01-14)" in evaluation.description
    assert "dishub_kiosk 2025-S2" not in evaluation.description  # it delivered
    assert "rsud_paper" in evaluation.metadata["overdue"].value
