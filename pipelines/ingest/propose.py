"""Propose a registry entry (data/sources.yml) from one OPD export file, so onboarding a new OPD
starts from a draft a person checks instead of from a blank page.

Only the header is read (plus, for JSON, the first record's timestamp to guess the time zone).
Each header is matched to a canonical field by its words, never by its position: the knowledge is
one table of patterns per field (``FIELD_PATTERNS``), each with a confidence. What the table is not
sure of (a weak keyword, two headers competing for one field, a required field not found, an
unsur known only by its number U8/U9) is marked for a person to check, and ``render_yaml`` writes a
``# CHECK:`` comment on that line. Personal data columns (nama, no HP, e-mail, NIK) are mapped to
the PII fields so that the loader hashes them and never loads them.

    python -m pipelines.ingest.propose FILE [--code CODE]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.registry import (CANONICAL_FIELDS, PII_FIELDS, REQUIRED_FIELDS, TEMPLATE_FIELDS, normalise_header)
from pipelines.ingest.readers import cell_text

# --- the knowledge: one table of patterns per field ------------------------------------------
# A pattern is searched (re.search) in the header after `match_forms` has normalised it:
# lower case, "_" and "." as spaces, "(opsional)"-style remarks and a "1." / "U1" numbering removed.
# Scores: 1.0 a known whole header; 0.85 a keyword that only this field uses in SKM exports;
# 0.75 an English or looser keyword; below SURE a weak hint that a person must confirm.


@dataclass(frozen=True)
class Pattern:
    regex: str
    score: float
    why: str | None = None  # said in the CHECK comment when this pattern is the (weak) reason


SURE = 0.75  # a mapping scoring below this is marked for a person to check
MARGIN = 0.12  # a second candidate within this of the best one makes the choice unsure
COMPETE_FLOOR = 0.6  # a header scoring below this for a field is no competitor for it
PATH_PENALTY = 0.85  # JSON: matched on the last key only ("kontak.wa" read as "wa")
MIN_HEADER_HITS = 3  # a header row (Excel, CSV) must have at least this many recognised headers

# "Bagaimana pendapat Saudara tentang ...": the regulation's question stem
# (the 2017 example form itself writes "Bagamana" once and "pemahaman" for question 2)
Q = r"^baga?imana (pendapat|penilaian|pemahaman) (saudara|anda|bapak/ibu|bapak ibu) ((tentang|terhadap|mengenai) )?.*"

_POSITION_WHY = "by number only: U{n} is {key} on the standard form (U1-U7 agree across forms)"
_U8_U9_WHY = ("known only by its number U{n}: the example questionnaire asks sarana as U8 and pengaduan "
              "as U9, the regulation's list the other way round; check the form's question U{n}")


def _by_number(n: int, key: str) -> Pattern:
    """A bare unsur number ("U3", "q3", "answers.U3"). The words are missing, so the mapping
    rests on the questionnaire's order: fair for U1-U7, a coin toss for U8/U9."""
    if n <= 7:
        return Pattern(rf"^(u|q|p|unsur|soal|pertanyaan|item) ?0?{n}$", 0.8, _POSITION_WHY.format(n=n, key=key))
    return Pattern(rf"^(u|q|p|unsur|soal|pertanyaan|item) ?0?{n}$", 0.5, _U8_U9_WHY.format(n=n))


def _unsur(n: int, key: str, *, asked: str, whole: str, keyword: str, english: str,
           keyword_score: float = 0.85) -> tuple[Pattern, ...]:
    """The ladder every unsur is recognised by, strongest first: the regulation's question naming
    it (after Q), a known whole header, a keyword only it uses, an English or looser keyword, and
    its bare number. The ladder's scores live here once; the table gives each unsur's words."""
    return (Pattern(Q + asked, 1.0), Pattern(whole, 1.0), Pattern(keyword, keyword_score), Pattern(english, 0.75),
            _by_number(n, key))


