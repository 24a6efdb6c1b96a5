"""Seeded sample exports for every registry source and periode, shaped like the real OPD files.

The point is to exercise the pipeline on what it will meet: words and numbers, title rows,
BOMs, Google-Forms timestamps and UTC kiosk clocks, plus a small, *countable* amount of dirt so
that reconciliation tests can assert exact numbers. Everything flows from
``random.Random(seed + stable_hash(...))`` per source and periode: adding a source or a periode
never changes the files of the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.periode import Periode
from pipelines.registry import Source, load_registry, parse_registry
from pipelines.sample_data import answers as ans
from pipelines.sample_data import people, suspicious as sus, writers
from pipelines.sample_data.rtl import PERIODE as RTL_PERIODE, write_rtl_samples
from pipelines.sample_data.profiles import (
    SARAN_IMPROVE,
    SARAN_POSITIVE,
    ExportStyle,
    Layanan,
    OpdProfile,
    code_prefix,
    profile_for,
    style_for,
)
from pipelines.settings import REPO_ROOT, UNSUR_KEYS

# --- dirt: the exact, deterministic amounts (see dirt_counts) ------------------------------
# Share of responses carrying exactly one harmless irregularity in one unsur (blank answer,
# "Tidak tahu"/"Tidak berlaku", label variant, number stored as text). Never quarantined.
DIRTY_ROW_RATE = 0.02
# Share of responses with exactly one answer no normaliser may accept (7 or 0; "Lumayan").
# At least one such row per file. These rows must end in quarantine.
INVALID_ROW_RATE = 0.005
# Exact re-sends of one clean submission (same id, same content) per JSON file.
DUPLICATES_PER_JSON_FILE = 1
# Files with fewer responses than this carry no dirt at all (tiny test estates stay clean).
DIRT_MIN_ROWS = 20
# Each source and periode gets rows x (1 +- this), so sources differ in size.
ROW_COUNT_SPREAD = 0.10

# Dirt kinds by answer style and format, assigned round-robin over the dirty rows.
DIRT_KINDS_WORDS: tuple[str, ...] = ("blank", "tidak_tahu", "label_variant")
DIRT_KINDS_XLSX: tuple[str, ...] = ("blank", "tidak_tahu", "text_number")
DIRT_KINDS_JSON: tuple[str, ...] = ("blank",)  # a null answer; kiosk apps cannot type words
DIRT_KINDS_NUMBERS_CSV: tuple[str, ...] = ("blank", "tidak_tahu")

DEFAULT_PERIODES: tuple[str, ...] = ("2025-S1", "2025-S2")
# The semester the trends start from (index 0).
TREND_FROM = Periode(2025, 1)
_WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
_NEWLINE_SARAN_SHARE = 0.04


def _trend_index(periode: Periode) -> int:
    """Semesters since TREND_FROM; drives each OPD's trend."""
    return periode.index_from(TREND_FROM)


def _title(periode: Periode) -> str:
    """The title row of a paper rekap: 'Semester II Tahun 2025'."""
    return f"Semester {'I' if periode.semester == 1 else 'II'} Tahun {periode.year}"


def _local_span(periode: Periode) -> tuple[dt.datetime, dt.datetime]:
    """The semester's first and last second as naive WITA times, as the rows carry them."""
    return (dt.datetime.combine(periode.first_day, dt.time()),
            dt.datetime.combine(periode.last_day, dt.time(23, 59, 59)))


def parse_periode(text: str) -> Periode:
    """Periode.parse, with the wording the sample CLI has always given for a bad --periodes."""
    try:
        return Periode.parse(text)
    except ValueError:
        raise ValueError(f"periode must look like 2025-S1 or 2025-S2, got {text!r}") from None


