"""The source registry (``data/sources.yml``): which OPD exports exist and how their columns map
to canonical fields. Header matching is by text, never position.

The file has one schema (``RegistryFile`` below, enforced with pydantic) covering every block:
``defaults``, ``quality``, ``kepercayaan`` and ``sources``. A registry mistake is the most common
way real data is misread silently (a misspelt ``sheeet:`` used to fall back to the first sheet, a
``timzone:`` to WITA), so an unknown key, a wrong type or value and a missing field all stop the
run before anything is read, with one message naming the file, the line, the source and the key
(and the nearest valid key for a misspelling). ``python -m pipelines.registry`` runs the same
check from the command line (the Makefile does, before every pipeline run).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError,
                      field_validator, model_validator)

from pipelines.periode import LABEL_PATTERN
from pipelines.settings import UNSUR_KEYS

FORMATS = ("csv", "xlsx", "json")
PII_FIELDS = ("nama", "no_hp", "email", "nik")
CANONICAL_FIELDS: tuple[str, ...] = (
    "submission_id",
    "device_id",
    "submitted_at",
    "opd_kode",
    "jenis_layanan",
    *UNSUR_KEYS,
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "saran",
)
# The standard import template's columns, in order (see pipelines/ingest/template.py).
TEMPLATE_FIELDS: tuple[str, ...] = tuple(f for f in CANONICAL_FIELDS if f not in ("opd_kode", "device_id"))
# Without these a file cannot yield a single usable response.
REQUIRED_FIELDS: tuple[str, ...] = ("submitted_at", "jenis_layanan", *UNSUR_KEYS)
# Reader options a source may set; they reach the readers as `Source.options`.
READER_OPTIONS = ("delimiter", "encoding", "header_row", "record_path")
# Folders of the data directory that belong to the pipeline itself: never a landing folder.
RESERVED_DIRS = ("warehouse", "published", "secrets", "spark")


# `date_format:` is one of these orders, or one or more strptime patterns ("%m/%d/%Y %H:%M:%S").
DATE_ORDERS = ("day_first", "month_first")


def date_formats(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The registry's `date_format` as a tuple: (order,) or patterns. A pattern must name a year, a
    month and a day (so that it can place a date for sure); a wrong one is refused here, not
    discovered as a quarantined file."""
    if value is None:
        return ()
    values = (value,) if isinstance(value, str) else tuple(value)
    if not values:
        raise ValueError("date_format is an empty list: give day_first, month_first or strptime patterns")
    if len(values) == 1 and values[0] in DATE_ORDERS:
        return values
    for v in values:
        if v in DATE_ORDERS:
            raise ValueError(f"{v!r} cannot be combined with patterns: give either {' or '.join(DATE_ORDERS)}, "
                             "or strptime patterns only")
        if "%" not in v:
            raise ValueError(f"{v!r} is neither {' nor '.join(DATE_ORDERS)} nor a strptime pattern "
                             "(e.g. '%m/%d/%Y %H:%M:%S')")
        missing = [what for what, codes in (("year", ("%Y", "%y")), ("month", ("%m", "%b", "%B")), ("day", ("%d",)))
                   if not any(c in v for c in codes)]
        if missing:
            raise ValueError(f"pattern {v!r} has no {' and no '.join(missing)} (%Y or %y, %m, %d)")
        try:
            dt.datetime(2025, 8, 6, 9, 7, 13).strftime(v)
        except ValueError as exc:
            raise ValueError(f"pattern {v!r} is not a valid strptime pattern ({exc})") from None
    return values


def normalise_header(text: object) -> str:
    """Case, spacing, punctuation at the ends and a leading "1." / "U1" numbering do not
    distinguish two headers; the words do."""
    s = str(text or "").replace("\ufeff", "").strip().lower()
    s = re.sub(r"^\s*\d+\s*[.)]\s*", "", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" :?")


class RegistryError(ValueError):
    """The registry cannot be used as written; the message names file, line, source and key."""


# --- the schema ------------------------------------------------------------------------------
Number = StrictFloat  # YAML gives 10 or 0.1 (an int is taken as a float); a text such as "10%" is refused
Share = Annotated[Number, Field(ge=0, le=1)]
Periode = Annotated[StrictStr, Field(pattern=rf"^{LABEL_PATTERN}$")]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _valid_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Makassar for WITA, Asia/Jakarta, UTC)") from exc
    return value