FIELD_PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "submission_id": (
        Pattern(r"^(id|uuid|submission id|response id|record id|id (respon|responden|jawaban|survei|survey|"
                r"formulir|pengisian|kuesioner)|(no|nomor) (formulir|kuesioner|responden|survei)|"
                r"kode (responden|formulir))$", 1.0),
        Pattern(r"\b(uuid|submission|response id)\b", 0.7),
    ),
    "device_id": (
        Pattern(r"^(device|device id|kiosk|kiosk id|kios|kios id|id (device|kiosk|kios|perangkat|tablet)|"
                r"perangkat|tablet|tablet id|terminal|terminal id|anjungan)$", 1.0),
        Pattern(r"\b(device|kiosk|kios|perangkat|tablet|terminal)\b", 0.7),
    ),
    "submitted_at": (
        Pattern(r"^(timestamp|time stamp|stempel waktu|cap waktu|tanggal|tgl|tanggal survei|tanggal survey|"
                r"tanggal pengisian|tgl pengisian|waktu pengisian|waktu survei|tanggal dan waktu|"
                r"tanggal/waktu|waktu kirim|waktu submit|tanggal kunjungan|tanggal pelayanan|date|datetime|"
                r"date time|ts|submitted|submitted at|created|created at|submission time|submission date|"
                r"completed at|filled at)$", 1.0),
        Pattern(r"\b(tanggal|tgl|timestamp|stempel waktu)\b", 0.7),
    ),
    "opd_kode": (
        Pattern(r"^(opd|kode opd|opd kode|instansi|kode instansi|perangkat daerah|kode perangkat daerah|"
                r"skpd|kode skpd|satker|kode satker|unit kerja|kode unit kerja)$", 0.9),
        Pattern(r"\b(opd|skpd|instansi)\b", 0.6),
    ),
    "jenis_layanan": (
        Pattern(r"^((jenis|nama|unit|macam) )?(pe)?layanan( yang .*)?$", 1.0),
        Pattern(r"^(service|service name|service type|jenis pelayanan publik)$", 1.0),
        Pattern(r"^(jenis|nama|unit) (pe)?layanan\b", 0.9),
        Pattern(r"\b(pe)?layanan yang (anda |saudara )?(terima|diterima|urus|diurus|mohon|dimohon|gunakan)", 0.85),
        Pattern(r"\bservice\b", 0.6),
        Pattern(r"\b(pe)?layanan\b", 0.4, "only the word 'layanan'"),
    ),
    "persyaratan": _unsur(
        1, "persyaratan",
        asked=r"\b(persyaratan|syarat)",
        whole=r"^(kesesuaian )?persyaratan( pelayanan)?$",
        keyword=r"persyaratan|\bsyarat\b",
        english=r"\brequirements?\b",
    ),
    "prosedur": _unsur(
        2, "prosedur",
        asked=r"\b(prosedur|mekanisme|alur)",
        whole=r"^(sistem,? mekanisme,? dan prosedur|(kemudahan )?prosedur( pelayanan)?)$",
        keyword=r"prosedur|mekanisme|\balur\b",
        english=r"\bprocedures?\b",
    ),
    "waktu": _unsur(
        3, "waktu",
        asked=r"\b(kecepatan|ketepatan|waktu)\b",
        whole=r"^(waktu|waktu (penyelesaian|pelayanan)|(kecepatan|ketepatan)( waktu)?( pelayanan)?)$",
        keyword=r"kecepatan|waktu (penyelesaian|pelayanan|tunggu|proses)|lama (proses|pelayanan)|\bwaktu\b",
        english=r"\b(speed|timeliness|waiting time)\b",
        keyword_score=0.8,
    ),
    "biaya": _unsur(
        4, "biaya",
        asked=r"\b(biaya|tarif)",
        whole=r"^((kewajaran )?biaya( ?/ ?tarif)?|tarif)$",
        keyword=r"biaya|tarif|\bongkos\b|retribusi",
        english=r"\b(cost|fee|price|tariff)s?\b",
    ),
    "produk": _unsur(
        5, "produk",
        asked=r"\b(produk|spesifikasi)",
        whole=r"^((kesesuaian )?produk( layanan| pelayanan)?|produk spesifikasi jenis pelayanan|"
              r"spesifikasi produk( layanan| pelayanan)?)$",
        keyword=r"produk|spesifikasi",
        english=r"\bproducts?\b|hasil (pe)?layanan",
    ),
    "kompetensi": _unsur(
        6, "kompetensi",
        asked=r"\b(kompetensi|kemampuan)",
        whole=r"^(kompetensi( pelaksana| petugas)?|kemampuan petugas|kompetensi ?/ ?kemampuan petugas)$",
        keyword=r"kompeten|kemampuan|keahlian|profesional",
        english=r"\b(competen|skill)",
    ),
    "perilaku": _unsur(
        7, "perilaku",
        asked=r"\b(perilaku|kesopanan|keramahan|sikap)",
        whole=r"^(perilaku( pelaksana| petugas)?|(kesopanan dan keramahan|sikap)( petugas)?)$",
        keyword=r"perilaku|kesopanan|keramahan|\bsopan\b|\bramah\b|\bsikap\b",
        english=r"\b(courtesy|behaviou?r|friendliness|attitude)\b",
    ),
    "sarana": _unsur(
        8, "sarana",
        asked=r"\b(sarana|prasarana|fasilitas)",
        whole=r"^((kualitas )?sarana( dan prasarana)?|sarpras|fasilitas)$",
        keyword=r"sarana|prasarana|fasilitas|sarpras",
        english=r"\bfacilit",
    ),
    "pengaduan": _unsur(
        9, "pengaduan",
        asked=r"\b(pengaduan|keluhan)",
        whole=r"^((penanganan )?pengaduan(, saran,? dan masukan)?|penanganan pengaduan pengguna layanan)$",
        keyword=r"pengaduan|keluhan|komplain",
        english=r"\bcomplaints?\b",
    ),
    "jenis_kelamin": (
        Pattern(r"^(jenis kelamin|kelamin|jns kelamin|jenis kel|l ?/ ?p|gender|sex|jk)$", 1.0),
        Pattern(r"kelamin|\bgender\b", 0.85),
    ),
    "usia": (
        Pattern(r"^(usia|umur|age|usia ?/ ?umur|umur ?/ ?usia|(kelompok|rentang) (usia|umur)|"
                r"(usia|umur) responden)$", 1.0),
        Pattern(r"\b(usia|umur)\b", 0.85),
        Pattern(r"\bage\b", 0.75),
    ),
    "pendidikan": (
        Pattern(r"^(pendidikan( terakhir| tertinggi)?|tingkat pendidikan|education|pend)$", 1.0),
        Pattern(r"pendidikan|\beducation\b", 0.85),
    ),
    "pekerjaan": (
        Pattern(r"^(pekerjaan( utama)?|pekerjaan responden|profesi|occupation|job)$", 1.0),
        Pattern(r"pekerjaan|\boccupation\b|\bprofesi\b", 0.85),
    ),
    "saran": (
        Pattern(r"^(saran|masukan|usulan|saran (dan|&|/) ?masukan|saran ?/ ?masukan|kritik (dan|&|/) ?saran|"
                r"kritik ?/ ?saran|komentar|comment|comments|feedback)$", 1.0),
        Pattern(r"\b(saran|masukan|kritik|komentar|comments?|feedback|usul)", 0.75),
        Pattern(r"\b(catatan|keterangan|remarks?)\b", 0.5, "a free-text column, perhaps staff notes rather than saran"),
    ),
    # personal data: hashed per row by the loader, never loaded
    "nama": (
        Pattern(r"^(nama|nama (lengkap|responden|pengguna( layanan)?|pemohon|pelanggan)|name|full name|"
                r"respondent name|your name)$", 1.0),
        Pattern(r"^nama\b", 0.7, "starts with 'nama'"),
        Pattern(r"\bname\b", 0.6, "has the word 'name'"),
    ),
    "no_hp": (
        Pattern(r"^((no|nomor|nmr)\.? ?)?(hp|handphone|telepon|telpon|telp|tlp|whatsapp|wa|ponsel|phone|"
                r"phone number|mobile|telephone|kontak)( ?/ ?(hp|wa|whatsapp|telepon|telp))?( aktif)?$", 1.0),
        Pattern(r"whats ?app|\bwa\b|\bhp\b|handphone|telepon|\btelp\b|\bphone\b|ponsel", 0.8),
    ),
    "email": (
        Pattern(r"^(e-?mail|alamat e-?mail|e-?mail address|surel|alamat surel)$", 1.0),
        Pattern(r"e-?mail|\bsurel\b", 0.8),
    ),
    "nik": (
        Pattern(r"^(nik|no\.? ?nik|nomor nik|nik ?/ ?ktp|nik ktp|(no|nomor)\.? ?ktp|ktp|nomor induk kependudukan)$",
                1.0),
        Pattern(r"\bnik\b|\bktp\b|induk kependudukan", 0.8),
    ),
}
# Every canonical field's own name is a whole-header match (the standard import template).
for _f in (*CANONICAL_FIELDS, *PII_FIELDS):
    FIELD_PATTERNS[_f] = (Pattern("^" + _f.replace("_", " ") + "$", 1.0), *FIELD_PATTERNS[_f])
