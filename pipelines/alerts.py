"""Alerts: a run that was blocked or failed, a semester published, a source overdue, sent by
e-mail and to chat webhooks.

Why apprise: one library speaks SMTP (mailto://, mailtos://) and every chat webhook the city may
use (Slack, Microsoft Teams, Telegram, a WhatsApp gateway, any JSON endpoint with json://), and
each target is one URL, so where alerts go is configuration (the registry's `alerts.urls`, the
setting SKM_ALERT_URLS), not code. None configured: alerts are off, nothing is computed or sent.

Who sends: `notify_run_outcome`, called once per run by whoever sees the run end: the run-status
sensors under `dagster dev` (pipelines/sensors.py) and `skm run` (pipelines/cli/run.py), which
starts `dagster asset materialize` where no daemon runs sensors. A claim file per run
(<data>/warehouse/alerts/<run id>) makes it one message per run when both see it.

What is sent is composed by pure functions (`compose_*`, tested on their own); `alert_for_run`
gathers what they need from the run's events, the landing folders and the published file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, PartitionKeyRange

from pipelines.context import SkmContext
from pipelines.ingest.freshness import Freshness, overdue_of
from pipelines.partitions import periodes_of
from pipelines.quality.explain import blocked_gates, why_run_stopped

PUBLISH_ASSET = "published_warehouse"


@dataclass(frozen=True)
class Alert:
    title: str
    body: str
    kind: str  # blocked | failed | published | overdue


# --- composing (pure) ------------------------------------------------------------------------
def run_periodes(tags: Mapping[str, str]) -> list[str]:
    """The semesters a run covered, from its partition tags ('2025-01'...'2025-07' -> S1, S2)."""
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if start and end:
        return periodes_of(PartitionKeyRange(start, end))
    one = tags.get("dagster/partition")
    return periodes_of(PartitionKeyRange(one, one)) if one else []


def sources_named(texts: Iterable[str], codes: Iterable[str]) -> list[str]:
    """The registry sources a gate's text names (each gate names its source by code)."""
    text = "\n".join(texts)
    return [c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", text)]


def _span(periodes: Sequence[str]) -> str:
    return ", ".join(periodes) if periodes else "no semester partition"


def _overdue_block(overdue: Sequence[Freshness]) -> list[str]:
    if not overdue:
        return []
    return ["", f"Overdue sources ({len(overdue)}): no file within the days after the semester closed"] + [
        f"    {f.line()}" for f in overdue]


def compose_run_stopped(run_id: str, periodes: Sequence[str], gates: Sequence[tuple[str, str, str]],
                        sources: Sequence[str], reasons: Sequence[str], overdue: Sequence[Freshness] = (),
                        log: Path | None = None, published: Path | None = None) -> Alert:
    """A run that did not publish: blocked by gates (asset, gate, description) or failed."""
    blocked = bool(gates)
    names = ", ".join(dict.fromkeys(g for _, g, _ in gates))
    title = (f"SKM run {run_id[:8]} blocked by {names} ({_span(periodes)})" if blocked
             else f"SKM run {run_id[:8]} failed ({_span(periodes)})")
    lines = [f"Periode: {_span(periodes)}",
             "Gate(s): " + ("; ".join(f"{g} ({a})" for a, g, _ in gates) if blocked else "none failed"),
             "Source(s): " + (", ".join(sources) or "not named by the gates"),
             "", *reasons, *_overdue_block(overdue), "", "Where to look:",
             f"    Dagster run {run_id} (the UI, `make dev`: Runs)"]
    if log is not None:
        lines.append(f"    the log: {log}")
    if published is not None:
        lines.append(f"    the published file (unchanged): {published}")
    return Alert(title, "\n".join(lines), "blocked" if blocked else "failed")


def compose_published(run_id: str, periodes: Sequence[str], published: Path, kota_nama: str,
                      kota: Sequence[tuple], overdue: Sequence[Freshness] = (), published_by: str | None = None,
                      log: Path | None = None) -> Alert:
    """A publication: the semesters, the file and the city's headline per semester; `kota` rows
    are (periode, nilai_ikm, mutu, kinerja, jumlah_responden, jumlah_opd) from the published file."""
    title = f"SKM {_span(periodes)} published" + (
        f": Nilai IKM {kota_nama} {kota[-1][1]:.2f} ({kota[-1][2]})" if kota else "")
    lines = [f"Periode: {_span(periodes)}", f"Published file: {published}", ""]
    lines += [f"Nilai IKM {kota_nama} {p}: {nilai:.2f} (mutu {mutu}, {kinerja}) - {n} responden, {opd} OPD"
              for p, nilai, mutu, kinerja, n, opd in kota] or ["The published file holds no city index for it."]
    if published_by and published_by != run_id:
        lines += ["", f"Note: the file has since been published again by run {published_by[:8]}; the numbers "
                      "above are that file's."]
    lines += _overdue_block(overdue)
    lines += ["", "Where to look:", f"    Dagster run {run_id} (the UI, `make dev`: Runs)"]
    if log is not None:
        lines.append(f"    the log: {log}")
    return Alert(title, "\n".join(lines), "published")


def compose_overdue(run_id: str, overdue: Sequence[Freshness]) -> Alert:
    """A run that published nothing new, while sources are overdue."""
    first = overdue[0]
    title = f"SKM: {len(overdue)} source file(s) overdue, first {first.source_code} {first.periode}"
    return Alert(title, "\n".join([*_overdue_block(overdue)[1:], "", f"Seen at the end of Dagster run {run_id}."]),
                 "overdue")


# --- gathering ------------------------------------------------------------------------------
def _published_in(instance: DagsterInstance, run_id: str) -> bool:
    return any(e.dagster_event.asset_key is not None and e.dagster_event.asset_key.to_user_string() == PUBLISH_ASSET
               for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION))