class DefaultsBlock(_Block):
    timezone: StrictStr = "Asia/Makassar"
    _tz = field_validator("timezone")(_valid_timezone)


# The gates a waiver can lift, for one source and periode. The others (nothing lost, no personal
# data, the dbt tests) hold for every file without exception.
WAIVABLE_GATES = ("every_source_delivered", "quarantine_rate_under_threshold")


class WaiverEntry(_Block):
    source: StrictStr
    periode: Periode
    gate: Literal[WAIVABLE_GATES]  # type: ignore[valid-type]
    reason: Annotated[StrictStr, Field(min_length=1)]


class SourceQualityBlock(_Block):
    """Thresholds one source may set for itself; the `quality:` block's values are the default."""

    max_quarantine_rate: Share | None = None
    min_rows_for_rate: Annotated[StrictInt, Field(ge=0)] | None = None
    max_index_change: Annotated[Number, Field(gt=0)] | None = None


class QualityBlock(_Block):
    max_quarantine_rate: Share = 0.10
    min_rows_for_rate: Annotated[StrictInt, Field(ge=0)] = 20
    max_index_change: Annotated[Number, Field(gt=0)] = 10.0
    waivers: list[WaiverEntry] = []


class PopulasiEntry(_Block):
    periode: Periode
    opd_kode: StrictStr
    jenis_layanan: StrictStr | None = None
    populasi: Annotated[StrictInt, Field(gt=0)]


class KepercayaanBlock(_Block):
    kebijakan_ditandai: Literal["hitung", "kecualikan"] = "hitung"
    ulang_menit: Annotated[Number, Field(gt=0)] = 30.0
    beruntun_jumlah: Annotated[StrictInt, Field(ge=2)] = 5
    beruntun_menit: Annotated[Number, Field(gt=0)] = 10.0
    seragam_toleransi: Share = 0.10
    seragam_min_responden: Annotated[StrictInt, Field(ge=1)] = 30
    max_marked_effect: Annotated[Number, Field(ge=0)] = 1.0
    populasi: list[PopulasiEntry] = []


class FreshnessBlock(_Block):
    """When a closed semester's file is late (pipelines/ingest/freshness.py)."""

    days_after_close: Annotated[StrictInt, Field(ge=0)] = 14


class SourceFreshnessBlock(_Block):
    days_after_close: Annotated[StrictInt, Field(ge=0)] | None = None


def _valid_alert_url(value: str) -> str:
    """An apprise URL (mailto://, mailtos://, json://, slack://, ...): refused here, at the load
    of the registry, rather than discovered when the first alert is lost. apprise is imported
    only when a registry names a URL."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://.", value):
        raise ValueError(f"{value!r} is not an apprise URL (e.g. mailtos://user:pass@smtp.example.go.id?to=a@b, "
                         "json://host:port/path, slack://...)")
    import apprise

    if apprise.Apprise.instantiate(value) is None:
        raise ValueError(f"{value.split('://', 1)[0]}:// is not a notification service apprise knows, or the URL "
                         "is incomplete (see https://github.com/caronc/apprise/wiki)")
    return value


class AlertsBlock(_Block):
    urls: list[Annotated[StrictStr, AfterValidator(_valid_alert_url)]] = []


def _confined_landing(value: str) -> str:
    """A landing folder is a relative path inside the data folder: no absolute path, no '..',
    not one of the pipeline's own folders (the run would read its own output)."""
    p = PurePosixPath(value.replace("\\", "/"))
    if p.is_absolute() or value.startswith("~") or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"landing {value!r} must be a folder inside the data folder (e.g. raw/<code>), "
                         "not an absolute path")
    if ".." in p.parts:
        raise ValueError(f"landing {value!r} must stay inside the data folder: '..' is not allowed")
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts:
        raise ValueError("landing must name a folder inside the data folder, not the data folder itself")
    if parts[0] in RESERVED_DIRS:
        raise ValueError(f"landing {value!r} is inside the pipeline's own folder {parts[0]}/")
    return "/".join(parts)