del _f

@dataclass(frozen=True)
class FileWarning:
    regex: str
    message: str
    distrust_numbers: bool = False  # then no unsur known only by its number is taken as sure


# Headers that say something about the whole file rather than one field.
FILE_WARNINGS: tuple[FileWarning, ...] = (
    FileWarning(r"\bmaklumat\b", "a 'Maklumat Pelayanan' column: the 2014 instrument (PermenPANRB 16/2014), "
                                 "whose nine unsur differ from 2017; do not compare U8/U9 across versions"),
    FileWarning(r"^(u|q|unsur|soal|pertanyaan) ?(1[0-4])$", "unsur numbers above 9: the 14-unsur instrument of "
                "KepMenPAN 25/2004? Map by the form's questions", distrust_numbers=True),
)
# JSON objects that only group fields: "answers.U1" is read as "U1", "respondent.gender" as "gender".
GENERIC_CONTAINERS = frozenset({
    "answers", "answer", "jawaban", "nilai", "scores", "skor", "penilaian", "kuesioner", "survey", "survei",
    "respondent", "responden", "profile", "profil", "demografi", "demographics", "user", "data", "meta",
    "contact", "kontak", "record", "fields", "values",
})
_REMARKS = re.compile(r"\((opsional|optional|boleh (kosong|dikosongkan)|wajib|tahun|th|thn|jika ada)\)")
_UNSUR_NUMBER = re.compile(r"^(?:u|q|unsur|soal|pertanyaan|item) ?0?\d{1,2}\b[\s.:)\-]*(?=\S)")