def stable_hash(*parts: object) -> int:
    """hash() is salted per process; this is not."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(seed + stable_hash(*parts))


def row_count(rows: int, seed: int, source_code: str, periode: str) -> int:
    """Responses (distinct submissions) in one file: rows +- ROW_COUNT_SPREAD."""
    if rows <= 0:
        return 0
    r = _rng(seed, source_code, periode, "count")
    return max(1, round(rows * (1 + r.uniform(-ROW_COUNT_SPREAD, ROW_COUNT_SPREAD))))


@dataclass(frozen=True)
class DirtCounts:
    dirty: int  # rows with one harmless irregularity
    invalid: int  # rows that must be quarantined
    duplicates: int  # extra exact copies (JSON only)


def dirt_counts(responses: int, fmt: str) -> DirtCounts:
    """The exact dirt in a file of `responses` distinct submissions of format `fmt`."""
    if responses < DIRT_MIN_ROWS:
        return DirtCounts(0, 0, 0)
    return DirtCounts(
        dirty=round(responses * DIRTY_ROW_RATE),
        invalid=max(1, round(responses * INVALID_ROW_RATE)),
        duplicates=DUPLICATES_PER_JSON_FILE if fmt == "json" else 0,
    )


def dirt_kinds(source: Source) -> tuple[str, ...]:
    style = style_for(source)
    if style.answers == "words":
        return DIRT_KINDS_WORDS
    return {"xlsx": DIRT_KINDS_XLSX, "json": DIRT_KINDS_JSON}.get(source.format, DIRT_KINDS_NUMBERS_CSV)


@dataclass(frozen=True)
class WrittenFile:
    """What went into one file, for the CLI's report and for tests that reconcile."""

    path: Path
    source_code: str
    periode: str
    responses: int  # distinct submissions
    records: int  # data rows/objects in the file (responses + duplicates)
    invalid: int
    duplicates: int
    dirty: dict[str, int] = field(default_factory=dict)  # kind -> rows
    planted: int = 0  # suspicious submissions planted (suspicious.py; ground truth in a sidecar)


# --- timestamps -----------------------------------------------------------------------------

# National holidays and cuti bersama: offices are closed. Fixed dates every year, plus 2025's
# moving ones (Imlek, Nyepi, Idul Fitri, Waisak, Idul Adha, Maulid...).
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25), (12, 26))
_HOLIDAYS_2025 = frozenset(
    dt.date(2025, m, d)
    for m, d in ((1, 27), (1, 28), (1, 29), (3, 28), (3, 31), (4, 1), (4, 2), (4, 3), (4, 4), (4, 7), (4, 18),
                 (5, 12), (5, 13), (5, 29), (5, 30), (6, 6), (6, 9), (6, 27), (8, 18), (9, 5))
)


def _is_holiday(d: dt.date) -> bool:
    return (d.month, d.day) in _FIXED_HOLIDAYS or d in _HOLIDAYS_2025


@lru_cache(maxsize=32)
def _day_table(start: dt.date, end: dt.date, mode: str) -> tuple[tuple[dt.date, ...], tuple[float, ...]]:
    """Days of the semester with cumulative weights: Mondays are busy, Fridays short, offices
    closed on weekends and holidays; IGD never closes; web forms get the odd weekend answer."""
    days: list[dt.date] = []
    cum: list[float] = []
    total = 0.0
    d = start
    while d <= end:
        wd = d.weekday()
        office = wd < 5 and not _is_holiday(d)
        if mode == "allday":
            w = 1.0
        elif office:
            w = (1.25, 1.0, 1.0, 1.0, 0.8)[wd]
        else:
            w = 0.06 if mode == "web" else 0.0
        if w:
            total += w
            days.append(d)
            cum.append(total)
        d += dt.timedelta(days=1)
    return tuple(days), tuple(cum)


def _seconds_of_day(rng: random.Random, mode: str) -> int:
    if mode == "allday":
        h = rng.triangular(7.0, 22.0, 10.0) if rng.random() < 0.7 else rng.uniform(0.0, 24.0)
    elif mode == "web":
        h = rng.triangular(7.8, 16.5, 10.0) if rng.random() < 0.82 else rng.uniform(16.5, 23.5)
    else:
        h = rng.triangular(7.6, 15.8, 9.5)
    return min(86399, max(0, int(h * 3600)))


@lru_cache(maxsize=16)
def _zone(name: str) -> dt.tzinfo:
    if name in ("UTC", "Etc/UTC", "Z"):
        return dt.timezone.utc
    if name == "Asia/Makassar":
        return _WITA
    try:
        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - an unknown zone in a sample is not worth failing for
        return _WITA


