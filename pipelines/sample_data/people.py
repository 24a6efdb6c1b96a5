"""Responden: demographics and fake personal data of Bontang residents.

The personal data is fake but shaped like the real thing (16-digit NIK with the Bontang prefix
and the birth date inside, Indonesian mobile numbers) so that the pipeline's hashing and the
"no personal data in published files" checks are exercised on realistic values.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

PENDIDIKAN: tuple[str, ...] = ("SD", "SMP", "SMA/SMK", "D1-D3", "D4/S1", "S2", "S3")
PEKERJAAN: tuple[str, ...] = ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Pelajar/Mahasiswa", "Lainnya")
# Hand-written forms of the same level, as the normaliser must accept them.
PENDIDIKAN_VARIANTS: dict[str, tuple[str, ...]] = {
    "SMA/SMK": ("SMA", "SMK", "SLTA"),
    "D4/S1": ("S1", "Sarjana"),
    "D1-D3": ("Diploma", "D3"),
    "SMP": ("SLTP",),
}
USIA_BANDS: tuple[tuple[int, str], ...] = ((19, "< 20"), (30, "20-30"), (40, "31-40"), (50, "41-50"), (200, "> 50"))

_AGE_BANDS = ((17, 19, 0.06), (20, 30, 0.27), (31, 40, 0.29), (41, 50, 0.21), (51, 60, 0.12), (61, 75, 0.05))
_PEKERJAAN_ADULT = (0.14, 0.02, 0.02, 0.36, 0.22, 0.02, 0.22)
_PEKERJAAN_YOUNG = (0.0, 0.0, 0.0, 0.15, 0.05, 0.65, 0.15)
_PEKERJAAN_OLD = (0.08, 0.01, 0.01, 0.12, 0.25, 0.0, 0.53)  # pensiunan, ibu rumah tangga
_PENDIDIKAN_BY_PEKERJAAN: dict[str, tuple[float, ...]] = {
    "PNS": (0.0, 0.0, 0.15, 0.15, 0.55, 0.14, 0.01),
    "TNI": (0.0, 0.02, 0.60, 0.08, 0.28, 0.02, 0.0),
    "POLRI": (0.0, 0.0, 0.58, 0.08, 0.30, 0.04, 0.0),
    "Pelajar/Mahasiswa": (0.0, 0.12, 0.75, 0.06, 0.07, 0.0, 0.0),
}
_PENDIDIKAN_OTHER = (0.08, 0.14, 0.48, 0.10, 0.175, 0.02, 0.005)

_MALE = (
    "Ahmad", "Muhammad", "Budi", "Rahmat", "Arif", "Hendra", "Joko", "Agus", "Syamsul", "Irfan",
    "Fajar", "Rizky", "Dedi", "Yusuf", "Hasan", "Bambang", "Eko", "Firman", "Taufik", "Iwan",
    "Anton", "Wahyu", "Ilham", "Rudi", "Ardiansyah", "Rizal", "Aldi", "Dimas", "Sudirman", "Jamaluddin",
)
_FEMALE = (
    "Siti", "Nur", "Dewi", "Rina", "Sri", "Fitri", "Ayu", "Wulan", "Rahmawati", "Nurul",
    "Indah", "Putri", "Ratna", "Yuliana", "Hasnah", "Sari", "Anisa", "Maya", "Desi", "Eka",
    "Kartini", "Marlina", "Rosita", "Mega", "Nurhayati", "Hartati", "Asmawati", "Fatimah",
)
_SURNAMES = (
    "Saputra", "Pratama", "Hidayat", "Setiawan", "Wijaya", "Kurniawan", "Nugroho", "Santoso",
    "Syahputra", "Rahman", "Hamzah", "Ramadhan", "Gunawan", "Siregar", "Nasution", "Lubis",
    "Sinaga", "Wahyudi", "Firmansyah", "Hakim", "Maulana", "Pangeran", "Tandilino", "Mappasessu",
    "Lamba", "Effendi", "Sulaiman", "Bakri",
)
_FEMALE_SURNAMES = (
    "Lestari", "Handayani", "Rahayu", "Pertiwi", "Anggraini", "Safitri", "Susanti", "Puspitasari",
    "Wulandari", "Kusuma", "Ningsih", "Aprilia",
)
_OPERATOR_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "852", "853", "851", "814", "815", "855", "856",
    "857", "858", "817", "818", "819", "859", "877", "878", "831", "838", "881", "895", "896", "898",
)
_MAIL_DOMAINS = (
    ("gmail.com", 0.8), ("yahoo.co.id", 0.08), ("yahoo.com", 0.06), ("outlook.com", 0.03), ("ymail.com", 0.03),
)
# Kecamatan codes inside Kota Bontang (64 74): Bontang Selatan, Bontang Utara, Bontang Barat.
_KECAMATAN = ("01", "02", "03")


@dataclass(slots=True)
class Responden:
    jenis_kelamin: str  # "L" or "P"
    usia: int
    pendidikan: str
    pekerjaan: str
    birth_date: dt.date
    given: str
    surname: str | None


def _weighted(rng: random.Random, items: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(items, weights=weights)[0]


def sample_responden(rng: random.Random, female_share: float, survey_date: dt.date) -> Responden:
    """Occupation follows age and education follows occupation, so the profile tables a Laporan
    SKM shows are not independent noise."""
    lo, hi, _ = rng.choices(_AGE_BANDS, weights=[b[2] for b in _AGE_BANDS])[0]
    usia = rng.randint(lo, hi)
    jk = "P" if rng.random() < female_share else "L"
    if usia <= 22:
        pekerjaan = _weighted(rng, PEKERJAAN, _PEKERJAAN_YOUNG)
    elif usia >= 58:
        pekerjaan = _weighted(rng, PEKERJAAN, _PEKERJAAN_OLD)
    else:
        pekerjaan = _weighted(rng, PEKERJAAN, _PEKERJAAN_ADULT)
    pendidikan = _weighted(rng, PENDIDIKAN, _PENDIDIKAN_BY_PEKERJAAN.get(pekerjaan, _PENDIDIKAN_OTHER))
    birth = survey_date - dt.timedelta(days=usia * 365 + rng.randrange(365))
    given = rng.choice(_FEMALE if jk == "P" else _MALE)
    surname: str | None = None
    if rng.random() < 0.7:
        surname = rng.choice(_FEMALE_SURNAMES + _SURNAMES[:10] if jk == "P" else _SURNAMES)
    if rng.random() < 0.05:
        given = "Andi " + given  # Bugis title, common in Bontang
    return Responden(jk, usia, pendidikan, pekerjaan, birth, given, surname)


def usia_band(usia: int) -> str:
    return next(label for top, label in USIA_BANDS if usia <= top)


def pendidikan_variant(rng: random.Random, pendidikan: str) -> str:
    variants = PENDIDIKAN_VARIANTS.get(pendidikan)
    return rng.choice(variants) if variants else pendidikan


def full_name(rng: random.Random, r: Responden, case_noise: bool) -> str:
    name = f"{r.given} {r.surname}" if r.surname else r.given
    if r.usia >= 50 and rng.random() < 0.15:
        name = ("Hj. " if r.jenis_kelamin == "P" else "H. ") + name
    if case_noise:
        x = rng.random()
        if x < 0.15:
            name = name.lower()
        elif x < 0.20:
            name = name.upper()
    return name


def phone(rng: random.Random) -> str:
    """Indonesian mobile numbers as people type them: 08..., +62..., sometimes with dashes."""
    digits = rng.choice(_OPERATOR_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(rng.choice((7, 8, 8))))
    style = rng.random()
    if style < 0.62:
        return "0" + digits
    if style < 0.85:
        return "+62" + digits
    if style < 0.92:
        return "62" + digits
    return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def email(rng: random.Random, r: Responden) -> str:
    local = re.sub(r"[^a-z]", "", r.given.lower().split()[-1])
    if r.surname and rng.random() < 0.6:
        local += rng.choice((".", "", "_")) + re.sub(r"[^a-z]", "", r.surname.lower())
    if rng.random() < 0.6:
        local += str(rng.choice((r.birth_date.year % 100, r.birth_date.year, rng.randrange(1, 999))))
    domain = rng.choices([d for d, _ in _MAIL_DOMAINS], weights=[w for _, w in _MAIL_DOMAINS])[0]
    return f"{local}@{domain}"


def nik(rng: random.Random, r: Responden) -> str:
    """6474 (Kota Bontang) + kecamatan + birth date (day + 40 for women) + serial: 16 digits."""
    day = r.birth_date.day + (40 if r.jenis_kelamin == "P" else 0)
    serial = rng.randint(1, 2999)
    return f"6474{rng.choice(_KECAMATAN)}{day:02d}{r.birth_date.month:02d}{r.birth_date.year % 100:02d}{serial:04d}"