FORMAT_BY_EXT = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx",
                 ".ods": "xlsx", ".json": "json", ".ndjson": "json", ".jsonl": "json"}


class ProposalError(ValueError):
    """The file cannot be read well enough to propose anything; the message says why."""


# --- the result ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldMatch:
    field: str
    header: str  # exactly as in the file (JSON: the dotted path)
    confidence: float
    unsure: str | None = None  # why a person must check it; None when sure
    note: str | None = None  # said as a comment even when sure (a positional U1-U7)


@dataclass
class Proposal:
    path: Path
    code: str
    code_guessed: bool
    format: str
    headers: list[str]
    matches: dict[str, FieldMatch]  # canonical or PII field -> the header chosen for it
    missing: list[str]  # required fields no header was found for
    unmapped: list[str]  # headers left out (not loaded)
    options: dict[str, Any] = field(default_factory=dict)  # sheet, header_row, delimiter, encoding, record_path
    timezone: str | None = None
    timezone_why: str | None = None
    date_format: str | None = None  # day_first | month_first when the dates need an order
    date_why: str | None = None
    date_sure: bool = True
    template: bool = False
    checks: list[str] = field(default_factory=list)  # file-level things to check

    @property
    def columns(self) -> dict[str, str]:
        """field -> header, in canonical order: what goes under `columns:`."""
        order = (*CANONICAL_FIELDS, *PII_FIELDS)
        return {f: self.matches[f].header for f in order if f in self.matches}

    @property
    def unsure(self) -> dict[str, str]:
        """field -> the reason a person must check it (missing required fields included)."""
        out = {f: m.unsure for f, m in self.matches.items() if m.unsure}
        out.update({f: "required, no column found" for f in self.missing})
        return out


# --- matching --------------------------------------------------------------------------------
def match_forms(header: str, is_json: bool = False) -> list[tuple[str, float]]:
    """The texts a header is matched as, each with the factor its scores are taken at. Several
    forms because exports decorate the words: "U8 Sarana", "q_persyaratan", "Nama (opsional)",
    and for JSON the path ("respondent.gender" -> "gender")."""
    base = normalise_header(header)
    if is_json:
        parts = [p for p in base.split(".") if p]
    else:
        parts = [base]
    forms: list[tuple[str, float]] = []

    def add(text: str, factor: float) -> None:
        t = _REMARKS.sub(" ", text.replace("_", " "))
        t = re.sub(r"\s+", " ", t).strip(" :?*-")
        if not t:
            return
        forms.append((t, factor))
        stripped = _UNSUR_NUMBER.sub("", t)  # "u8 sarana" -> "sarana"
        if stripped != t:
            forms.append((stripped, factor))
        if t.startswith("q "):  # q_persyaratan
            forms.append((t[2:], factor))

    add(" ".join(parts), 1.0)
    if is_json and len(parts) > 1:
        inner = [p for p in parts[:-1] if p not in GENERIC_CONTAINERS]
        add(" ".join([*inner, parts[-1]]), 1.0)
        if inner:
            add(parts[-1], PATH_PENALTY)
    return forms


def score_header(header: str, is_json: bool = False) -> dict[str, tuple[float, str | None]]:
    """field -> (best score, the weak pattern's reason) for one header, over all its forms."""
    best: dict[str, tuple[float, str | None]] = {}
    for text, factor in match_forms(header, is_json):
        for fld, patterns in FIELD_PATTERNS.items():
            for p in patterns:
                if re.search(p.regex, text):
                    s = round(p.score * factor, 4)
                    if s > best.get(fld, (0.0, None))[0]:
                        best[fld] = (s, p.why)
    return best