class SourceEntry(_Block):
    code: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]
    opd_kode: Annotated[StrictStr, Field(min_length=1)]
    opd_nama: Annotated[StrictStr, Field(min_length=1)]
    format: Literal[FORMATS]  # type: ignore[valid-type]
    landing: Annotated[StrictStr, Field(min_length=1)]
    timezone: StrictStr | None = None
    sheet: StrictStr | None = None
    description: StrictStr = ""
    template: StrictBool = False
    columns: dict[Literal[CANONICAL_FIELDS + PII_FIELDS], StrictStr] | None = None  # type: ignore[valid-type]
    delimiter: Annotated[StrictStr, Field(min_length=1, max_length=1)] | None = None
    encoding: StrictStr | None = None
    header_row: Annotated[StrictInt, Field(ge=1)] | None = None
    record_path: StrictStr | None = None
    date_format: StrictStr | list[StrictStr] | None = None
    first_periode: Periode | None = None
    quality: SourceQualityBlock = SourceQualityBlock()
    freshness: SourceFreshnessBlock = SourceFreshnessBlock()

    _tz = field_validator("timezone")(_valid_timezone)

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None:
            date_formats(value)  # raises with the reason
        return value

    _confined = field_validator("landing")(_confined_landing)

    @model_validator(mode="after")
    def _mapped(self) -> SourceEntry:
        if self.template and self.columns:
            raise ValueError("a template source has no 'columns' (its headers are the canonical field names)")
        if not self.template:
            if not self.columns:
                raise ValueError("missing 'columns' (the header of each canonical field), or set 'template: true'")
            missing = [f for f in REQUIRED_FIELDS if f not in self.columns]
            if missing:
                raise ValueError(f"no column mapped for {missing}")
        if self.sheet is not None and self.format != "xlsx":
            raise ValueError(f"'sheet' applies to xlsx sources only (this one is {self.format})")
        if self.header_row is not None and self.format != "xlsx":
            raise ValueError(f"'header_row' applies to xlsx sources only (this one is {self.format}; a CSV's "
                             "header is its first line)")
        if self.record_path is not None and self.format != "json":
            raise ValueError(f"'record_path' applies to json sources only (this one is {self.format})")
        return self


class TindakLanjutBlock(_Block):
    """Where the OPD's follow-up plans (RTL files, pipelines/ingest/rtl.py) land: one sub-folder
    per periode whose results the plan answers (rtl/2025-S1/ holds the plans made after 2025-S1)."""

    landing: Annotated[StrictStr, Field(min_length=1), AfterValidator(_confined_landing)] = "rtl"


class RegistryFile(_Block):
    defaults: DefaultsBlock = DefaultsBlock()
    quality: QualityBlock = QualityBlock()
    kepercayaan: KepercayaanBlock = KepercayaanBlock()
    freshness: FreshnessBlock = FreshnessBlock()
    alerts: AlertsBlock = AlertsBlock()
    tindak_lanjut: TindakLanjutBlock = TindakLanjutBlock()
    sources: list[SourceEntry] = []

    @model_validator(mode="after")
    def _unique_codes(self) -> RegistryFile:
        seen: set[str] = set()
        for s in self.sources:
            if s.code in seen:
                raise ValueError(f"duplicate source code {s.code!r}")
            seen.add(s.code)
        for w in self.quality.waivers:
            if w.source not in seen:
                close = difflib.get_close_matches(w.source, sorted(seen), n=1, cutoff=0.6)
                raise ValueError(f"quality.waivers: source {w.source!r} is not in the registry"
                                 + (f" (did you mean {close[0]!r}?)" if close else ""))
        return self


# --- reading and explaining -----------------------------------------------------------------
def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node to point at for a pydantic error location: the key's own node when the
    location ends on a mapping key, else the deepest node that exists (the entry of a missing key)."""
    node = root
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if k.value == str(step)), None)
            if hit is None:
                return node
            node = hit[0] if step == loc[-1] else hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys valid at the mapping holding `loc`'s last step."""
    model: type[BaseModel] | None = RegistryFile
    for step in loc[:-1]:
        if isinstance(step, int) or model is None:
            continue
        info = model.model_fields.get(str(step))
        if info is None:
            return []
        model = {"defaults": DefaultsBlock, "kepercayaan": KepercayaanBlock,
                 "sources": SourceEntry, "waivers": WaiverEntry, "populasi": PopulasiEntry, "alerts": AlertsBlock,
                 "quality": QualityBlock if model is RegistryFile else SourceQualityBlock,
                 "freshness": FreshnessBlock if model is RegistryFile else SourceFreshnessBlock}.get(str(step))
    if model is None:
        return []
    if model is SourceEntry and len(loc) >= 2 and loc[-2] == "columns":
        return list(CANONICAL_FIELDS + PII_FIELDS)
    return list(model.model_fields)