def _in_source_zone(local: dt.datetime, tz_name: str) -> dt.datetime:
    """A naive WITA time as the source's clock shows it (naive, in that zone)."""
    return local.replace(tzinfo=_WITA).astimezone(_zone(tz_name)).replace(tzinfo=None)


# --- responses ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    local: dt.datetime  # WITA, naive
    layanan: Layanan
    scores: dict[str, int]
    responden: people.Responden
    saran: str
    pii: dict[str, str]
    submission_id: str = ""
    device_id: str = ""
    dirt: tuple[str, str, Any] | None = None  # (kind, unsur, detail)
    planted: tuple[str, int | None] | None = None  # suspicious.plant: (kind, device index)


def _means(profile: OpdProfile, layanan: Layanan, periode: Periode) -> dict[str, float]:
    shift = profile.base + profile.trend * _trend_index(periode)
    return {u: shift + profile.unsur_offsets.get(u, 0.0) + layanan.offsets.get(u, 0.0) for u in UNSUR_KEYS}


def _saran(rng: random.Random, profile: OpdProfile, style: ExportStyle, scores: dict[str, int]) -> str:
    """Often empty; happier respondents praise, the others complain, sometimes about their OPD
    in particular."""
    if rng.random() < style.saran_empty_share:
        return ""

    def one() -> str:
        happy = sum(scores.values()) >= 32
        if profile.saran and rng.random() < 0.3:
            return rng.choice(profile.saran)
        return rng.choice(SARAN_POSITIVE if (happy and rng.random() < 0.8) or rng.random() < 0.25 else SARAN_IMPROVE)

    text = one()
    if rng.random() < _NEWLINE_SARAN_SHARE:
        second = one()
        if second != text:
            text = f"{text}\n{second}"
    x = rng.random()
    if x < 0.10:
        text = text.lower()
    elif x < 0.13:
        text = text.upper()
    elif x < 0.28:
        text = text.rstrip(".")
    return text


def _build_rows(source: Source, style: ExportStyle, periode: Periode, n: int, seed: int) -> list[_Row]:
    profile = profile_for(source.opd_kode)
    rng = _rng(seed, source.code, periode.label, "rows")
    layanan = profile.layanan
    lay_cum: list[float] = []
    acc = 0.0
    for lay in layanan:
        acc += lay.weight
        lay_cum.append(acc)
    means = {lay.name: _means(profile, lay, periode) for lay in layanan}
    pii_fields = [f for f in ("nama", "no_hp", "email", "nik") if f in source.columns]
    rows: list[_Row] = []
    for _ in range(n):
        lay = rng.choices(layanan, cum_weights=lay_cum)[0]
        mode = "allday" if lay.round_the_clock else "web" if style.web else "office"
        days, cum = _day_table(periode.first_day, periode.last_day, mode)
        day = rng.choices(days, cum_weights=cum)[0]
        local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=_seconds_of_day(rng, mode))
        resp = people.sample_responden(rng, lay.female_share, day)
        scores = ans.sample_scores(rng, means[lay.name], lay.free, profile.straightline_share)
        saran = _saran(rng, profile, style, scores)
        pii: dict[str, str] = {}
        for f in pii_fields:
            if rng.random() < style.pii_fill.get(f, 0.5):
                if f == "nama":
                    pii[f] = people.full_name(rng, resp, style.name_case_noise)
                elif f == "no_hp":
                    pii[f] = people.phone(rng)
                elif f == "email":
                    pii[f] = people.email(rng, resp)
                else:
                    pii[f] = people.nik(rng, resp)
        rows.append(_Row(local, lay, scores, resp, saran, pii))
    rows.sort(key=lambda r: r.local)  # exports come in submission order
    return rows


def _assign_ids(rows: list[_Row], source: Source, style: ExportStyle, periode: Periode, rows_arg: int,
                seed: int) -> None:
    """Serial ids run on through the year, so 2025-S2 continues where 2025-S1 stopped."""
    prefix = code_prefix(source)
    start = 1
    if periode.semester == 2:
        start += row_count(rows_arg, seed, source.code, periode.previous.label)
    rng = _rng(seed, source.code, periode.label, "devices")
    kiosks = [f"KIOSK-{prefix}-{k:02d}" for k in range(1, style.devices + 1)]
    weights = [1.0 / k for k in range(1, style.devices + 1)]  # the kiosk at the door is busiest
    for i, row in enumerate(rows):
        row.submission_id = f"{prefix}-{periode.year}-{start + i:06d}"
        row.device_id = rng.choices(kiosks, weights=weights)[0]


