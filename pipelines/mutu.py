"""The mutu categories (PermenPANRB 14/2017), read from the one place they are written down: the dbt
seed ``seeds/mutu_categories.csv``. The marts, the Laporan, its charts and the GX suites all take
the bands from here, so a change of regulation is one edit of the seed.

A Nilai is classified by the lower bounds of its *rounded* value: 88.31 and above is A, so 88.305
(rounded half up to 88.31) is A and 88.30 is B.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "mutu_categories.csv"
NILAI_MAX = Decimal("100.00")


@dataclass(frozen=True)
class Band:
    mutu: str  # A, B, C, D
    kinerja: str  # Sangat baik, ...
    lower: Decimal  # inclusive, on the rounded Nilai
    upper: Decimal  # the next band's lower bound (exclusive), or 100.00 (inclusive) for A

    @property
    def highest_shown(self) -> Decimal:
        """The largest rounded Nilai in the band: 88.30 for B, 100.00 for A."""
        return self.upper if self.upper == NILAI_MAX else self.upper - Decimal("0.01")


@cache
def bands(seed: Path = SEED) -> tuple[Band, ...]:
    """The bands from the seed, lowest first (D, C, B, A)."""
    with seed.open(newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: Decimal(r["batas_bawah"]))
    lowers = [Decimal(r["batas_bawah"]) for r in rows]
    uppers = lowers[1:] + [NILAI_MAX]
    return tuple(Band(r["mutu"], r["kinerja"], lo, hi) for r, lo, hi in zip(rows, lowers, uppers, strict=True))


def band_of(nilai: Decimal | float | str | None) -> Band | None:
    """The band of a rounded Nilai; None when there is no value."""
    if nilai is None:
        return None
    d = nilai if isinstance(nilai, Decimal) else Decimal(str(nilai))
    found = bands()[0]
    for band in bands():
        if d >= band.lower:
            found = band
    return found


def lower_bounds() -> dict[str, Decimal]:
    """mutu -> its lower bound: {'D': 25.00, 'C': 65.00, 'B': 76.61, 'A': 88.31}."""
    return {b.mutu: b.lower for b in bands()}