# Keys that meant something once: a registry still holding one is refused with what replaced it,
# never read with a new meaning or ignored.
RETIRED_KEYS: dict[str, str] = {
    "kepercayaan.seragam_selisih": (
        "the straight-lining rule no longer compares an OPD with the rest of the city (another unit's "
        "data moved its marks); it compares the OPD with what its own answers predict. Write "
        "seragam_toleransi instead (default 0.10; README 'Can the number be trusted?')"),
}


def _explain(path: Path, doc: Any, root: yaml.Node | None, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # pydantic puts the literal's choice in the location of a dict key error
        if err["type"] == "literal_error" and len(loc) >= 4 and loc[2] == "columns" and loc[-1] == "[key]":
            loc = loc[:-1]
        loc = tuple(x for x in loc if x != "[key]")
        node = _node_at(root, loc)
        line = f"line {node.start_mark.line + 1}" if node is not None else "?"
        where = [f"{path}: {line}"]
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            entry = (doc.get("sources") or [])[loc[1]] if isinstance(doc, dict) else {}
            code = entry.get("code") if isinstance(entry, dict) else None
            where.append(f"source {code!r}" if code else f"source #{loc[1] + 1}")
            key = ".".join(str(x) for x in loc[2:])
        else:
            key = ".".join(str(x) for x in loc)
        if key:
            where.append(f"key {key!r}")
        if err["type"] == "extra_forbidden" and key in RETIRED_KEYS:
            what = "no longer a key: " + RETIRED_KEYS[key]
        elif err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _allowed_keys(loc), n=1, cutoff=0.6)
            what = "unknown key" + (f" (did you mean {close[0]!r}?)" if close else
                                    f" (valid here: {', '.join(_allowed_keys(loc))})")
        elif err["type"] == "literal_error" and len(loc) >= 3 and loc[2] == "columns":
            close = difflib.get_close_matches(str(loc[-1]), CANONICAL_FIELDS + PII_FIELDS, n=1, cutoff=0.6)
            what = "unknown canonical field" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif err["type"] == "missing":
            what = "missing (required)"
        else:
            msg = err["msg"].removeprefix("Value error, ")
            given = err.get("input")
            what = msg if isinstance(given, (dict, list)) or repr(given) in msg else f"{msg}, got {given!r}"
        lines.append(", ".join(where) + ": " + what)
    return "\n".join(lines)


@lru_cache(maxsize=16)
def _parse_cached(path: str, text: str) -> RegistryFile:
    p = Path(path)
    try:
        root = yaml.compose(text)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RegistryError(f"{path}: {at}: not valid YAML ({problem}); check the indentation and quote "
                            "values that contain ': '") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise RegistryError(f"{path}: line 1: the registry must be a mapping with defaults:, quality:, "
                            "kepercayaan: and sources:")
    try:
        return RegistryFile.model_validate(doc)
    except ValidationError as exc:
        raise RegistryError(_explain(p, doc, root, exc)) from None


def parse_registry(path: Path) -> RegistryFile:
    """The whole registry file, validated. Checks, sensor and assets all read it, so the parse is
    cached by the file's *text* (a file time can stay the same across two quick edits)."""
    p = Path(path)
    if not p.is_file():
        raise RegistryError(f"{p}: the registry file does not exist")
    return _parse_cached(str(p), p.read_text(encoding="utf-8"))


# --- what the rest of the code uses ---------------------------------------------------------
@dataclass(frozen=True)
class Source:
    code: str
    opd_kode: str
    opd_nama: str
    format: str
    landing: str
    timezone: str
    columns: dict[str, str]
    sheet: str | None = None
    description: str = ""
    options: dict = field(default_factory=dict)
    # how the file's dates read: (day_first,) | (month_first,) | strptime patterns | () = decide per file
    date_format: tuple[str, ...] = ()
    first_periode: str | None = None  # expected from this semester on (else from its first delivery)
    quality: dict = field(default_factory=dict)  # thresholds this source sets for itself

    def landing_dir(self, data_dir: Path) -> Path:
        return data_dir / self.landing

    @property
    def header_map(self) -> dict[str, str]:
        """normalised header -> canonical field."""
        return {normalise_header(h): f for f, h in self.columns.items()}