def recognised(headers: list[str], is_json: bool = False) -> int:
    """How many headers some field claims with confidence: used to find the header row."""
    return sum(1 for h in headers if h and any(s >= SURE for s, _ in score_header(h, is_json).values()))


def assign(headers: list[str], is_json: bool = False) -> tuple[dict[str, FieldMatch], list[str]]:
    """One header per field and one field per header, best scores first; then mark what a
    person must check. Returns (matches, unmapped headers)."""
    scores = {i: score_header(h, is_json) for i, h in enumerate(headers) if h}
    best = {i: max((s for s, _ in sc.values()), default=0.0) for i, sc in scores.items()}
    triples = sorted(((s, i, f) for i, sc in scores.items() for f, (s, _) in sc.items()
                      if s >= best[i] - MARGIN and s >= 0.3), key=lambda t: (-t[0], t[1]))
    chosen: dict[str, int] = {}
    taken: dict[int, str] = {}
    for s, i, f in triples:
        if f not in chosen and i not in taken:
            chosen[f], taken[i] = i, f
    matches: dict[str, FieldMatch] = {}
    for f, i in chosen.items():
        s, why = scores[i][f]
        reasons: list[str] = []
        note = None
        if s < SURE:
            reasons.append(why or f"weak match ({s:.2f})")
        elif why:
            note = why
        rivals = [headers[j] for j, sc in scores.items()
                  if j != i and f in sc and sc[f][0] >= COMPETE_FLOOR and sc[f][0] > best[j] - MARGIN
                  and sc[f][0] > s - MARGIN
                  and not (j in taken and scores[j][taken[j]][0] > sc[f][0])]
        if rivals:
            reasons.append("also matches " + ", ".join(f"'{r}'" for r in rivals))
        others = [g for g, (sg, _) in scores[i].items()
                  if g != f and sg > s - MARGIN and sg >= COMPETE_FLOOR
                  and not (g in chosen and scores[chosen[g]][g][0] > sg)]
        if others:
            reasons.append("the header also reads as " + ", ".join(others))
        matches[f] = FieldMatch(f, headers[i], s, "; ".join(reasons) or None, note)
    unmapped = [h for i, h in enumerate(headers) if i not in taken]
    return matches, unmapped


def file_warnings(headers: list[str]) -> list[FileWarning]:
    """The FILE_WARNINGS some header triggers."""
    return [w for w in FILE_WARNINGS
            if any(re.search(w.regex, t) for h in headers if h for t, _ in match_forms(h))]


# --- reading headers -------------------------------------------------------------------------
def detect_format(path: Path) -> str:
    """The registry format from the file name's extension."""
    try:
        return FORMAT_BY_EXT[path.suffix.lower()]
    except KeyError:
        raise ProposalError(f"{path.name}: unknown extension {path.suffix!r}: expected "
                            f"{', '.join(sorted(FORMAT_BY_EXT))}") from None


@dataclass
class HeaderRead:
    headers: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    first_record: dict[str, Any] | None = None  # JSON only: flattened first record