def kota_headlines(published: Path, periodes: Sequence[str]) -> tuple[list[tuple], str | None]:
    """(the city rows of `periodes`, the run that published the file) from the published file."""
    if not published.exists():
        return [], None
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "SELECT periode, nilai_ikm, mutu, kinerja, jumlah_responden, jumlah_opd FROM ikm_kota "
            f"WHERE periode IN ({', '.join('?' for _ in periodes) or 'NULL'}) ORDER BY periode", list(periodes)
        ).fetchall()
        by = con.execute("SELECT run_id FROM _published").fetchone()
    finally:
        con.close()
    return rows, by[0] if by else None


def alert_for_run(skm: SkmContext, instance: DagsterInstance, run_id: str, now: dt.datetime | None = None,
                  log: Path | None = None) -> Alert | None:
    """The alert run `run_id` calls for, or None (a successful run that published nothing while
    no source is overdue, or a run not ended)."""
    record = instance.get_run_by_id(run_id)
    if record is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    periodes = run_periodes(record.tags)
    overdue = overdue_of(skm, now)
    paths = skm.paths
    if record.status == DagsterRunStatus.FAILURE:
        gates = blocked_gates(instance, run_id)
        reasons = why_run_stopped(instance, run_id, paths.lake)
        sources = sources_named([*reasons, *(d for _, _, d in gates)], [s.code for s in skm.registry.sources])
        return compose_run_stopped(run_id, periodes, gates, sources, reasons, overdue, log, paths.published)
    if record.status != DagsterRunStatus.SUCCESS:
        return None
    if _published_in(instance, run_id):
        kota, by = kota_headlines(paths.published, periodes)
        return compose_published(run_id, periodes, paths.published, skm.kota_nama, kota, overdue, by, log)
    return compose_overdue(run_id, overdue) if overdue else None


# --- sending --------------------------------------------------------------------------------
def send(alert: Alert, urls: Sequence[str]) -> tuple[bool, str]:
    """Send to every URL; (all delivered, a line saying so, naming a failed target without its
    password)."""
    import apprise

    kinds = {"blocked": apprise.NotifyType.FAILURE, "failed": apprise.NotifyType.FAILURE,
             "published": apprise.NotifyType.SUCCESS, "overdue": apprise.NotifyType.WARNING}
    failed = []
    for url in urls:
        target = apprise.Apprise()
        if not target.add(url):
            failed.append(f"{url.split('://', 1)[0]}:// (not a URL apprise can use)")
            continue
        ok = target.notify(title=alert.title, body=alert.body, body_format=apprise.NotifyFormat.TEXT,
                           notify_type=kinds[alert.kind])
        if not ok:
            failed.append(target[0].url(privacy=True))
    if failed:
        return False, f"Alert '{alert.title}' NOT delivered to {len(failed)} of {len(urls)} target(s): {'; '.join(failed)}"
    return True, f"Alert sent to {len(urls)} target(s): {alert.title}"


def _claim(skm: SkmContext, run_id: str) -> Path | None:
    """The run's claim file, created now; None when another caller already claimed the run."""
    folder = skm.paths.data_dir / "warehouse" / "alerts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / run_id
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return None
    return path


def notify_run_outcome(skm: SkmContext, instance: DagsterInstance, run_id: str, *, now: dt.datetime | None = None,
                       log: Path | None = None) -> str | None:
    """Send run `run_id`'s alert once (whoever calls first); a line saying what happened, or None
    when alerts are off, the run calls for none, or it was already sent."""
    urls = skm.alert_targets
    if not urls:
        return None
    claim = _claim(skm, run_id)
    if claim is None:
        return None
    try:
        alert = alert_for_run(skm, instance, run_id, now, log)
        if alert is None:
            return None
        ok, line = send(alert, urls)
    except BaseException:
        claim.unlink(missing_ok=True)  # another caller may still send it
        raise
    if not ok:
        claim.unlink(missing_ok=True)
    return line


def notify_cli_run(home: Path, started: dt.datetime, log: Path | None = None) -> list[str]:
    """For `skm run`: the alert of the run it started (the newest of the instance in `home`, begun
    after `started`); lines to print. No daemon runs sensors there."""
    skm = SkmContext.from_env()
    if not skm.alert_targets:
        return []
    try:
        with DagsterInstance.from_config(str(home)) as instance:
            records = instance.get_run_records(limit=1)
            if not records:
                return []
            created = records[0].create_timestamp
            if created.tzinfo is None:
                created = created.replace(tzinfo=dt.UTC)
            if created < started - dt.timedelta(seconds=5):
                return []  # the run did not start: the terminal says why
            line = notify_run_outcome(skm, instance, records[0].dagster_run.run_id, log=log)
    except Exception as exc:  # noqa: BLE001 - an alert that cannot be made must not hide the run's outcome
        return [f"Alert NOT sent: {exc.__class__.__name__}: {exc}"]
    return [line] if line else []