def load_registry(path: Path) -> list[Source]:
    reg = parse_registry(path)
    return [
        Source(
            code=e.code,
            opd_kode=e.opd_kode,
            opd_nama=e.opd_nama,
            format=e.format,
            landing=e.landing,
            timezone=e.timezone or reg.defaults.timezone,
            columns={f: f for f in TEMPLATE_FIELDS} if e.template else dict(e.columns or {}),
            sheet=e.sheet,
            description=e.description,
            options={k: getattr(e, k) for k in READER_OPTIONS if getattr(e, k) is not None},
            # the import template tells the clerk to write 05/03/2025 for 5 March
            date_format=date_formats(e.date_format) or (("day_first",) if e.template else ()),
            first_periode=e.first_periode,
            quality=e.quality.model_dump(exclude_none=True),
        )
        for e in reg.sources
    ]


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the publication gates: the `quality:` block of the registry file, and what a
    source sets for itself in its own `quality:` (a new OPD's first export may be dirtier than the
    others, without loosening the gate for everyone)."""

    max_quarantine_rate: float = 0.10  # per source and periode; above it blocks publication
    min_rows_for_rate: int = 20  # fewer rows than this: too few to judge a rate
    max_index_change: float = 10.0  # points of Nilai IKM since the previous semester: a warning
    per_source: dict[str, dict[str, float]] = field(default_factory=dict)  # source -> its own thresholds
    waivers: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (source, periode, gate) -> reason

    def threshold(self, name: str, source: str) -> float:
        """The source's own value of threshold `name`, else the registry-wide one."""
        return self.per_source.get(source, {}).get(name, getattr(self, name))

    def waiver(self, source: str, periode: str, gate: str) -> str | None:
        """The reason the registry gives for lifting `gate` for this source and periode, if any."""
        return self.waivers.get((source, periode, gate))


def load_quality(path: Path) -> QualityConfig:
    reg = parse_registry(path)
    q = reg.quality
    return QualityConfig(
        max_quarantine_rate=float(q.max_quarantine_rate),
        min_rows_for_rate=q.min_rows_for_rate,
        max_index_change=float(q.max_index_change),
        per_source={e.code: e.quality.model_dump(exclude_none=True) for e in reg.sources
                    if e.quality.model_dump(exclude_none=True)},
        waivers={(w.source, w.periode, w.gate): w.reason for w in q.waivers},
    )


@dataclass(frozen=True)
class TrustConfig:
    """The `kepercayaan:` block of the registry file: the policy for marked (suspicious)
    responses, the marking rules' parameters and known populations. Reaches dbt as vars."""

    kebijakan_ditandai: str = "hitung"  # 'hitung': marked rows count in the index | 'kecualikan'
    ulang_menit: float = 30.0  # same answers from the same device within this many minutes
    beruntun_jumlah: int = 5  # this many submissions from one device ...
    beruntun_menit: float = 10.0  # ... within this many minutes is a burst
    seragam_toleransi: float = 0.10  # straight-lining share above what the unit's own answers predict
    seragam_min_responden: int = 30  # units with fewer responses are not judged on straight-lining
    max_marked_effect: float = 1.0  # Nilai IKM points: the marked rows moving an index more warns
    populasi: tuple[dict[str, object], ...] = ()  # {periode, opd_kode, jenis_layanan?, populasi}

    def dbt_vars(self) -> dict[str, object]:
        return {
            "kebijakan_ditandai": self.kebijakan_ditandai,
            "ditandai_ulang_menit": self.ulang_menit,
            "ditandai_beruntun_jumlah": self.beruntun_jumlah,
            "ditandai_beruntun_menit": self.beruntun_menit,
            "ditandai_seragam_toleransi": self.seragam_toleransi,
            "ditandai_seragam_min_responden": self.seragam_min_responden,
            "populasi_tambahan": [dict(p) for p in self.populasi],
        }


def load_trust(path: Path) -> TrustConfig:
    t = parse_registry(path).kepercayaan
    populasi = tuple(
        {"periode": p.periode, "opd_kode": p.opd_kode, "populasi": p.populasi,
         **({"jenis_layanan": p.jenis_layanan} if p.jenis_layanan else {})}
        for p in t.populasi
    )
    return TrustConfig(
        kebijakan_ditandai=t.kebijakan_ditandai,
        ulang_menit=float(t.ulang_menit),
        beruntun_jumlah=t.beruntun_jumlah,
        beruntun_menit=float(t.beruntun_menit),
        seragam_toleransi=float(t.seragam_toleransi),
        seragam_min_responden=t.seragam_min_responden,
        max_marked_effect=float(t.max_marked_effect),
        populasi=populasi,
    )


