"""Small helpers shared by the report and its charts: Indonesian number formatting, the periode
wording, the mutu categories, and the suppression of small respondent groups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Groups of fewer respondents than this are never shown as a number (nor as a percentage or a bar
# length, which would give the number away): a group of 1-4 people in one OPD and semester could
# single a respondent out.
MIN_GROUP = 5
SUPPRESSED_LABEL = f"< {MIN_GROUP}"
# A group hidden only so that a hidden small group cannot be worked out by subtraction.
SECONDARY_LABEL = "disembunyikan"

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


@dataclass(frozen=True)
class Group:
    """One category of a respondent profile as shown: `shown` is the count, or None when hidden
    (the hidden count is deliberately not kept, so no template can print it)."""

    kategori: str
    shown: int | None
    persen: Decimal | None
    label: str  # what the page prints in place of the number

    @property
    def suppressed(self) -> bool:
        return self.shown is None


TOTAL_ROW = "__total__"


def suppression_plan(rows: dict[str, dict[str, int]], min_group: int = MIN_GROUP,
                     total_row: bool = True) -> dict[str, dict[str, str]]:
    """Which cells of one profile dimension to hide, across every page that shows it.

    `rows` maps a unit (an OPD) to its counts per category; with `total_row` the city row (the
    column sums, shown on the city page) is added as `TOTAL_ROW`. Every unit's total is printed,
    so the published numbers are linked: each row adds up to its total and each city cell is the
    sum of its column. Returns unit -> category -> 'primary' (fewer than `min_group`) or
    'secondary' (hidden so that no hidden cell can be worked out from the others).

    Rules, applied until nothing changes: a row with hidden cells has at least two, adding up to
    at least `min_group`; a column (OPD cells and the city cell) never has exactly one hidden
    cell. Then an exact check: no hidden small group may be determined by the linear relations between
    what is shown (rank test); where one is, another cell of its row is hidden and the check
    repeats: a small group must never be computable. (Bounds such as "at least 1" are not used
    by the check; the rules keep the hidden groups of a row together at or above `min_group`.)"""
    cells = {u: {k: int(n) for k, n in cats.items() if n and n > 0} for u, cats in rows.items()}
    if total_row:
        col: dict[str, int] = {}
        for cats in list(cells.values()):
            for k, n in cats.items():
                col[k] = col.get(k, 0) + n
        cells[TOTAL_ROW] = col
    kind: dict[tuple[str, str], str] = {(u, k): "primary" for u, cats in cells.items()
                                        for k, n in cats.items() if n < min_group}
    units = list(cells)
    cats_all = sorted({k for cats in cells.values() for k in cats})

    def col_hidden(k: str) -> list[str]:
        return [u for u in units if k in cells[u] and (u, k) in kind]

    def hide_one_more_in_col(k: str) -> bool:
        shown = [u for u in units if k in cells[u] and (u, k) not in kind]
        if not shown:
            return False
        kind[(min(shown, key=lambda u: (cells[u][k], u)), k)] = "secondary"
        return True

    def hide_one_more_in_row(u: str) -> bool:
        shown = [k for k in cells[u] if (u, k) not in kind]
        if not shown:
            return False
        pick = min(shown, key=lambda k: (not col_hidden(k), cells[u][k], k))
        kind[(u, pick)] = "secondary"
        return True

    changed = True
    while changed:
        changed = False
        for u in units:
            while True:
                h = [k for k in cells[u] if (u, k) in kind]
                if not h or (len(h) >= 2 and sum(cells[u][k] for k in h) >= min_group):
                    break
                if not hide_one_more_in_row(u):
                    break
                changed = True
        if total_row:
            for k in cats_all:
                h = col_hidden(k)
                if len(h) != 1:
                    continue
                if h[0] != TOTAL_ROW:
                    kind[(TOTAL_ROW, k)] = "secondary"
                else:
                    shown = [u for u in units if u != TOTAL_ROW and k in cells[u] and (u, k) not in kind]
                    if not shown:
                        continue
                    kind[(min(shown, key=lambda u: (cells[u][k], u)), k)] = "secondary"
                changed = True
        if not changed:
            # only the small groups must stay unknown; a hidden large group that can be computed
            # is harmless in itself (the rank test already counts it as known)
            for u, k in determined_cells(cells, set(kind), total_row):
                if kind[(u, k)] == "primary" and (hide_one_more_in_row(u) or hide_one_more_in_col(k)):
                    changed = True
                    break
    out: dict[str, dict[str, str]] = {}
    for (u, k), v in kind.items():
        out.setdefault(u, {})[k] = v
    return out


def determined_cells(cells: dict[str, dict[str, int]], hidden: set[tuple[str, str]],
                     total_row: bool = True) -> list[tuple[str, str]]:
    """The hidden cells a reader could compute exactly from what is shown (each row's total and,
    with `total_row`, each city cell = the sum of its column): those whose unit vector lies in the
    row space of the relations restricted to the hidden cells."""
    import numpy as np

    unknown = sorted(hidden)
    if not unknown:
        return []
    index = {c: i for i, c in enumerate(unknown)}
    relations: list[list[float]] = []
    for u, cats in cells.items():
        relations.append([1.0 if c[0] == u else 0.0 for c in unknown])
    if total_row:
        for k in sorted({k for cats in cells.values() for k in cats}):
            relations.append([(1.0 if c[0] == TOTAL_ROW else -1.0) if c[1] == k else 0.0 for c in unknown])
    a = np.array(relations)
    rank = np.linalg.matrix_rank(a)
    out = []
    for c, i in index.items():
        e = np.zeros((1, len(unknown)))
        e[0, i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append(c)
    return out


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
