"""Is every source's file in? Each source's last delivery per semester, and which closed semesters
are overdue.

The rule: a semester closes at the end of 30 June or 31 December (WITA, pipelines/periode.py);
a source owes a file for every closed semester from its first (its `first_periode:`, else its
first delivered semester, else the first semester any source delivered), due within
`freshness.days_after_close` days of the close (the registry; a source may set its own). A
semester with no file in the source's landing folder once that many days have passed is overdue,
by the days since the deadline. A waiver of the delivery gate (quality.waivers, gate
every_source_delivered) for the source and semester excuses it.

A delivery is a file in the landing folder's semester folder (any file, also one the reader
refuses: the delivery gate says what is wrong with it); its time is the file's modification time,
the moment it was written there (a copy that keeps the original time, cp -p or rsync -t, shows
that time). The landing folders are the truth here, not the lake: they show a file that has
landed but not yet been ingested, and `skm status` can say it without a run.

`deliveries` reads the folders; `freshness` is pure (a fixed `now` in the tests); the asset check
(pipelines/quality/checks.py), the alerts (pipelines/alerts.py) and the published
`_published_sources` table use the one result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.context import SkmContext
from pipelines.ingest.loader import landed_files
from pipelines.periode import WITA, Periode
from pipelines.registry import FreshnessConfig, Source

# The waiver that also excuses a late file: the one for the delivery gate.
WAIVED_BY_GATE = "every_source_delivered"


@dataclass(frozen=True)
class Delivery:
    """The newest file of a source for one semester."""

    source_code: str
    periode: str
    last_file: str  # relative to the landing folder: 2025-S2/export.csv
    last_delivered_at_utc: dt.datetime  # naive UTC, as every time in the warehouse
    files: int


@dataclass(frozen=True)
class Freshness:
    """One source and semester: delivered, not yet due, overdue or waived."""

    source_code: str
    opd_kode: str
    periode: str
    status: str  # delivered | not_due | overdue | waived
    due_date: dt.date  # last day (WITA) the file may arrive on time
    days_after_close: int
    last_file: str | None = None
    last_delivered_at_utc: dt.datetime | None = None
    days_overdue: int = 0

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    def line(self) -> str:
        """One line for a terminal or an alert."""
        if self.status == "overdue":
            return (f"{self.source_code} ({self.opd_kode}) {self.periode}: no file, {self.days_overdue} day(s) "
                    f"overdue (due {self.due_date:%Y-%m-%d}, {self.days_after_close} days after the close)")
        if self.status == "delivered":
            return (f"{self.source_code} ({self.opd_kode}) {self.periode}: delivered {self.last_file} "
                    f"at {self.last_delivered_at_utc:%Y-%m-%d %H:%M} UTC")
        if self.status == "waived":
            return f"{self.source_code} ({self.opd_kode}) {self.periode}: no file, waived (quality.waivers)"
        return f"{self.source_code} ({self.opd_kode}) {self.periode}: no file yet, due by {self.due_date:%Y-%m-%d}"


def deliveries(sources: Iterable[Source], data_dir: Path) -> dict[tuple[str, str], Delivery]:
    """(source, periode) -> its newest landed file, from the landing folders (links refused and
    files outside a semester folder ignored, as ingest does)."""
    out: dict[tuple[str, str], Delivery] = {}
    for s in sources:
        for path, name in landed_files(s, data_dir):
            periode = name.split("/", 1)[0] if "/" in name else None
            if not Periode.is_label(periode):
                continue
            at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
            prev = out.get((s.code, periode))
            if prev is None or (at, name) > (prev.last_delivered_at_utc, prev.last_file):
                out[(s.code, periode)] = Delivery(s.code, periode, name, at, (prev.files if prev else 0) + 1)
            else:
                out[(s.code, periode)] = Delivery(s.code, periode, prev.last_file, prev.last_delivered_at_utc,
                                                  prev.files + 1)
    return out


def freshness(sources: Iterable[Source], delivered: dict[tuple[str, str], Delivery], now: dt.datetime,
              config: FreshnessConfig, waived: Callable[[str, str], bool] = lambda source, periode: False,
              ) -> list[Freshness]:
    """Every source and semester it owes, from its first to the running one, with its status at
    `now` (an aware time). The running semester is listed only when a file is in (it owes none
    yet). Pure."""
    sources = list(sources)
    today = now.astimezone(WITA).date()
    running = Periode.of_date(today)
    first_any = min((Periode.parse(p) for _, p in delivered), default=None)
    out: list[Freshness] = []
    for s in sources:
        mine = sorted(Periode.parse(p) for code, p in delivered if code == s.code)
        first = Periode.parse(s.first_periode) if s.first_periode else (mine[0] if mine else first_any)
        if first is None:
            continue  # nothing delivered anywhere yet: no semester to owe
        days = config.days(s.code)
        periode = first
        while periode <= running:
            due = periode.last_day + dt.timedelta(days=days)
            d = delivered.get((s.code, periode.label))
            if d is not None:
                out.append(Freshness(s.code, s.opd_kode, periode.label, "delivered", due, days, d.last_file,
                                     d.last_delivered_at_utc))
            elif periode < running:
                late = (today - due).days
                status = "waived" if waived(s.code, periode.label) else "overdue" if late > 0 else "not_due"
                out.append(Freshness(s.code, s.opd_kode, periode.label, status, due, days,
                                     days_overdue=late if status == "overdue" else 0))
            periode = periode.next
    return out


def freshness_of(skm: SkmContext, now: dt.datetime) -> list[Freshness]:
    """`freshness` of the run context's sources and landing folders at `now`."""
    reg = skm.registry
    return freshness(reg.sources, deliveries(reg.sources, skm.paths.data_dir), now, reg.freshness,
                     lambda source, periode: reg.quality.waiver(source, periode, WAIVED_BY_GATE) is not None)


def overdue_of(skm: SkmContext, now: dt.datetime) -> list[Freshness]:
    return [f for f in freshness_of(skm, now) if f.overdue]


def freshness_lines(skm: SkmContext, now: dt.datetime | None = None) -> list[str]:
    """What `skm status` prints: each source's last delivery, then every overdue semester."""
    now = now or dt.datetime.now(dt.UTC)
    rows = freshness_of(skm, now)
    lines = []
    for s in skm.registry.sources:
        last = max((f for f in rows if f.source_code == s.code and f.status == "delivered"),
                   key=lambda f: f.periode, default=None)
        lines.append(f"{s.code} ({s.opd_kode}): " + (
            f"last delivered {last.periode} ({last.last_file}, {last.last_delivered_at_utc:%Y-%m-%d %H:%M} UTC)"
            if last else "no file yet"))
    late = [f for f in rows if f.overdue]
    lines += ([f"Overdue ({len(late)}):"] + [f"  {f.line()}" for f in late]) if late else ["No source is overdue."]
    return lines


def published_rows(rows: list[Freshness]) -> list[dict]:
    """The `_published_sources` table's rows (pipelines/publish/contract.py describes them)."""
    return [{"source_code": f.source_code, "opd_kode": f.opd_kode, "periode": f.periode, "status": f.status,
             "overdue": f.overdue, "days_overdue": f.days_overdue, "due_date": f.due_date,
             "last_file": f.last_file, "last_delivered_at_utc": f.last_delivered_at_utc} for f in rows]