@dataclass(frozen=True)
class FreshnessConfig:
    """The `freshness:` block: how many days after a semester closes a source's file may arrive
    before it is overdue; a source's own `freshness:` overrides it."""

    days_after_close: int = 14
    per_source: dict[str, int] = field(default_factory=dict)  # source -> its own days_after_close

    def days(self, source: str) -> int:
        return self.per_source.get(source, self.days_after_close)


def load_freshness(path: Path) -> FreshnessConfig:
    reg = parse_registry(path)
    return FreshnessConfig(days_after_close=reg.freshness.days_after_close,
                           per_source={e.code: e.freshness.days_after_close for e in reg.sources
                                       if e.freshness.days_after_close is not None})


@dataclass(frozen=True)
class Registry:
    """The whole registry file, read and validated once: the sources, the gates' thresholds and
    waivers (`quality:`), the trust rules (`kepercayaan:`). The run context (pipelines/settings.py)
    holds one and hands it to every step."""

    path: Path
    sources: tuple[Source, ...]
    quality: QualityConfig
    trust: TrustConfig
    freshness: FreshnessConfig = FreshnessConfig()
    alert_urls: tuple[str, ...] = ()  # apprise URLs of the `alerts:` block (pipelines/alerts.py)
    rtl_landing: str = "rtl"  # where the RTL files land (`tindak_lanjut:`, pipelines/ingest/rtl.py)

    def source(self, code: str) -> Source | None:
        return next((s for s in self.sources if s.code == code), None)


def load(path: Path) -> Registry:
    """Reads and validates `path` (RegistryError names file, line, source and key)."""
    return Registry(path=path, sources=tuple(load_registry(path)), quality=load_quality(path), trust=load_trust(path),
                    freshness=load_freshness(path), alert_urls=tuple(parse_registry(path).alerts.urls),
                    rtl_landing=parse_registry(path).tindak_lanjut.landing)


