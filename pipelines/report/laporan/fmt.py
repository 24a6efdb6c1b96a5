"""Small helpers shared by the report and its charts: Indonesian number formatting, the periode
wording, the mutu categories, and one page's view of the suppression of small respondent groups
(the rule itself is pipelines/publish/disclosure.py)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pipelines.publish.disclosure import (
    MIN_GROUP,
    SECONDARY_LABEL,
    SUPPRESSED_LABEL,
    Group,
    suppression_plan,
)

# PermenPANRB 14/2017: lower bounds on the rounded Nilai (25-100); classify by lower bound only.
MUTU_BANDS: tuple[tuple[str, str, float, float], ...] = (
    ("D", "Tidak baik", 25.0, 65.0),
    ("C", "Kurang baik", 65.0, 76.61),
    ("B", "Baik", 76.61, 88.31),
    ("A", "Sangat baik", 88.31, 100.0),
)
MUTU_COLORS = {"A": "#1a7f37", "B": "#1f6feb", "C": "#bf8700", "D": "#cf222e"}
BAND_COLORS = {"A": "#dafbe1", "B": "#ddf4ff", "C": "#fff8c5", "D": "#ffebe9"}

_PERIODE = re.compile(r"^(\d{4})-S([12])$")


def to_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def angka(value, decimals: int = 2) -> str:
    """82.99 -> '82,99'; 1228 -> '1.228' (Indonesian: comma decimal, dot thousands); None -> '–'."""
    d = to_decimal(value)
    if d is None:
        return "–"
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) if decimals else \
        d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):,.{decimals}f}"  # 1,234.56
    return sign + text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def selisih(value, decimals: int = 2) -> str:
    """A change with its sign: +1,25 / -0,40 / 0,00."""
    d = to_decimal(value)
    if d is None:
        return "–"
    text = angka(d, decimals)
    return ("+" + text) if d > 0 else text


def plain(value) -> str:
    """The machine-readable value for a data-value attribute ('82.99'; '' when missing)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def mutu_of(nilai) -> tuple[str, str] | None:
    """(mutu, kinerja) of a rounded Nilai by lower bounds; None when there is no value."""
    d = to_decimal(nilai)
    if d is None:
        return None
    if d >= Decimal("88.31"):
        return "A", "Sangat baik"
    if d >= Decimal("76.61"):
        return "B", "Baik"
    if d >= Decimal("65.00"):
        return "C", "Kurang baik"
    return "D", "Tidak baik"


def periode_sebelumnya(periode: str) -> str:
    """'2025-S2' -> '2025-S1'; '2025-S1' -> '2024-S2'."""
    m = _PERIODE.match(periode)
    if not m:
        raise ValueError(f"not a periode label: {periode!r}")
    year, sem = int(m[1]), int(m[2])
    return f"{year}-S1" if sem == 2 else f"{year - 1}-S2"


def periode_nama(periode: str) -> str:
    """'2025-S2' -> 'Semester II 2025 (Juli–Desember)'."""
    m = _PERIODE.match(periode)
    if not m:
        return periode
    return f"Semester {'I' if m[2] == '1' else 'II'} {m[1]} ({'Januari–Juni' if m[2] == '1' else 'Juli–Desember'})"


def is_periode(text: str) -> bool:
    return bool(_PERIODE.match(text or ""))


def suppress_counts(counts: dict[str, int], min_group: int = MIN_GROUP,
                    hidden: dict[str, str] | None = None) -> list[Group]:
    """The categories of one profile dimension as one page shows them, small groups hidden.

    A category with 1..min_group-1 respondents shows `SUPPRESSED_LABEL` instead of its count (and
    no percentage); one hidden only so that a small one cannot be worked out by subtraction shows
    `SECONDARY_LABEL`. `hidden` is the page's part of a `suppression_plan` over every page of the
    periode; without it the page is planned on its own (its total is printed, so a lone hidden
    group would be the total minus the others: a second one is hidden). Percentages are of the
    whole dimension."""
    if hidden is None:
        hidden = suppression_plan({"_": counts}, min_group, total_row=False).get("_", {})
    total = sum(counts.values())
    out = []
    for k, n in counts.items():
        if hidden.get(k) == "primary" or 0 < n < min_group:
            out.append(Group(k, None, None, SUPPRESSED_LABEL))
        elif k in hidden:
            out.append(Group(k, None, None, SECONDARY_LABEL))
        else:
            pct = (Decimal(100) * n / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if total else None
            out.append(Group(k, n, pct, angka(n, 0)))
    return out