def decode_prefix(data: bytes) -> tuple[str, str | None]:
    """Text and the `encoding:` option the reader needs (None: UTF-8, the reader's default).
    UTF-16 with a BOM (Excel's "Unicode text") the reader recognises by itself."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
    try:  # a cut multi-byte character at the end of the prefix is not an error
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_csv_header(path: Path, prefix_bytes: int = 1 << 20) -> HeaderRead:
    """The header line and delimiter: among the first 30 lines and the delimiters , ; tab, the
    line and delimiter giving the most recognised headers (then the most columns)."""
    with path.open("rb") as f:
        data = f.read(prefix_bytes)
    if not data.strip():
        raise ProposalError(f"{path.name}: the file is empty")
    text, encoding = decode_prefix(data)
    best: tuple[int, int, int, str, list[str]] | None = None
    for delim in (",", ";", "\t"):
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        for number, row in zip(range(30), rows):
            cells = [c.strip() for c in row]
            key = (recognised(cells), len(cells))
            if best is None or key > best[:2]:
                best = (*key, number, delim, cells)
    assert best is not None
    hits, _, number, delim, cells = best
    if hits < MIN_HEADER_HITS:
        raise ProposalError(f"{path.name}: no header line with at least {MIN_HEADER_HITS} recognisable survey "
                            "columns in the first 30 lines")
    options: dict[str, Any] = {}
    if delim != ",":
        options["delimiter"] = delim
    if encoding:
        options["encoding"] = encoding
    checks = []
    if number:
        checks.append(f"the header is on line {number + 1}, below title lines: the CSV reader expects it on "
                      "line 1; ask the OPD for an export without the title lines (or remove them)")
    while cells and not cells[-1]:
        cells.pop()  # trailing empty columns of a spreadsheet-saved CSV
    return HeaderRead(cells, options, checks)


def read_excel_header(path: Path) -> HeaderRead:
    """The sheet and header row with the most recognised headers in the first 30 rows of each
    worksheet: paper surveys keyed into Excel often have merged title rows above the header,
    and a workbook may lead with an instructions sheet."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine's errors: damaged, encrypted, not a workbook
        raise ProposalError(f"{path.name}: not a readable workbook ({exc})") from exc
    try:
        worksheets = [m.name for m in wb.sheets_metadata
                      if m.typ == python_calamine.SheetTypeEnum.WorkSheet] or list(wb.sheet_names)
        best: tuple[int, int, int, str, list[str]] | None = None
        for order, name in enumerate(worksheets):
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=30)
            for number, row in enumerate(rows[:30]):
                cells = [cell_text(c) or "" for c in row]
                key = (recognised(cells), -order)
                if best is None or key > best[:2]:
                    best = (*key, number, name, cells)
    finally:
        wb.close()
    if best is None or best[0] < MIN_HEADER_HITS:
        raise ProposalError(f"{path.name}: no row with at least {MIN_HEADER_HITS} recognisable survey columns in "
                            f"the first 30 rows of any sheet ({', '.join(worksheets)})")
    _, _, number, name, cells = best
    while cells and not cells[-1]:
        cells.pop()
    options: dict[str, Any] = {}
    if len(worksheets) > 1:  # the reader reads the first worksheet unless told
        options["sheet"] = name
    if number:
        options["header_row"] = number + 1
    return HeaderRead(cells, options)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted paths, as the registry names them ("answers.U1"); a list is a
    value, not a level."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _find_records(doc: Any, path: str = "", depth: int = 0) -> tuple[str, list[dict]] | None:
    """The longest list of objects inside a wrapping object ({"data": {"items": [...]}}) and its
    dotted path: the `record_path` the reader needs."""
    if isinstance(doc, list):
        return (path, doc) if any(isinstance(r, dict) for r in doc) else None
    if not isinstance(doc, dict) or depth > 3:
        return None
    found = [hit for k, v in doc.items() if (hit := _find_records(v, f"{path}.{k}" if path else k, depth + 1))]
    return max(found, key=lambda h: len(h[1]), default=None)