# --- the reference (docs/registry.md) --------------------------------------------------------
# What each key means and an example. Keys, types and defaults come from the schema above; a key
# without a line here fails tests/test_registry_reference.py, and so does a stale docs/registry.md.
KEY_DOCS: dict[str, tuple[str, str]] = {
    "defaults.timezone": ("Time zone of a time written without an offset, for every source that does not set "
                          "its own (WITA).", "Asia/Makassar"),
    "quality.max_quarantine_rate": ("Share of a source's rows in a periode that may be quarantined before "
                                    "publication is blocked (a share 0-1, not a percentage).", "0.10"),
    "quality.min_rows_for_rate": ("Below this many rows a source's quarantine rate is not judged.", "20"),
    "quality.max_index_change": ("Nilai IKM points an OPD may move since its previous semester before a "
                                 "warning (does not block).", "10.0"),
    "quality.waivers": ("Gates lifted for one source and periode, each with its reason; published in "
                        "quality_gates.waivers.",
                        "[{source: dishub_kiosk, periode: 2025-S1, gate: every_source_delivered, "
                        "reason: \"kiosk broken\"}]"),
    "quality.waivers[].source": ("The source's code (must be in the registry).", "dishub_kiosk"),
    "quality.waivers[].periode": ("The semester, YYYY-S1 or YYYY-S2.", "2025-S1"),
    "quality.waivers[].gate": ("The gate lifted: " + " or ".join(WAIVABLE_GATES) + ".", "every_source_delivered"),
    "quality.waivers[].reason": ("Why, in words: published with the data.", "kiosk broken in May"),
    "kepercayaan.kebijakan_ditandai": ("Whether marked (suspicious) responses count in the published index: "
                                       "hitung (yes) or kecualikan (left out).", "hitung"),
    "kepercayaan.ulang_menit": ("Same nine answers from one device within this many minutes: marked.", "30"),
    "kepercayaan.beruntun_jumlah": ("This many submissions from one device ...", "5"),
    "kepercayaan.beruntun_menit": ("... within this many minutes: a burst, marked.", "10"),
    "kepercayaan.seragam_toleransi": ("Straight-lined (all nine answers identical) responses of an OPD "
                                      "and periode are marked when their share, even at the low end of its "
                                      "95 % interval, exceeds by more than this the share the unit's own "
                                      "answers predict (README 'Can the number be trusted?').", "0.10"),
    "kepercayaan.seragam_min_responden": ("Units with fewer responses are not judged on straight-lining.", "30"),
    "kepercayaan.max_marked_effect": ("Nilai IKM points the marked responses may move an index before a "
                                      "warning.", "1.0"),
    "kepercayaan.populasi": ("Known populations (for the sample-size check), beside "
                             "dbt_project/seeds/populasi.csv.",
                             "[{periode: 2025-S1, opd_kode: DPMPTSP, populasi: 5200}]"),
    "kepercayaan.populasi[].periode": ("The semester.", "2025-S1"),
    "kepercayaan.populasi[].opd_kode": ("The OPD.", "DPMPTSP"),
    "kepercayaan.populasi[].jenis_layanan": ("One service of the OPD (absent: the whole OPD).", "Izin Reklame"),
    "kepercayaan.populasi[].populasi": ("Number of service users in the periode.", "5200"),
    "freshness.days_after_close": ("Days after a semester closes (30 June, 31 December, WITA) by which every "
                                   "source's file for it is due; a source with no file by then is overdue: a "
                                   "warning (sources_delivered_on_time), an alert, and _published_sources.",
                                   "14"),
    "alerts.urls": ("Where alerts go (a blocked or failed run, a publication, an overdue source): apprise URLs "
                    "(mailto:// or mailtos:// for SMTP, json:// for any webhook taking a JSON POST, slack://, "
                    "msteams://, tgram://, ...), one per target, beside SKM_ALERT_URLS. A URL with a password belongs in SKM_ALERT_URLS, "
                    "not in this file.",
                    "[\"mailto://smtp.example.go.id:25?from=skm@example.go.id&to=data@example.go.id\"]"),
    "tindak_lanjut.landing": ("The folder inside the data folder the OPD's follow-up plans (RTL files, CSV or "
                              "xlsx from the RTL template) land in, one sub-folder per periode whose results "
                              "the plan answers (rtl/2025-S1/ holds the plans made after 2025-S1).", "rtl"),
    "sources[].code": ("The source's id: lower case, digits and _.", "dpmptsp_web"),
    "sources[].opd_kode": ("The OPD the responses belong to.", "DPMPTSP"),
    "sources[].opd_nama": ("The OPD's name, as published.", "Dinas Penanaman Modal dan PTSP"),
    "sources[].format": ("How the files are read: csv, xlsx (also .xls and .ods) or json (array or NDJSON).",
                         "csv"),
    "sources[].landing": ("The folder inside the data folder its files land in, one sub-folder per semester "
                          "(raw/<code>/2025-S2/).", "raw/dpmptsp_web"),
    "sources[].timezone": ("Time zone of its times without an offset (default: defaults.timezone). A Google "
                           "Forms download is in the form owner's time zone.", "Asia/Makassar"),
    "sources[].sheet": ("xlsx: the sheet to read (default: the first worksheet).", "Rekap SKM"),
    "sources[].description": ("Free text for the data team.", "QR-code Google Form"),
    "sources[].template": ("true: the file uses the standard template's headers (no columns:).", "false"),
    "sources[].columns": ("Canonical field -> the file's header (JSON: the dotted path). Matched by text, never "
                          "by position; case, spacing and a leading '1.' are ignored. Personal-data fields "
                          "(nama, no_hp, email, nik) are hashed, never loaded.",
                          "{submitted_at: Timestamp, persyaratan: \"1. Kesesuaian persyaratan\"}"),
    "sources[].delimiter": ("csv: the separator, one character (default: taken from the file).", ";"),
    "sources[].encoding": ("csv: the text encoding (default: UTF-8, else Windows-1252 is detected).",
                           "cp1252"),
    "sources[].header_row": ("xlsx: the row of the header, counted as Excel does (default: the first of 30 "
                             "rows naming three registry headers, below any title rows).", "3"),
    "sources[].record_path": ("json: dotted path of the array of records in a wrapping object.", "data.items"),
    "sources[].date_format": ("How its dates read: day_first, month_first, or strptime patterns (one or a "
                              "list). Without it the order is decided per file from the dates themselves "
                              "(a first field above 12 proves day-first, a second above 12 month-first); a "
                              "file that cannot be decided, or contradicts this key, is refused. Google Forms: "
                              "'Stempel waktu' is day_first, 'Timestamp' (US account) month_first.",
                              "month_first"),
    "sources[].first_periode": ("The first semester it is expected to deliver (default: the semester of its "
                                "first delivered file): earlier semesters are not missing deliveries.",
                                "2025-S2"),
    "sources[].quality": ("Thresholds for this source only; quality: holds the defaults.",
                          "{max_quarantine_rate: 0.25}"),
    "sources[].quality.max_quarantine_rate": ("This source's own quarantine threshold.", "0.25"),
    "sources[].quality.min_rows_for_rate": ("This source's own minimum rows to judge the rate.", "10"),
    "sources[].quality.max_index_change": ("Its OPD's own index-change warning (the most lenient of the "
                                           "OPD's sources).", "15"),
    "sources[].freshness": ("Its own delivery deadline; freshness: holds the default.", "{days_after_close: 30}"),
    "sources[].freshness.days_after_close": ("Days after a semester closes by which this source's file is due.",
                                             "30"),
}
_BLOCKS: dict[str, type[BaseModel]] = {"defaults": DefaultsBlock, "quality": QualityBlock,
                                       "kepercayaan": KepercayaanBlock, "freshness": FreshnessBlock,
                                       "alerts": AlertsBlock, "tindak_lanjut": TindakLanjutBlock,
                                       "sources[]": SourceEntry}


