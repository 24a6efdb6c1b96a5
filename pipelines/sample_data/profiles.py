"""Who the sample OPDs are: their layanan, how satisfied their responden tend to be, what they
write as saran, and how each source's export looks.

Profiles are keyed by ``opd_kode`` and export styles by source ``code``, each with a fallback, so
that a new registry entry of a known format still gets plausible data without code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, Mapping

from pipelines.registry import Source


@dataclass(frozen=True)
class Layanan:
    """One service. ``free`` drives biaya (free services are mostly answered "Gratis");
    ``offsets`` shift the mean score of single unsur (a slow permit scores low on waktu)."""

    name: str
    weight: float
    free: bool = True
    offsets: Mapping[str, float] = field(default_factory=dict)
    female_share: float = 0.52
    round_the_clock: bool = False  # IGD and rawat inap are surveyed at night and on weekends too


@dataclass(frozen=True)
class OpdProfile:
    """Mean scores on the 1-4 scale before respondent noise; ``trend`` is added once per
    semester after 2025-S1 so that S2 differs from S1 (and not in the same direction for all)."""

    base: float
    unsur_offsets: Mapping[str, float]
    trend: float
    layanan: tuple[Layanan, ...]
    saran: tuple[str, ...]
    code_prefix: str | None = None  # for submission and device ids; derived from opd_kode if None
    straightline_share: float = 0.06  # respondents who tick 4 everywhere


# Saran written by anyone; some carry commas, quotes and the odd exclamation so that the CSV
# writers must quote properly.
SARAN_POSITIVE: tuple[str, ...] = (
    "Pelayanan sudah baik, pertahankan.",
    "Petugasnya ramah dan sigap, terima kasih.",
    "Mantap, prosesnya cepat",
    "sudah bagus",
    "Terima kasih atas pelayanannya.",
    "Pelayanan memuaskan, semoga tetap konsisten.",
    "OK",
    "Puas dengan pelayanan hari ini",
    "Semoga makin maju dan makin baik lagi.",
    'Pelayanan "prima", tidak ada pungutan apa pun.',
)
SARAN_IMPROVE: tuple[str, ...] = (
    "Antrean terlalu lama, mohon ditambah petugas loket.",
    "Ruang tunggu panas, AC-nya tolong diperbaiki.",
    "Parkiran sempit, kalau hujan becek.",
    'Informasi persyaratan sebaiknya ditempel di depan, jangan cuma "tanya petugas".',
    "Nomor WA layanan tidak pernah dibalas, mohon ditindaklanjuti.",
    "Mohon jam istirahat petugas bergantian, jadi loket tidak kosong.",
    "Kotak saran ada, tapi tidak jelas apakah dibaca.",
    "Toilet kurang bersih, airnya sering mati.",
    "Kursi di ruang tunggu kurang, banyak yang berdiri.",
    'Petugas di loket 2 kurang "senyum", yang lain sudah baik.',
    "Mohon disediakan jalur khusus lansia, ibu hamil, dan disabilitas.",
)

PROFILES: Mapping[str, OpdProfile] = MappingProxyType(
    {
        "DPMPTSP": OpdProfile(
            base=3.35,
            unsur_offsets={"waktu": -0.40, "pengaduan": -0.25, "persyaratan": -0.05},
            trend=0.08,
            layanan=(
                Layanan("Izin Usaha (NIB)", 5),
                Layanan("Persetujuan Bangunan Gedung (PBG)", 2, free=False, offsets={"waktu": -0.35, "prosedur": -0.2}),
                Layanan("Izin Praktik Tenaga Kesehatan", 2, female_share=0.65),
                Layanan("Sertifikat Laik Fungsi (SLF)", 1, offsets={"waktu": -0.2}),
                Layanan("Izin Reklame", 1, free=False),
            ),
            saran=(
                "Proses PBG terlalu lama, sudah 3 minggu belum terbit.",
                "Sistem OSS sering error, mohon disediakan pendampingan.",
                "Petugas helpdesk sangat membantu, terima kasih.",
                'Tolong syarat "izin praktik" diperjelas, tiap petugas bilang beda-beda.',
            ),
            code_prefix="DPM",
        ),
        "DISDUKCAPIL": OpdProfile(
            base=3.45,
            unsur_offsets={"waktu": -0.20, "pengaduan": -0.20, "sarana": 0.05},
            trend=0.03,
            layanan=(
                Layanan("KTP-el", 5, offsets={"waktu": -0.15}),
                Layanan("Kartu Keluarga", 4),
                Layanan("Akta Kelahiran", 3, female_share=0.62),
                Layanan("Akta Kematian", 1),
                Layanan("Pindah Datang", 1.5),
            ),
            saran=(
                "Blanko KTP-el sering habis, harus bolak-balik.",
                "Antrean online sudah bagus, tapi server sering down.",
                "Akta kelahiran selesai 1 hari, mantap!",
                "Mohon layanan jemput bola untuk lansia diperbanyak.",
            ),
            code_prefix="DKC",
            straightline_share=0.09,
        ),
        "RSUD": OpdProfile(
            base=3.15,
            unsur_offsets={"waktu": -0.40, "pengaduan": -0.30, "sarana": -0.10, "kompetensi": 0.10},
            trend=0.10,
            layanan=(
                Layanan("Poli Umum", 3, free=False),
                Layanan("Poli Anak", 2, free=False, female_share=0.80),
                Layanan("IGD", 2, free=False, offsets={"waktu": 0.25}, round_the_clock=True),
                Layanan("Rawat Inap", 1.5, free=False, offsets={"sarana": -0.15}, round_the_clock=True),
                Layanan("Farmasi", 2, free=False, offsets={"waktu": -0.30, "produk": -0.15}),
            ),
            saran=(
                "Antrean di poli lama sekali, dokter baru datang jam 10.",
                "Perawat di rawat inap ramah, terima kasih.",
                "Obat di farmasi sering kosong, harus beli di luar.",
                "Sistem rujukan BPJS, mohon dipermudah.",
            ),
            code_prefix="RSD",
        ),
        "DINKES": OpdProfile(
            base=3.30,
            unsur_offsets={"waktu": -0.20, "sarana": -0.20, "pengaduan": -0.15},
            trend=0.05,
            layanan=(
                Layanan("Pemeriksaan Umum", 4),
                Layanan("KIA/KB", 2, female_share=0.92),
                Layanan("Imunisasi", 2, female_share=0.85, offsets={"waktu": 0.15}),
                Layanan("Poli Gigi", 1.5, offsets={"waktu": -0.25}),
            ),
            saran=(
                "Ruang tunggu KIA panas, mohon tambah kipas angin.",
                "Bidan sangat sabar dan ramah.",
                "Jadwal imunisasi mohon diinfokan lewat grup WA.",
                "Poli gigi antreannya dibatasi, datang jam 9 sudah habis.",
            ),
            code_prefix="PKM",
        ),
        "KEC-BS": OpdProfile(
            base=3.40,
            unsur_offsets={"pengaduan": -0.35, "sarana": -0.10},
            trend=-0.06,
            layanan=(
                Layanan("Surat Keterangan", 4),
                Layanan("PATEN", 3),
                Layanan("Legalisir Dokumen", 2, offsets={"waktu": 0.15}),
                Layanan("Surat Keterangan Ahli Waris", 1, offsets={"persyaratan": -0.25, "waktu": -0.2}),
            ),
            saran=(
                "Pelayanan PATEN cepat, terima kasih.",
                "Legalisir bisa ditunggu, sangat membantu.",
                "Camat dan staf ramah, pertahankan.",
                "Mohon papan informasi biaya (gratis) dipasang lebih besar.",
            ),
            code_prefix="KBS",
        ),
        "DISHUB": OpdProfile(
            base=3.05,
            unsur_offsets={"waktu": -0.30, "sarana": -0.30, "biaya": -0.10, "pengaduan": -0.20},
            trend=0.12,
            layanan=(
                Layanan("Uji KIR", 5, free=False, female_share=0.10),
                Layanan("Izin Trayek", 1.5, free=False, female_share=0.15, offsets={"prosedur": -0.25}),
                Layanan("Rekomendasi Andalalin", 0.5, female_share=0.25, offsets={"waktu": -0.3}),
            ),
            saran=(
                "Uji KIR antreannya panjang, mohon tambah jalur uji.",
                "Tarif retribusi KIR mohon diumumkan jelas, biar tidak ada calo.",
                "Petugas penguji profesional.",
                "Izin trayek prosesnya berbelit, harus ke beberapa meja.",
            ),
            code_prefix="DHB",
        ),
    }
)

GENERIC_PROFILE = OpdProfile(
    base=3.25,
    unsur_offsets={"pengaduan": -0.20, "waktu": -0.10},
    trend=0.05,
    layanan=(
        Layanan("Pelayanan Administrasi", 3),
        Layanan("Konsultasi", 2),
        Layanan("Rekomendasi/Perizinan", 1, offsets={"waktu": -0.2}),
        Layanan("Informasi Publik", 1),
    ),
    saran=(),
)


def profile_for(opd_kode: str) -> OpdProfile:
    return PROFILES.get(opd_kode, GENERIC_PROFILE)


def code_prefix(source: Source) -> str:
    """Short OPD code for ids such as DKC-2025-000123 and KIOSK-DKC-01."""
    prefix = profile_for(source.opd_kode).code_prefix
    if prefix:
        return prefix
    letters = re.sub(r"[^A-Za-z0-9]", "", source.opd_kode).upper()
    return letters[:3] or "OPD"


# --- export styles ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportStyle:
    """How one source writes a response. The registry says which columns exist; this says how
    the values inside them look, which is where real exports differ."""

    answers: Literal["words", "numbers"]
    timestamp: Literal["text", "excel_date", "excel_datetime", "iso"]
    ext: str
    ts_format: str = "%d/%m/%Y %H:%M:%S"
    delimiter: str = ","
    encoding: str = "utf-8"  # "utf-8-sig" writes the BOM Excel puts in front of its CSVs
    json_layout: Literal["array", "ndjson"] = "array"
    title_rows: bool = True  # xlsx: rekap title above the header, plus a "No" column
    header_row: int | None = None  # xlsx: 1-based row of the header when the registry fixes it
    generic_unsur: frozenset[str] = frozenset()  # words: unsur asked with Tidak baik..Sangat baik
    numbered_from: float | None = None  # words: from this fraction of the semester "4 - Label"
    gender_words_share: float = 0.0  # "Laki-laki"/"Perempuan" instead of L/P
    usia_band: bool = False  # usia ticked as a band ("31-40") on the paper form
    pendidikan_variant_share: float = 0.0  # "SMA", "S1", "Diploma" written by hand
    name_case_noise: bool = False  # people type their own names in odd casing
    saran_empty_share: float = 0.6
    pii_fill: Mapping[str, float] = field(default_factory=lambda: {"nama": 0.5, "no_hp": 0.4, "email": 0.3, "nik": 0.6})
    web: bool = False  # filled on a phone after the visit: evenings and weekends happen
    devices: int = 1  # kiosks in the office


STYLES: Mapping[str, ExportStyle] = MappingProxyType(
    {
        # Google-Forms-like export, Indonesian locale, full-word gender options.
        "dpmptsp_web": ExportStyle(
            answers="words", timestamp="text", ext="csv", ts_format="%d/%m/%Y %H:%M:%S",
            gender_words_share=1.0, name_case_noise=True, saran_empty_share=0.55,
            pii_fill={"nama": 0.45, "no_hp": 0.35}, web=True,
        ),
        # Saved from Excel with the Indonesian list separator; the form was revised mid-semester
        # to show "4 - Sangat sesuai" options, and two questions use the generic scale.
        "puskesmas_web": ExportStyle(
            answers="words", timestamp="text", ext="csv", ts_format="%d/%m/%Y %H:%M",
            delimiter=";", encoding="utf-8-sig", generic_unsur=frozenset({"kompetensi", "sarana"}),
            numbered_from=0.5, pendidikan_variant_share=0.05, name_case_noise=True,
            saran_empty_share=0.6, pii_fill={"email": 0.3}, web=True,
        ),
        "rsud_paper": ExportStyle(
            answers="numbers", timestamp="excel_date", ext="xlsx", pendidikan_variant_share=0.12,
            saran_empty_share=0.65,
        ),
        "kec_bontang_selatan_paper": ExportStyle(
            answers="numbers", timestamp="excel_datetime", ext="xlsx", usia_band=True,
            gender_words_share=0.1, pendidikan_variant_share=0.15, saran_empty_share=0.6,
            pii_fill={"nama": 0.85},
        ),
        "disdukcapil_kiosk": ExportStyle(
            answers="numbers", timestamp="iso", ext="json", json_layout="array",
            saran_empty_share=0.7, pii_fill={"nik": 0.8}, devices=3,
        ),
        "dishub_kiosk": ExportStyle(
            answers="numbers", timestamp="iso", ext="ndjson", json_layout="ndjson",
            saran_empty_share=0.7, pii_fill={"no_hp": 0.4}, devices=2,
        ),
    }
)

FORMAT_STYLES: Mapping[str, ExportStyle] = MappingProxyType(
    {
        "csv": STYLES["dpmptsp_web"],
        "xlsx": STYLES["rsud_paper"],
        "json": STYLES["disdukcapil_kiosk"],
    }
)

# The standard import template (registry `template: true`): canonical headers, numbers, ISO-ish
# local dates, no title rows.
TEMPLATE_STYLE = ExportStyle(answers="numbers", timestamp="text", ext="csv", ts_format="%Y-%m-%d %H:%M",
                             title_rows=False, pii_fill={})


def style_for(source: Source) -> ExportStyle:
    """Style by source code, else by format; registry options (delimiter, encoding, header_row)
    win because the readers will use them."""
    if all(header == f for f, header in source.columns.items()):
        style = replace(TEMPLATE_STYLE, ext=source.format)
        if source.format == "xlsx":
            style = replace(style, timestamp="excel_datetime")
    else:
        style = STYLES.get(source.code) or FORMAT_STYLES[source.format]
    opts = source.options
    if source.format == "csv":
        if opts.get("delimiter"):
            style = replace(style, delimiter=str(opts["delimiter"]))
        if opts.get("encoding"):
            style = replace(style, encoding=str(opts["encoding"]))
    if source.format == "xlsx" and opts.get("header_row"):
        style = replace(style, header_row=int(opts["header_row"]))
    return style
