"""Inline SVG charts for the Laporan SKM: plain strings, no script, no external asset, so the page
works offline and prints the same in a PDF. Every text that comes from data is escaped. The <svg>
carries no xmlns: inline SVG in HTML does not need it, and the page then holds no URL at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup, escape

from pipelines import mutu
from pipelines.report.laporan.fmt import BAND_COLORS, MUTU_COLORS, angka, plain, to_decimal

FONT = "font-family=\"'Segoe UI', 'DejaVu Sans', Arial, sans-serif\""
SCORE_COLORS = ("#cf222e", "#f0883e", "#54aeff", "#1a7f37")  # answers 1, 2, 3, 4
SCORE_LABELS = ("1 (tidak baik)", "2 (kurang baik)", "3 (baik)", "4 (sangat baik)")


def _bands() -> list[tuple[str, str, float, float]]:
    """(mutu, kinerja, lower, upper) of each band on the 25-100 scale, lowest first, from the seed."""
    return [(b.mutu, b.kinerja, float(b.lower), float(b.upper)) for b in mutu.bands()]


def _tick_label(tick: float) -> str:
    """'65', '76,61': a bound with its decimals only when it has some."""
    return angka(tick, 2 if tick % 1 else 0)


def _fit(text: str, width_px: float, font_px: float = 12) -> str:
    """Shorten a label to fit about `width_px` (the full text stays in a <title>)."""
    max_chars = max(4, int(width_px / (font_px * 0.62)))
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(label)}" {FONT} '
        f'font-size="12">' + "".join(body) + "</svg>"
    )


@dataclass
class Bar:
    label: str
    value: Decimal | float | None  # on the 25-100 scale
    mutu: str | None = None
    note: str = ""  # printed right of the bar
    attrs: dict[str, str] = field(default_factory=dict)  # data-* attributes of the bar group


def banded_bars(bars: Sequence[Bar], title: str, width: int = 760, label_width: int = 250,
                note_width: int = 150, row_height: int = 24) -> Markup:
    """Horizontal bars on the 25-100 scale with the mutu bands (pipelines.mutu) drawn behind them."""
    top, bottom = 22, 26
    x0, x1 = label_width, width - note_width
    height = top + row_height * max(len(bars), 1) + bottom

    def x(v: float) -> float:
        return x0 + (x1 - x0) * (min(max(v, 25.0), 100.0) - 25.0) / 75.0

    bands = _bands()
    body: list[str] = []
    for letter, kinerja, lo, hi in bands:
        body.append(f'<rect x="{x(lo):.1f}" y="{top}" width="{x(hi) - x(lo):.1f}" '
                    f'height="{height - top - bottom}" fill="{BAND_COLORS[letter]}">'
                    f'<title>Mutu {letter} ({kinerja})</title></rect>')
        body.append(f'<text x="{(x(lo) + x(hi)) / 2:.1f}" y="{top - 8}" text-anchor="middle" font-weight="600" '
                    f'fill="{MUTU_COLORS[letter]}">{letter}</text>')
    for tick in [lo for _, _, lo, _ in bands] + [bands[-1][3]]:  # each band's lower bound, and 100
        body.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{height - bottom + 4}" '
                    f'stroke="#8c959f" stroke-width="0.6"/>')
        body.append(f'<text x="{x(tick):.1f}" y="{height - bottom + 17}" text-anchor="middle" fill="#57606a" '
                    f'font-size="10.5">{_tick_label(tick)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_height
        attrs = "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in bar.attrs.items())
        body.append(f'<g class="bar"{attrs}><title>{escape(bar.label)}</title>')
        body.append(f'<text x="{x0 - 8}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end" fill="#24292f">'
                    f'{escape(_fit(bar.label, label_width - 12))}</text>')
        v = to_decimal(bar.value)
        if v is None:
            body.append(f'<text x="{x0 + 6}" y="{y + row_height / 2 + 4:.1f}" fill="#57606a" font-style="italic">'
                        f'tidak dapat dihitung</text>')
        else:
            color = MUTU_COLORS.get(bar.mutu or "", "#57606a")
            body.append(f'<rect x="{x0}" y="{y + 5}" width="{max(x(float(v)) - x0, 1):.1f}" '
                        f'height="{row_height - 10}" fill="{color}" rx="2"/>')
        if bar.note:
            body.append(f'<text x="{x1 + 8}" y="{y + row_height / 2 + 4:.1f}" fill="#24292f">{escape(bar.note)}</text>')
        body.append("</g>")
    return _svg(width, height, body, title)


@dataclass
class Distribution:
    label: str
    counts: tuple[int, int, int, int]  # answers scoring 1, 2, 3, 4


def distribution_bars(rows: Sequence[Distribution], title: str, width: int = 840, label_width: int = 310,
                      row_height: int = 24) -> Markup:
    """Each unsur as a 100 % bar split into the shares of answers 1-4, with a legend."""
    top, legend = 6, 30
    x0, x1 = label_width, width - 10
    height = top + row_height * max(len(rows), 1) + legend
    body: list[str] = []
    for i, row in enumerate(rows):
        y = top + i * row_height
        total = sum(row.counts)
        body.append(f'<g class="dist"><title>{escape(row.label)}: '
                    + escape(", ".join(f"skor {s + 1}: {angka(c, 0)}" for s, c in enumerate(row.counts))) + "</title>")
        body.append(f'<text x="{x0 - 8}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end" fill="#24292f">'
                    f'{escape(_fit(row.label, label_width - 12))}</text>')
        if not total:
            body.append(f'<text x="{x0 + 6}" y="{y + row_height / 2 + 4:.1f}" fill="#57606a" font-style="italic">'
                        f'tidak ada jawaban</text></g>')
            continue
        cursor = float(x0)
        for s, c in enumerate(row.counts):
            w = (x1 - x0) * c / total
            if w <= 0:
                continue
            body.append(f'<rect x="{cursor:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_height - 8}" '
                        f'fill="{SCORE_COLORS[s]}"/>')
            if w >= 34:
                body.append(f'<text x="{cursor + w / 2:.1f}" y="{y + row_height / 2 + 4:.1f}" text-anchor="middle" '
                            f'fill="#ffffff" font-size="10.5">{angka(Decimal(100) * c / total, 1)}%</text>')
            cursor += w
        body.append("</g>")
    ly = height - legend + 18
    texts = [f"Skor {lab}" for lab in SCORE_LABELS]
    widths = [16 + len(t) * 11 * 0.62 + 18 for t in texts]
    lx = max(10.0, min(float(x0), x1 - sum(widths)))
    for s, (text, w) in enumerate(zip(texts, widths)):
        body.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{SCORE_COLORS[s]}"/>'
                    f'<text x="{lx + 16:.1f}" y="{ly}" fill="#24292f" font-size="11">{escape(text)}</text>')
        lx += w
    return _svg(width, height, body, title)


@dataclass
class ProfileBar:
    label: str
    persen: Decimal | None  # None: the group is hidden
    text: str  # the count as printed ('171' or '< 5')


def profile_bars(rows: Sequence[ProfileBar], title: str, width: int = 370, label_width: int = 120,
                 row_height: int = 22) -> Markup:
    """One profile dimension: a bar per category scaled to its share; a hidden group gets an empty
    dashed outline of fixed size and its label, so neither its length nor a number gives it away."""
    x0, x1 = label_width, width - 110
    height = 4 + row_height * max(len(rows), 1) + 4
    top_pct = max((float(r.persen) for r in rows if r.persen is not None), default=100.0) or 100.0
    body: list[str] = []
    for i, row in enumerate(rows):
        y = 4 + i * row_height
        suppressed = row.persen is None
        body.append(f'<g class="profil" data-kategori="{escape(row.label)}" '
                    f'data-suppressed="{"true" if suppressed else "false"}">')
        body.append(f'<text x="{x0 - 6}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end" fill="#24292f">'
                    f'{escape(_fit(row.label, label_width - 8))}</text>')
        if suppressed:
            body.append(f'<rect x="{x0}" y="{y + 4}" width="{(x1 - x0) * 0.12:.1f}" height="{row_height - 8}" '
                        f'fill="none" stroke="#8c959f" stroke-dasharray="3 2"/>')
            body.append(f'<text x="{x0 + (x1 - x0) * 0.12 + 6:.1f}" y="{y + row_height / 2 + 4:.1f}" fill="#57606a">'
                        f'{escape(row.text)}</text>')
        else:
            w = (x1 - x0) * float(row.persen) / top_pct
            body.append(f'<rect x="{x0}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_height - 8}" '
                        f'fill="#0969da" rx="2"/>')
            body.append(f'<text x="{x0 + max(w, 1) + 6:.1f}" y="{y + row_height / 2 + 4:.1f}" fill="#24292f">'
                        f'{escape(row.text)} ({angka(row.persen, 1)}%)</text>')
        body.append("</g>")
    return _svg(width, height, body, title)


@dataclass
class TrendPoint:
    periode: str
    value: Decimal | float | None
    mutu: str | None = None


def trend_columns(points: Sequence[TrendPoint], title: str, width: int = 760, height: int = 220) -> Markup:
    """Nilai IKM per periode as columns over the mutu bands (the axis starts a little under the
    lowest value so small changes stay visible; it says so)."""
    left, right, top, bottom = 46, 12, 12, 30
    values = [float(p.value) for p in points if p.value is not None]
    lo = max(25.0, (int(min(values, default=65.0) - 5) // 5) * 5)
    hi = 100.0

    def y(v: float) -> float:
        return top + (height - top - bottom) * (hi - min(max(v, lo), hi)) / (hi - lo)

    bands = _bands()
    inner = [blo for _, _, blo, _ in bands[1:]]  # the bounds between bands
    body: list[str] = []
    for letter, kinerja, blo, bhi in bands:
        if bhi <= lo:
            continue
        y_top, y_bot = y(bhi), y(max(blo, lo))
        body.append(f'<rect x="{left}" y="{y_top:.1f}" width="{width - left - right}" height="{y_bot - y_top:.1f}" '
                    f'fill="{BAND_COLORS[letter]}"><title>Mutu {letter} ({kinerja})</title></rect>')
        body.append(f'<text x="{width - right - 4}" y="{y_top + 13:.1f}" text-anchor="end" font-weight="600" '
                    f'fill="{MUTU_COLORS[letter]}">{letter}</text>')
    # the axis start, each bound between bands and 100 (the start is left out when a bound is close)
    for tick in sorted({lo, *inner, hi}):
        if tick < lo or (tick == lo and any(0 < b - lo < 4 for b in inner)):
            continue
        body.append(f'<line x1="{left - 4}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                    f'stroke="#8c959f" stroke-width="0.5"/>')
        body.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#57606a" font-size="10.5">'
                    f'{_tick_label(tick)}</text>')
    n = max(len(points), 1)
    slot = (width - left - right) / n
    cw = min(70.0, slot * 0.55)
    for i, p in enumerate(points):
        cx = left + slot * (i + 0.5)
        body.append(f'<g class="trend" data-periode="{escape(p.periode)}" data-value="{escape(plain(p.value))}">')
        if p.value is not None:
            v = float(p.value)
            color = MUTU_COLORS.get(p.mutu or "", "#57606a")
            body.append(f'<rect x="{cx - cw / 2:.1f}" y="{y(v):.1f}" width="{cw:.1f}" height="{y(lo) - y(v):.1f}" '
                        f'fill="{color}" rx="2"/>')
            body.append(f'<text x="{cx:.1f}" y="{y(v) - 5:.1f}" text-anchor="middle" font-weight="600" '
                        f'fill="#24292f">{angka(p.value)}</text>')
        else:
            body.append(f'<text x="{cx:.1f}" y="{y(lo) - 6:.1f}" text-anchor="middle" fill="#57606a">–</text>')
        body.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#24292f">'
                    f'{escape(p.periode)}</text></g>')
    body.append(f'<text x="{left}" y="{height - 2}" fill="#57606a" font-size="10">sumbu Nilai IKM mulai dari '
                f'{angka(lo, 0)}</text>')
    return _svg(width, height, body, title)
