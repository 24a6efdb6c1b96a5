"""Small helpers shared by the report and its charts: Indonesian number formatting, the colours of
the mutu categories, and one page's view of the suppression of small respondent groups. The rules
live below the report: the mutu bands in pipelines/mutu.py (from the seed), the periode in
pipelines/periode.py, the suppression in pipelines/publish/disclosure.py."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pipelines.publish.disclosure import (
    MIN_GROUP,
    SECONDARY_LABEL,
    SUPPRESSED_LABEL,
    Group,
    suppression_plan,
)

# The colours of the mutu letters (the bands themselves: pipelines.mutu): badge and bar, band background.
MUTU_COLORS = {"A": "#1a7f37", "B": "#1f6feb", "C": "#bf8700", "D": "#cf222e"}
BAND_COLORS = {"A": "#dafbe1", "B": "#ddf4ff", "C": "#fff8c5", "D": "#ffebe9"}


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