def _plan_dirt(rows: list[_Row], source: Source, style: ExportStyle, periode: Periode,
               seed: int) -> tuple[DirtCounts, Counter, int | None]:
    """Pick which rows get dirt: disjoint sets for invalid and harmless dirt, kinds round-robin
    so the count of each kind follows from the row count alone. Returns the counts, the kinds
    used and the index of the row to re-send (JSON)."""
    counts = dirt_counts(len(rows), source.format)
    kinds = dirt_kinds(source)
    rng = _rng(seed, source.code, periode.label, "dirt")
    picked = rng.sample(range(len(rows)), counts.invalid + counts.dirty) if rows else []
    used: Counter = Counter()
    for j, i in enumerate(picked[: counts.invalid]):
        unsur = rng.choice(UNSUR_KEYS)
        if style.answers == "words":
            bad: Any = ans.INVALID_LABELS[j % len(ans.INVALID_LABELS)]
        else:
            bad = ans.INVALID_NUMBERS[j % len(ans.INVALID_NUMBERS)]
        rows[i].dirt = ("invalid", unsur, bad)
    variant_offset = stable_hash(source.code, periode.label) % len(ans.LABEL_VARIANTS)
    n_variant = 0
    for j, i in enumerate(picked[counts.invalid:]):
        kind = kinds[j % len(kinds)]
        used[kind] += 1
        row = rows[i]
        if kind == "blank":
            row.dirt = (kind, rng.choice(UNSUR_KEYS), None)
        elif kind == "tidak_tahu":
            # People skip the complaint and cost questions most: they never complained or paid.
            unsur = rng.choices(("pengaduan", "biaya", "sarana"), weights=(6, 3, 1))[0]
            row.dirt = (kind, unsur, ans.MISSING_LABELS[used[kind] % len(ans.MISSING_LABELS)])
        elif kind == "text_number":
            row.dirt = (kind, rng.choice(UNSUR_KEYS), None)
        else:  # label_variant
            label, unsur, score = ans.LABEL_VARIANTS[(variant_offset + n_variant) % len(ans.LABEL_VARIANTS)]
            n_variant += 1
            if unsur is None:
                unsur = rng.choice(UNSUR_KEYS)
            else:
                row.scores[unsur] = score  # the variant is the answer: keep the truth consistent
            row.dirt = (kind, unsur, label)
    dup: int | None = None
    if counts.duplicates:
        clean = [i for i, r in enumerate(rows) if r.dirt is None]
        dup = rng.choice(clean) if clean else None
    return counts, used, dup


# --- rendering ------------------------------------------------------------------------------


def _render_answer(row: _Row, unsur: str, style: ExportStyle, numbered_since: dt.datetime | None,
                   rng: random.Random) -> Any:
    """The cell value as the export holds it: int for numeric sources (str in CSV), words
    otherwise; dirt decided in _plan_dirt replaces it."""
    score = row.scores[unsur]
    words = style.answers == "words"
    is_numbered = words and numbered_since is not None and row.local >= numbered_since
    generic = unsur in style.generic_unsur
    if row.dirt is not None and row.dirt[1] == unsur:
        kind, _, detail = row.dirt
        if kind == "invalid":
            return detail
        if kind == "blank":
            return None
        if kind == "tidak_tahu":
            return detail
        if kind == "text_number":
            return str(score)
        if kind == "label_variant":
            label = ans.word_label(unsur, score, generic) if detail == "case_space" else detail
            if is_numbered:
                label = ans.numbered(score, label)
            return ans.mangle_case_space(rng, label) if detail == "case_space" else label
    if not words:
        return score
    label = ans.word_label(unsur, score, generic)
    return ans.numbered(score, label) if is_numbered else label


