"""Real export shapes, written by the tests (our own content): each with its registry entry, its
expected survey times (WITA) and answers, so that the index can be computed by hand.

- Google Forms download, Indonesian account: 'Stempel waktu', day first ("6/8/2025 9:07:13");
- Google Forms download, US account: 'Timestamp', month first ("8/6/2025 9:07:13");
- a ';'-separated Windows-1252 CSV, numbered question headers, labels in five styles, dates as
  "06-08-2025 09.07" and two-digit years;
- an NDJSON app dump in UTC ("2025-08-06T01:07:13Z"), answers nested;
- an Excel workbook: two merged title rows, date cells and Excel serial numbers in one column,
  answers stored as text, a second sheet of formulas.

Every fixture holds the same ten survey times of 2025-S2. Most are ambiguous (both fields 12 or
less): read in the wrong order, 8/6 falls in June (periode_mismatch) and 9/10 becomes 10 September
instead of 9 October - in the same semester, silently misdated. A few prove the order.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pipelines.settings import UNSUR_KEYS

PERIODE = "2025-S2"
WITA = dt.timezone(dt.timedelta(hours=8))
TIMES = [dt.datetime(*t) for t in [
    (2025, 8, 6, 9, 7, 13), (2025, 8, 16, 10, 15, 0), (2025, 9, 10, 11, 0, 5), (2025, 10, 9, 8, 30, 0),
    (2025, 11, 7, 14, 45, 59), (2025, 7, 12, 7, 5, 9), (2025, 12, 1, 16, 0, 0), (2025, 7, 25, 13, 13, 13),
    (2025, 10, 31, 9, 59, 59), (2025, 12, 11, 10, 10, 10),
]]
# nine answers (1-4) per row, varied per unsur so that a wrong column shows in the index
ANSWERS = [[(i + j) % 4 + 1 if (i * j) % 5 else 4 for j in range(9)] for i in range(len(TIMES))]
LABELS = {1: "Tidak Baik", 2: "Kurang Baik", 3: "Baik", 4: "Sangat Baik"}
QUESTIONS = {
    "persyaratan": "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "prosedur": "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "waktu": "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "biaya": "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "produk": "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan?",
    "kompetensi": "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "perilaku": "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "sarana": "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
    "pengaduan": "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
}


def nilai_ikm(answers: list[list[int]]) -> Decimal:
    """PermenPANRB 14/2017 by hand: NRR per unsur = mean of its answers; IKM = sum of NRR x 1/9;
    Nilai IKM = IKM x 25, rounded half up to 2 decimals."""
    nrr = [Decimal(sum(a[j] for a in answers)) / len(answers) for j in range(9)]
    return (sum(nrr) / 9 * 25).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Export:
    code: str
    opd_kode: str
    entry: dict  # the registry entry, without code/opd_kode/opd_nama/landing
    file_name: str

    def registry_entry(self) -> dict:
        return {"code": self.code, "opd_kode": self.opd_kode, "opd_nama": f"OPD {self.opd_kode}",
                "landing": f"raw/{self.code}", **self.entry}

    def path(self, data_dir: Path) -> Path:
        return data_dir / "raw" / self.code / PERIODE / self.file_name


def _no_pad(t: dt.datetime, day_first: bool) -> str:
    a, b = (t.day, t.month) if day_first else (t.month, t.day)
    return f"{a}/{b}/{t.year} {t.hour}:{t.minute:02d}:{t.second:02d}"


def _gforms(path: Path, stamp: str, day_first: bool, numbers: bool) -> None:
    header = [stamp, "Jenis Layanan", *QUESTIONS.values(), "Saran dan Masukan"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for t, a in zip(TIMES, ANSWERS):
            w.writerow([_no_pad(t, day_first), "Izin Usaha", *(str(v) if numbers else LABELS[v] for v in a),
                        "Pelayanan baik"])


GFORMS_COLUMNS = {"jenis_layanan": "Jenis Layanan", **QUESTIONS, "saran": "Saran dan Masukan"}
GFORMS_ID = Export("qr_form_id", "KEC-BU", {"format": "csv", "columns": {"submitted_at": "Stempel waktu",
                                                                         **GFORMS_COLUMNS}}, "Formulir SKM.csv")
GFORMS_US = Export("qr_form_us", "DISPAR", {"format": "csv", "columns": {"submitted_at": "Timestamp",
                                                                         **GFORMS_COLUMNS}}, "SKM (Responses).csv")

STYLES = [lambda v: str(v), lambda v: LABELS[v], lambda v: LABELS[v].upper(), lambda v: f"{v} - {LABELS[v]}",
          lambda v: f"  {LABELS[v].lower()} "]
SEMICOLON = Export("dinsos_excel_csv", "DINSOS", {"format": "csv", "columns": {
    "submitted_at": "Tanggal", "jenis_layanan": "Layanan",
    **{k: f"{i}. {k.capitalize()}" for i, k in enumerate(UNSUR_KEYS, 1)}, "saran": "Saran"}}, "rekap.csv")


def _semicolon(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ["Tanggal", "Layanan", *(f"{i}. {k.capitalize()}" for i, k in enumerate(UNSUR_KEYS, 1)), "Saran"]
    lines = [";".join(header)]
    for i, (t, a) in enumerate(zip(TIMES, ANSWERS)):
        year = f"{t.year % 100:02d}" if i % 3 == 0 else str(t.year)  # two-digit years in some rows
        when = f"{t.day:02d}-{t.month:02d}-{year} {t.hour:02d}.{t.minute:02d}.{t.second:02d}"
        answers = [STYLES[(i + j) % 5](v) for j, v in enumerate(a)]
        lines.append(";".join([when, "Bantuan Sosial", *answers, "Terima kasih \u2013 caf\u00e9 ruang tunggu"]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


NDJSON = Export("diskominfo_app", "DISKOMINFO", {"format": "json", "timezone": "UTC", "columns": {
    "submission_id": "id", "submitted_at": "created_at", "jenis_layanan": "service",
    **{k: f"answers.U{i}" for i, k in enumerate(UNSUR_KEYS, 1)}}}, "dump.ndjson")


def _ndjson(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for i, (t, a) in enumerate(zip(TIMES, ANSWERS)):
            utc = t.replace(tzinfo=WITA).astimezone(dt.UTC)
            rec = {"id": f"app-{i}", "created_at": utc.strftime("%Y-%m-%dT%H:%M:%SZ"), "service": "Aduan Online",
                   "answers": {f"U{j}": v for j, v in enumerate(a, 1)}}
            f.write(json.dumps(rec) + "\n")


EXCEL = Export("bapenda_paper", "BAPENDA", {"format": "xlsx", "sheet": "Data", "columns": {
    "submitted_at": "Tanggal", "jenis_layanan": "Jenis Layanan",
    **{k: f"U{i}" for i, k in enumerate(UNSUR_KEYS, 1)}}}, "rekap skm.xlsx")


def _excel(path: Path) -> None:
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "REKAP SURVEI KEPUASAN MASYARAKAT"
    ws.merge_cells("A1:K1")
    ws["A2"] = "Badan Pendapatan Daerah - Semester II 2025"
    ws.merge_cells("A2:K2")
    ws.append(["Tanggal", "Jenis Layanan", *(f"U{i}" for i in range(1, 10))])
    for i, (t, a) in enumerate(zip(TIMES, ANSWERS)):
        # a date cell in most rows; an Excel serial number (a General-format cell) in some
        when: object = t
        if i % 4 == 1:
            when = (t - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        ws.append([when, "PBB", *(str(v) for v in a)])  # answers stored as text
    rekap = wb.create_sheet("Rekap")
    rekap["A1"] = "Rata-rata U1"
    rekap["B1"] = "=AVERAGE(Data!C4:C13)"
    wb.save(path)


WRITERS = {GFORMS_ID.code: lambda p: _gforms(p, "Stempel waktu", True, False),
           GFORMS_US.code: lambda p: _gforms(p, "Timestamp", False, True),
           SEMICOLON.code: _semicolon, NDJSON.code: _ndjson, EXCEL.code: _excel}
EXPORTS = [GFORMS_ID, GFORMS_US, SEMICOLON, NDJSON, EXCEL]


def write_estate(data_dir: Path, exports: list[Export] = EXPORTS) -> Path:
    """A data folder with a registry of these exports only and each export landed in 2025-S2."""
    import yaml

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "sources.yml").write_text(
        yaml.safe_dump({"sources": [e.registry_entry() for e in exports]}, sort_keys=False, allow_unicode=True),
        encoding="utf-8")
    for e in exports:
        WRITERS[e.code](e.path(data_dir))
    return data_dir
