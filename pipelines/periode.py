"""The survey semester, one value type for the whole code base.

People, folders and every mart say ``2025-S2``; Dagster's partition key is the semester's first
month (``2025-07``). Semesters run 1 January - 30 June and 1 July - 31 December, WITA
(Asia/Makassar): a response belongs to the semester of its WITA date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from zoneinfo import ZoneInfo

from pipelines.settings import dbt_project_vars

TIMEZONE = "Asia/Makassar"
WITA = ZoneInfo(TIMEZONE)

# The label's form, 2025-S1 / 2025-S2, from its one home (vars.periode_pattern in
# dbt_project/dbt_project.yml, which dbt's periode macro checks its vars with); the registry's
# schema and the GX suites use it from here.
LABEL_PATTERN: str = dbt_project_vars()["periode_pattern"]
_LABEL = re.compile(LABEL_PATTERN)
_KEY = re.compile(r"(\d{4})-(01|07)")


def waktu_wita(utc: dt.datetime) -> str:
    """A UTC time (naive, as DuckDB stores it, or aware) as people in the city read it:
    '05-01-2026 10:30 WITA' (the Laporan SKM, the workbook's title sheet)."""
    aware = utc if utc.tzinfo is not None else utc.replace(tzinfo=dt.UTC)
    return aware.astimezone(WITA).strftime("%d-%m-%Y %H:%M WITA")


@total_ordering
@dataclass(frozen=True)
class Periode:
    """A semester: ``Periode.parse("2025-S2")``; ``str()`` gives the label back."""

    year: int
    semester: int  # 1 or 2

    def __post_init__(self) -> None:
        if self.semester not in (1, 2):
            raise ValueError(f"semester must be 1 or 2, got {self.semester!r}")

    # -- parsing -----------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Periode:
        """'2025-S2' -> Periode(2025, 2); anything else is refused with the expected form."""
        if not cls.is_label(text):
            raise ValueError(f"not a periode label: {text!r} (expected YYYY-S1 or YYYY-S2, e.g. 2025-S2)")
        return cls(int(text[:4]), int(text[-1]))

    @classmethod
    def from_partition_key(cls, key: str) -> Periode:
        """'2025-07' -> 2025-S2."""
        m = _KEY.fullmatch(key or "")
        if not m:
            raise ValueError(f"not a semester partition key: {key!r} (expected YYYY-01 or YYYY-07)")
        return cls(int(m[1]), 1 if m[2] == "01" else 2)

    @classmethod
    def of_date(cls, day: dt.date) -> Periode:
        """The semester a (WITA) date falls in."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @staticmethod
    def is_label(text: str | None) -> bool:
        return bool(_LABEL.fullmatch(text or ""))

    # -- forms -------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"{self.year}-S{self.semester}"

    @property
    def partition_key(self) -> str:
        return f"{self.year}-{'01' if self.semester == 1 else '07'}"

    @property
    def nama(self) -> str:
        """'Semester II 2025 (Juli–Desember)', as the Laporan says it."""
        months = "Januari–Juni" if self.semester == 1 else "Juli–Desember"
        return f"Semester {'I' if self.semester == 1 else 'II'} {self.year} ({months})"

    def __str__(self) -> str:
        return self.label

    # -- neighbours and bounds ----------------------------------------------------------------
    @property
    def previous(self) -> Periode:
        return Periode(self.year, 1) if self.semester == 2 else Periode(self.year - 1, 2)

    @property
    def next(self) -> Periode:
        return Periode(self.year, 2) if self.semester == 1 else Periode(self.year + 1, 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.semester == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.semester == 1 else dt.date(self.year, 12, 31)

    @property
    def start(self) -> dt.datetime:
        """The first instant, WITA (inclusive)."""
        return dt.datetime.combine(self.first_day, dt.time(), WITA)

    @property
    def end(self) -> dt.datetime:
        """The first instant of the next semester, WITA (exclusive)."""
        return self.next.start

    def __lt__(self, other: Periode) -> bool:
        return (self.year, self.semester) < (other.year, other.semester)

    def index_from(self, first: Periode) -> int:
        """Semesters since `first` (0 for `first` itself)."""
        return (self.year - first.year) * 2 + (self.semester - first.semester)