def _render_timestamp(row: _Row, source: Source, style: ExportStyle) -> Any:
    at = _in_source_zone(row.local, source.timezone)
    if style.timestamp == "excel_date":
        return at.date()
    if style.timestamp == "excel_datetime":
        return at.replace(second=0)  # keyed from paper: minutes at most
    if style.timestamp == "iso":
        if _zone(source.timezone) is dt.timezone.utc:
            return at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return at.replace(tzinfo=_zone(source.timezone)).isoformat(timespec="seconds")
    return at.strftime(style.ts_format)


def _render(rows: list[_Row], source: Source, style: ExportStyle, periode: Periode, seed: int) -> list[dict[str, Any]]:
    """field -> typed value per row (None for empty); writers turn these into their format."""
    rng = _rng(seed, source.code, periode.label, "render")
    numbered_since = None
    if style.numbered_from is not None:
        first, last = _local_span(periode)
        numbered_since = first + (last - first) * style.numbered_from
    out: list[dict[str, Any]] = []
    fields = list(source.columns)
    for row in rows:
        r = row.responden
        values: dict[str, Any] = {}
        for f in fields:
            if f in ans.SCALES:
                v: Any = _render_answer(row, f, style, numbered_since, rng)
            elif f == "submitted_at":
                v = _render_timestamp(row, source, style)
            elif f == "submission_id":
                v = row.submission_id
            elif f == "device_id":
                v = row.device_id
            elif f == "opd_kode":
                v = source.opd_kode
            elif f == "jenis_layanan":
                v = row.layanan.name
            elif f == "jenis_kelamin":
                full = rng.random() < style.gender_words_share
                v = ("Perempuan" if r.jenis_kelamin == "P" else "Laki-laki") if full else r.jenis_kelamin
            elif f == "usia":
                v = people.usia_band(r.usia) if style.usia_band else r.usia
            elif f == "pendidikan":
                variant = rng.random() < style.pendidikan_variant_share
                v = people.pendidikan_variant(rng, r.pendidikan) if variant else r.pendidikan
            elif f == "pekerjaan":
                v = r.pekerjaan
            elif f == "saran":
                v = row.saran or None
            else:  # personal data
                v = row.pii.get(f)
            values[f] = v
        out.append(values)
    return out


def _file_name(source: Source, periode: Periode, style: ExportStyle) -> str:
    short = re.sub(r"_(web|paper|kiosk|app|form|api)$", "", source.code)
    return f"skm_{short}_{periode.label}.{style.ext}"


def _set_path(rec: dict, dotted: str, value: Any) -> None:
    """Build nesting from the registry's dotted path ("answers.U1" -> {"answers": {"U1": v}})."""
    parts = dotted.split(".")
    node = rec
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _write(path: Path, source: Source, style: ExportStyle, periode: Periode, values: list[dict[str, Any]]) -> None:
    fields = list(source.columns)
    headers = [source.columns[f] for f in fields]
    if source.format == "csv":
        text_rows = [["" if v[f] is None else str(v[f]) for f in fields] for v in values]
        writers.write_csv(path, headers, text_rows, delimiter=style.delimiter, encoding=style.encoding)
    elif source.format == "xlsx":
        if style.title_rows:
            titles = ["REKAP SURVEI KEPUASAN MASYARAKAT", source.opd_nama.upper(), _title(periode)]
            cell_rows = [[i, *(v[f] for f in fields)] for i, v in enumerate(values, start=1)]
            writers.write_xlsx(path, sheet=source.sheet or "Sheet1", titles=titles, header_row=style.header_row,
                               headers=["No", *headers], rows=cell_rows, date_format=_excel_format(style))
        else:
            writers.write_xlsx(path, sheet=source.sheet or "Sheet1", titles=[], header_row=style.header_row,
                               headers=headers, rows=[[v[f] for f in fields] for v in values],
                               date_format=_excel_format(style))
    else:
        records = []
        for v in values:
            rec: dict[str, Any] = {}
            for f in fields:
                _set_path(rec, source.columns[f], v[f])
            records.append(rec)
        if style.json_layout == "ndjson":
            writers.write_ndjson(path, records)
        else:
            writers.write_json_array(path, records)


