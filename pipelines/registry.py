"""The source registry (``data/sources.yml``): which OPD exports exist and how their columns map
to canonical fields. Header matching is by text, never position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

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


def normalise_header(text: object) -> str:
    """Case, spacing, punctuation at the ends and a leading "1." / "U1" numbering do not
    distinguish two headers; the words do."""
    s = str(text or "").replace("\ufeff", "").strip().lower()
    s = re.sub(r"^\s*\d+\s*[.)]\s*", "", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" :?")


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

    def landing_dir(self, data_dir: Path) -> Path:
        return data_dir / self.landing

    @property
    def header_map(self) -> dict[str, str]:
        """normalised header -> canonical field."""
        return {normalise_header(h): f for f, h in self.columns.items()}


class RegistryError(ValueError):
    pass


def load_registry(path: Path) -> list[Source]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    defaults = doc.get("defaults") or {}
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(doc.get("sources") or [], start=1):
        where = f"{path}: source #{i} ({entry.get('code', '?')})"
        if entry.get("template"):
            # The standard import template: headers are the canonical field names themselves.
            entry = {**entry, "columns": {f: f for f in TEMPLATE_FIELDS}}
        for key in ("code", "opd_kode", "opd_nama", "format", "landing", "columns"):
            if not entry.get(key):
                raise RegistryError(f"{where}: missing '{key}'")
        if entry["format"] not in FORMATS:
            raise RegistryError(f"{where}: format must be one of {FORMATS}, got {entry['format']!r}")
        if entry["code"] in seen:
            raise RegistryError(f"{where}: duplicate source code")
        seen.add(entry["code"])
        columns = {str(k): str(v) for k, v in entry["columns"].items()}
        unknown = set(columns) - set(CANONICAL_FIELDS) - set(PII_FIELDS)
        if unknown:
            raise RegistryError(f"{where}: unknown canonical field(s) {sorted(unknown)}")
        missing = [f for f in REQUIRED_FIELDS if f not in columns]
        if missing:
            raise RegistryError(f"{where}: no column mapped for {missing}")
        sources.append(
            Source(
                code=entry["code"],
                opd_kode=entry["opd_kode"],
                opd_nama=entry["opd_nama"],
                format=entry["format"],
                landing=entry["landing"],
                timezone=entry.get("timezone") or defaults.get("timezone", "Asia/Makassar"),
                columns=columns,
                sheet=entry.get("sheet"),
                description=entry.get("description", ""),
                options={k: v for k, v in entry.items() if k in ("delimiter", "encoding", "header_row", "record_path")},
            )
        )
    return sources


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the publication gates (the `quality:` block of the registry file)."""

    max_quarantine_rate: float = 0.10  # per source and periode; above it blocks publication
    min_rows_for_rate: int = 20  # fewer rows than this: too few to judge a rate
    max_index_change: float = 10.0  # points of Nilai IKM since the previous semester: a warning
    waivers: frozenset[tuple[str, str]] = frozenset()  # (source_code, periode) allowed to deliver nothing


def load_quality(path: Path) -> QualityConfig:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    q = doc.get("quality") or {}
    waivers = frozenset((str(w["source"]), str(w["periode"])) for w in q.get("waivers") or [])
    return QualityConfig(
        max_quarantine_rate=float(q.get("max_quarantine_rate", QualityConfig.max_quarantine_rate)),
        min_rows_for_rate=int(q.get("min_rows_for_rate", QualityConfig.min_rows_for_rate)),
        max_index_change=float(q.get("max_index_change", QualityConfig.max_index_change)),
        waivers=waivers,
    )


@dataclass(frozen=True)
class TrustConfig:
    """The `kepercayaan:` block of the registry file: the policy for marked (suspicious)
    responses, the marking rules' parameters and known populations. Reaches dbt as vars."""

    kebijakan_ditandai: str = "hitung"  # 'hitung': marked rows count in the index | 'kecualikan'
    ulang_menit: float = 30.0  # same answers from the same device within this many minutes
    beruntun_jumlah: int = 5  # this many submissions from one device ...
    beruntun_menit: float = 10.0  # ... within this many minutes is a burst
    seragam_selisih: float = 0.05  # straight-lining rate above the rest of the city by more than this
    seragam_min_responden: int = 30  # units with fewer responses are not judged on straight-lining
    max_marked_effect: float = 1.0  # Nilai IKM points: the marked rows moving an index more warns
    populasi: tuple[dict[str, object], ...] = ()  # {periode, opd_kode, jenis_layanan?, populasi}

    def dbt_vars(self) -> dict[str, object]:
        return {
            "kebijakan_ditandai": self.kebijakan_ditandai,
            "ditandai_ulang_menit": self.ulang_menit,
            "ditandai_beruntun_jumlah": self.beruntun_jumlah,
            "ditandai_beruntun_menit": self.beruntun_menit,
            "ditandai_seragam_selisih": self.seragam_selisih,
            "ditandai_seragam_min_responden": self.seragam_min_responden,
            "populasi_tambahan": [dict(p) for p in self.populasi],
        }


def load_trust(path: Path) -> TrustConfig:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    t = doc.get("kepercayaan") or {}
    d = TrustConfig()
    policy = str(t.get("kebijakan_ditandai", d.kebijakan_ditandai)).strip()
    if policy not in ("hitung", "kecualikan"):
        raise RegistryError(f"kepercayaan.kebijakan_ditandai must be 'hitung' or 'kecualikan', got {policy!r}")
    populasi = []
    for p in t.get("populasi") or []:
        missing = {"periode", "opd_kode", "populasi"} - set(p)
        if missing or int(p["populasi"]) <= 0:
            raise RegistryError(f"kepercayaan.populasi entry {p!r}: needs periode, opd_kode and a positive populasi")
        entry = {"periode": str(p["periode"]), "opd_kode": str(p["opd_kode"]), "populasi": int(p["populasi"])}
        if p.get("jenis_layanan"):
            entry["jenis_layanan"] = str(p["jenis_layanan"])
        populasi.append(entry)
    return TrustConfig(
        kebijakan_ditandai=policy,
        ulang_menit=float(t.get("ulang_menit", d.ulang_menit)),
        beruntun_jumlah=int(t.get("beruntun_jumlah", d.beruntun_jumlah)),
        beruntun_menit=float(t.get("beruntun_menit", d.beruntun_menit)),
        seragam_selisih=float(t.get("seragam_selisih", d.seragam_selisih)),
        seragam_min_responden=int(t.get("seragam_min_responden", d.seragam_min_responden)),
        max_marked_effect=float(t.get("max_marked_effect", d.max_marked_effect)),
        populasi=tuple(populasi),
    )