def _type_name(annotation: Any) -> str:
    """A schema type in words: 'text', 'number 0-1', 'one of: csv, xlsx, json', 'list of ...'."""
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _type_name(args[0]) + _bounds(args[1:])
    if origin is Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return "mapping of canonical field to text"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "block"
    return {str: "text", int: "integer", float: "number", bool: "true/false"}.get(annotation, str(annotation))


def _bounds(metadata: Any) -> str:
    """Field constraints in words: ' (>= 0, <= 1)'."""
    words = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "min_length": "length >=", "max_length": "length <=",
             "pattern": "matching"}
    # inside `X | None`, Annotated carries a FieldInfo whose own .metadata holds the constraints
    flat = [c for m in metadata for c in (m, *(getattr(m, "metadata", None) or []))]
    parts = [f"{w} `{getattr(m, k)}`" if k == "pattern" else f"{w} {getattr(m, k)}"
             for m in flat for k, w in words.items() if getattr(m, k, None) is not None]
    return f" ({', '.join(dict.fromkeys(parts))})" if parts else ""


def _rows(prefix: str, model: type[BaseModel]) -> list[tuple[str, str, str]]:
    """(key, type, default) of the model's fields, a nested block's (or list of blocks') keys after it."""
    import typing

    out = []
    for name, info in model.model_fields.items():
        key = f"{prefix}.{name}"
        default = ("required" if info.is_required() else "none" if info.default in (None, [], "")
                   else "the defaults" if isinstance(info.default, BaseModel) else f"`{info.default}`")
        out.append((key, _type_name(info.annotation) + _bounds(info.metadata), default))
        is_list = typing.get_origin(info.annotation) is list
        for sub in (a for a in (info.annotation, *typing.get_args(info.annotation))
                    if isinstance(a, type) and issubclass(a, BaseModel)):
            out += _rows(key + ("[]" if is_list else ""), sub)
    return out


def schema_keys() -> list[tuple[str, str, str]]:
    """(key, type, default) of every key the schema accepts, in file order."""
    return [row for block, model in _BLOCKS.items() for row in _rows(block, model)]


def reference_markdown() -> str:
    """docs/registry.md: every key of data/sources.yml with its type, default, meaning and example."""
    lines = ["# The source registry (`data/sources.yml`): every key", "",
             "Generated from the schema in `pipelines/registry.py` by `python -m pipelines.registry --reference`; "
             "tests/test_registry_reference.py fails when this page is stale. Anything not listed here is an "
             "error naming the file, line, source and key (and the nearest valid key).", "",
             "| key | type | default | what it means | example |", "|---|---|---|---|---|"]
    for key, typ, default in schema_keys():
        what, example = KEY_DOCS[key]
        lines.append(f"| `{key}` | {typ} | {default} | {what} | `{example}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m pipelines.registry [FILE]`: check the registry (default: the repository's
    data/sources.yml; `skm check` checks the run context's); exit 2 with the errors.
    `--reference` writes docs/registry.md instead."""
    from pipelines.settings import REPO_ROOT

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--reference"]:
        target = REPO_ROOT / "docs" / "registry.md"
        target.write_text(reference_markdown(), encoding="utf-8")
        print(f"wrote {target}")
        return 0
    path = Path(args[0]) if args else REPO_ROOT / "data" / "sources.yml"
    try:
        sources = load_registry(path)
    except RegistryError as exc:
        print(f"The source registry has errors; nothing was run:\n{exc}", file=sys.stderr)
        return 2
    print(f"Registry {path}: {len(sources)} sources, valid.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