def _excel_format(style: ExportStyle) -> str:
    return "DD/MM/YYYY" if style.timestamp == "excel_date" else "DD/MM/YYYY HH:MM"


def _insert_duplicate(values: list[dict[str, Any]], dup: int, seed: int, source: Source, periode: Periode) -> int:
    """The app re-sent a submission after a timeout: an exact copy one to three records later."""
    rng = _rng(seed, source.code, periode.label, "duplicate")
    at = min(len(values), dup + 1 + rng.randrange(3))
    values.insert(at, dict(values[dup]))
    return at


def write_source(data_dir: Path, source: Source, periode: str, rows: int, seed: int,
                 suspicious: bool = False) -> WrittenFile:
    """One export file for one source and periode; with ``suspicious``, some rows are planted
    bursts and straight-lined submissions (suspicious.py) and the truth goes to a sidecar file."""
    p = parse_periode(periode)
    style = style_for(source)
    n = row_count(rows, seed, source.code, p.label)
    built = _build_rows(source, style, p, n, seed)
    if suspicious:
        sus.plant(built, _rng(seed, source.code, p.label, "suspicious"), style.devices, "device_id" in source.columns,
                  *_local_span(p))
    _assign_ids(built, source, style, p, rows, seed)
    prefix = code_prefix(source)
    for r in built:
        if r.planted is not None and r.planted[1] is not None:
            r.device_id = f"KIOSK-{prefix}-{r.planted[1] + 1:02d}"
    counts, used, dup = _plan_dirt(built, source, style, p, seed)
    values = _render(built, source, style, p, seed)
    duplicates = 0
    at = None
    if dup is not None:
        at = _insert_duplicate(values, dup, seed, source, p)
        duplicates = 1
    path = source.landing_dir(data_dir) / p.label / _file_name(source, p, style)
    _write(path, source, style, p, values)
    planted = [
        {"row": i + 1 + (1 if at is not None and i >= at else 0), "submission_id": r.submission_id or None,
         "kind": r.planted[0], "clean": r.dirt is None}
        for i, r in enumerate(built) if r.planted is not None
    ]
    if suspicious:
        sus.write_truth(data_dir, source.code, p.label, planted)
    return WrittenFile(path, source.code, p.label, n, len(values), counts.invalid, duplicates, dict(used),
                       planted=len(planted))


def default_registry(data_dir: Path) -> Path:
    own = Path(data_dir) / "sources.yml"
    return own if own.exists() else REPO_ROOT / "data" / "sources.yml"


def write_sample(data_dir: Path, registry_path: Path | None = None, rows: int = 400, seed: int = 2025,
                 periodes: Sequence[str] = DEFAULT_PERIODES, suspicious: Sequence[str] = ()) -> list[WrittenFile]:
    """Like generate(), with what went into each file."""
    data_dir = Path(data_dir)
    for code in periodes:
        parse_periode(code)  # fail before writing anything
    registry = Path(registry_path) if registry_path else default_registry(data_dir)
    sources = load_registry(registry)
    unknown = set(suspicious) - {s.code for s in sources}
    if unknown:
        raise ValueError(f"suspicious: not registry sources: {sorted(unknown)}")
    written = [write_source(data_dir, s, per, rows, seed, suspicious=s.code in suspicious)
               for s in sources for per in periodes]
    if RTL_PERIODE in periodes:
        # the OPD's follow-up plans made after 2025-S1, judged by 2025-S2 (pipelines/sample_data/rtl.py)
        write_rtl_samples(data_dir, {s.opd_kode for s in sources}, parse_registry(registry).tindak_lanjut.landing)
    return written


def generate(data_dir: Path, registry_path: Path | None = None, rows: int = 400, seed: int = 2025,
             periodes: Sequence[str] = DEFAULT_PERIODES, suspicious: Sequence[str] = ()) -> list[Path]:
    """Write one export per registry source and periode under ``data_dir/<landing>/<periode>/``
    and return their paths. Same arguments, same bytes (CSV and JSON; Excel: same cells).
    ``suspicious``: source codes whose files get planted suspicious submissions."""
    return [w.path for w in write_sample(data_dir, registry_path, rows, seed, periodes, suspicious)]