def _json_records(path: Path, text: str, complete: bool) -> tuple[list[dict], dict[str, Any]]:
    """Up to 200 records from the start of the file, and the options the reader needs."""
    stripped = text.lstrip("\ufeff \t\r\n")
    decoder = json.JSONDecoder()
    if stripped.startswith("["):
        records: list[dict] = []
        pos = 1
        while len(records) < 200:
            while pos < len(stripped) and stripped[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(stripped) or stripped[pos] == "]":
                break
            try:
                value, pos = decoder.raw_decode(stripped, pos)
            except json.JSONDecodeError:
                break  # the prefix ended inside a record
            if isinstance(value, dict):
                records.append(value)
        return records, {}
    first_line = stripped.split("\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        first = None
    rest = stripped[len(first_line):].lstrip()
    if isinstance(first, dict) and rest.startswith("{"):  # NDJSON
        records = []
        for line in stripped.splitlines()[:200]:
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                records.append(value)
        return records, {}
    if not complete:
        text = path.read_text(encoding="utf-8-sig")
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ProposalError(f"{path.name}: not JSON ({exc})") from exc
    hit = _find_records(doc)
    if hit is None and isinstance(doc, dict):
        return [doc], {}  # one record alone (the reader reads it as one row)
    if hit is None:
        raise ProposalError(f"{path.name}: no list of records found in the JSON")
    record_path, items = hit
    return [r for r in items[:200] if isinstance(r, dict)], ({"record_path": record_path} if record_path else {})


def read_json_header(path: Path, prefix_bytes: int = 4 << 20) -> HeaderRead:
    """The union of the dotted key paths of the first 200 records (a key absent or null in the
    first record still counts), for a JSON array, NDJSON, or records under a wrapping key."""
    with path.open("rb") as f:
        data = f.read(prefix_bytes + 1)
    complete = len(data) <= prefix_bytes
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(data[:prefix_bytes], final=complete)
    records, options = _json_records(path, text, complete)
    if not records:
        raise ProposalError(f"{path.name}: no JSON records found")
    headers: dict[str, None] = {}
    for r in records:
        headers.update(dict.fromkeys(flatten(r)))
    return HeaderRead(list(headers), options, first_record=flatten(records[0]))


READ_HEADER = {"csv": read_csv_header, "xlsx": read_excel_header, "json": read_json_header}

# A timestamp's UTC offset -> the registry time zone; a naive timestamp says nothing.
OFFSET_ZONES = {"z": "UTC", "+00:00": "UTC", "+0000": "UTC", "+07:00": "Asia/Jakarta", "+08:00": "Asia/Makassar",
                "+09:00": "Asia/Jayapura"}


def guess_timezone(read: HeaderRead, matches: dict[str, FieldMatch]) -> tuple[str | None, str]:
    """A JSON timestamp that carries its offset names the zone; anything else must be checked
    (Google Forms writes the form owner's time zone, a keyed-in sheet the office's)."""
    m = matches.get("submitted_at")
    value = (read.first_record or {}).get(m.header) if m else None
    if isinstance(value, str):
        for suffix, zone in OFFSET_ZONES.items():
            if value.lower().endswith(suffix):
                return zone, f"the timestamps end in '{value[-len(suffix):]}'"
    return None, "the time zone the export writes its times in (WITA assumed)"


def propose_date_format(path: Path, fmt: str, columns: dict[str, str], options: dict[str, Any],
                        template: bool) -> tuple[str | None, str | None, bool]:
    """(date_format, why, sure): the file read by the real reader and its dates judged by the real
    rule (pipelines/ingest/dates.py), so the proposal never promises an order the loader would
    refuse. Dates that cannot tell their order are proposed from the header where it is certain
    (Google's Indonesian 'Stempel waktu' is day first), else marked for a person."""
    import duckdb

    from pipelines.ingest import dates
    from pipelines.ingest.loader import decide_dates, map_columns
    from pipelines.ingest.readers import READERS, FileProblem
    from pipelines.registry import READER_OPTIONS, TEMPLATE_FIELDS, Source

    cols = {f: f for f in TEMPLATE_FIELDS} if template else columns
    if any(f not in cols for f in REQUIRED_FIELDS):
        return None, None, True  # the entry is not complete yet: nothing to read the dates with
    source = Source(code="proposal", opd_kode="X", opd_nama="X", format=fmt, landing="proposal", timezone="UTC",
                    columns=cols, sheet=options.get("sheet"),
                    options={k: options[k] for k in READER_OPTIONS if k in options})
    con = duckdb.connect()
    try:
        raw = READERS[fmt](con, source, path, "proposal_raw")
        try:
            decision = decide_dates(con, source, raw, map_columns(source, raw))
        finally:
            for t in raw.temp_files:
                t.unlink(missing_ok=True)
    except FileProblem as exc:
        text = str(exc)
        if "cannot be told" not in text and "contradict" not in text:
            return None, None, True  # another file problem: check-source will name it
        header = normalise_header(cols["submitted_at"])
        if header == "stempel waktu" and "cannot be told" in text:
            return dates.DAY_FIRST, "a Google Forms download from an Indonesian account (Stempel waktu)", True
        return dates.DAY_FIRST, ("the dates cannot tell day/month from month/day (or contradict each other): "
                                 "day_first for Indonesian exports; a Google Forms 'Timestamp' from a US account "
                                 "is month_first"), False
    finally:
        con.close()
    if decision.order:
        return decision.order, decision.evidence, True
    return None, None, True


def _slug(text: str) -> str:
    """A registry code from a file name: lower case, periode and dates dropped."""
    s = re.sub(r"(19|20)\d\d[-_ ]?(s[12]|\d\d([-_]?\d\d)?)?", " ", text.lower())
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "sumber_baru"


def is_template(headers: list[str]) -> bool:
    """The standard import template: every header a template field's own name, all required
    fields present. Such a source needs no `columns:` at all."""
    names = [normalise_header(h) for h in headers if h]
    return bool(names) and set(names) <= set(TEMPLATE_FIELDS) and set(REQUIRED_FIELDS) <= set(names)


def propose_entry(path: Path, code: str | None = None) -> Proposal:
    """A draft registry entry for the export at `path`, read from its header alone."""
    path = Path(path)
    if not path.is_file():
        raise ProposalError(f"{path}: no such file")
    fmt = detect_format(path)
    read = READ_HEADER[fmt](path)
    is_json = fmt == "json"
    matches, unmapped = assign(read.headers, is_json)
    missing = [f for f in REQUIRED_FIELDS if f not in matches]
    warnings = file_warnings(read.headers)
    checks = [*read.checks, *(w.message for w in warnings)]
    if any(w.distrust_numbers for w in warnings):  # a positional U1-U7 note becomes a CHECK
        matches = {f: (FieldMatch(f, m.header, m.confidence, m.unsure or m.note, None) if m.note else m)
                   for f, m in matches.items()}
    zone, zone_why = guess_timezone(read, matches)
    template = is_template(read.headers) and not missing
    date_format, date_why, date_sure = propose_date_format(
        path, fmt, {f: m.header for f, m in matches.items()}, read.options, template)
    return Proposal(
        path=path,
        code=code or _slug(path.stem),
        code_guessed=code is None,
        format=fmt,
        headers=read.headers,
        matches=matches,
        missing=missing,
        unmapped=unmapped,
        options=read.options,
        timezone=zone,
        timezone_why=zone_why,
        date_format=date_format,
        date_why=date_why,
        date_sure=date_sure,
        template=template,
        checks=checks,
    )


# --- the YAML text ---------------------------------------------------------------------------
def yaml_scalar(value: object) -> str:
    """A value as YAML: plain where it reads back as the same string, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    try:
        if text and yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def _line(indent: int, key: str, value: object, comment: str | None = None) -> str:
    text = f"{' ' * indent}{key}: {yaml_scalar(value)}"
    return f"{text}  # {comment}" if comment else text


def fill(what: str) -> str:
    """A placeholder value: valid YAML, obviously not data."""
    return f"<FILL: {what}>"


def render_yaml(proposal: Proposal) -> str:
    """The entry as YAML text to paste under `sources:`, comments saying what to fill in
    (`# FILL:`) and what to check (`# CHECK:`)."""
    p = proposal
    out = [f"  # proposed from {p.path.name} by pipelines.ingest.propose: fill in every FILL, "
           "confirm every CHECK"]
    out += [f"  # CHECK: {c}" for c in p.checks]
    out.append(f"  - code: {p.code}" + ("  # CHECK: guessed from the file name" if p.code_guessed else ""))
    out.append(_line(4, "opd_kode", fill("OPD code, e.g. DPMPTSP"), "FILL: the OPD's code as in the marts"))
    out.append(_line(4, "opd_nama", fill("OPD name"), "FILL: the OPD's full name"))
    out.append(_line(4, "format", p.format))
    out.append(_line(4, "landing", f"raw/{p.code}", "FILL: the folder its files land in (raw/<code> by convention)"))
    if p.timezone:
        out.append(_line(4, "timezone", p.timezone, f"detected: {p.timezone_why}"))
    else:
        out.append(_line(4, "timezone", "Asia/Makassar", f"CHECK: {p.timezone_why}"))
    for key in ("sheet", "header_row", "delimiter", "encoding", "record_path"):
        if key in p.options:
            out.append(_line(4, key, p.options[key], _option_comment(key, p.options[key])))
    if p.date_format:
        out.append(_line(4, "date_format", p.date_format, ("" if p.date_sure else "CHECK: ") + (p.date_why or "")))
    out.append(_line(4, "description", fill("what the export is: app, form, paper keyed in"),
                     "FILL: one line for the next engineer"))
    if p.template:
        out.append("    template: true  # the headers are the standard template's field names")
        return "\n".join(out) + "\n"
    out.append("    columns:")
    for fld, header in p.columns.items():
        m = p.matches[fld]
        comment = f"CHECK: {m.unsure}" if m.unsure else (m.note if m.note else None)
        if fld in PII_FIELDS:
            comment = (comment + "; " if comment else "") + "personal data: hashed, never loaded"
        out.append(_line(6, fld, header, comment))
    for fld in p.missing:
        out.append(_line(6, fld, fill(f"header of {fld}"), f"CHECK: required, no column found for {fld}"))
    if p.unmapped:
        out.append("      # not mapped, so not loaded: " + ", ".join(json.dumps(h, ensure_ascii=False)
                                                                 for h in p.unmapped))
    return "\n".join(out) + "\n"


def _option_comment(key: str, value: object) -> str:
    return {
        "sheet": "the workbook has several sheets; the header was found on this one",
        "header_row": f"the header is on row {value}, below title rows",
        "delimiter": "detected from the header line",
        "encoding": "not UTF-8: as Excel on Windows saves CSV",
        "record_path": "the records are under this key",
    }[key]


def main(argv: list[str] | None = None) -> int:
    """`python -m pipelines.ingest.propose FILE [--code CODE]`: print the proposed entry."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.ingest.propose",
                                     description="Propose a data/sources.yml entry from one OPD export file.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--code", help="the source code (default: from the file name)")
    args = parser.parse_args(argv)
    try:
        proposal = propose_entry(args.file, args.code)
    except ProposalError as exc:
        print(f"Cannot propose an entry: {exc}", file=sys.stderr)
        return 2
    print(render_yaml(proposal), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
