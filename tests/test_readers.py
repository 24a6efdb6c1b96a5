"""The format readers never drop or misread a value silently: each case builds a real file in
tmp_path, goes through the real ``loader.ingest()`` and checks the lake rows or the file's status
and message (see pipelines/ingest/readers.py)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipelines.ingest.loader import ingest
from pipelines.ingest.readers import FORMULA_MARK
from pipelines.registry import load_registry
from tests.test_ingest_loader import BY_CODE, REGISTRY, _web_rows, files_log, lake_rows, run, write_web_csv

RSUD = BY_CODE["rsud_paper"]
RSUD_HEADERS = list(RSUD.columns.values())  # Tanggal, Unit Layanan, U1 ... U9, L/P, Usia, ...
LAKE = "warehouse/raw"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


def rsud_rows() -> list[list[object]]:
    return [
        [dt.datetime(2025, 2, 3, 9, 30), "Poli Umum", 4, 3, 3, 4, 4, 3, 4, 2, 1, "P", 41, "SMA/SMK", "Swasta", None],
        [dt.datetime(2025, 2, 4), "IGD", "3", 3, 3.0, 4, 4, 3, 4, 2, 1, "L", "034", "D4/S1", "PNS", "ok"],
        [dt.datetime(2025, 2, 5), "Farmasi", 4, 4, 4, 4, 4, 4, 4, 4, 4, "L", 50, "SMP", "Swasta", "cepat"],
    ]


def rsud_workbook(rows: list[list[object]], headers: list[str] | None = None) -> openpyxl.Workbook:
    """The RSUD paper-survey recap: two title rows and a blank row above the header, a 'No' column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RSUD.sheet
    ws.append(["REKAP SURVEI KEPUASAN MASYARAKAT"])
    ws.append(["RSUD Taman Husada Bontang"])
    ws.append([])
    ws.append(["No", *(headers or RSUD_HEADERS)])
    for i, r in enumerate(rows, 1):
        ws.append([i, *r])
    return wb


def landed(data_dir: Path, source: str, name: str) -> Path:
    path = data_dir / "raw" / source / "2025-S1" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def log_of(data_dir: Path, key: str) -> dict:
    return files_log(data_dir / LAKE)[key]


# --- 1. Excel formulas -----------------------------------------------------------------------------
def _give_cached_value(path: Path, cell: str, value: str, error: bool = False) -> None:
    """openpyxl writes a formula with an empty <v/>; give one formula the value Excel would have
    saved (an error value such as #N/A with error=True)."""
    src = zipfile.ZipFile(path)
    parts = {n: src.read(n) for n in src.namelist()}
    src.close()
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>', rf"\g<1><v>{value}</v>", xml)
    assert n == 1, xml
    if error:
        xml = xml.replace(f'<c r="{cell}"', f'<c r="{cell}" t="e"')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_excel_formula_cells_use_their_saved_value_and_an_unsaved_one_is_marked_never_blank(data_dir: Path):
    rows = rsud_rows()
    # columns: A No, B Tanggal, C Unit Layanan, D U1 ... L U9; data rows are sheet rows 5, 6, 7
    rows[0][3] = "=D5"  # U2 (column E) of data row 1: a formula, saved value 4 (given below)
    rows[1][4] = "=E6"  # U3 (column F) of data row 2: a formula without a saved value
    rows[2][1] = '=IF(D7=4,"Farmasi","")'  # Unit Layanan (column C) of data row 3: no saved value
    rows[2][6] = "=NA()"  # U5 (column H) of data row 3: saved value the error #N/A (calamine: empty)
    path = landed(data_dir, "rsud_paper", "rekap.xlsx")
    wb = rsud_workbook(rows)
    wb.active["R5"] = "=SUM(D5:L5)"  # a formula in a column without a header: never read, no matter
    wb.save(path)
    _give_cached_value(path, "E5", "4")
    _give_cached_value(path, "H7", "#N/A", error=True)
    run(data_dir)
    log = log_of(data_dir, "rsud_paper/2025-S1/rekap.xlsx")
    assert (log["status"], log["rows_read"], log["message"]) == ("loaded", 3, None)
    got = [(r["row_number"], r["submitted_at"], r["jenis_layanan"], r["u_persyaratan"], r["u_prosedur"],
            r["u_waktu"], r["u_produk"], r["usia"]) for r in lake_rows(data_dir / LAKE)]
    assert got == [
        (1, "2025-02-03 09:30:00", "Poli Umum", "4", "4", "3", "4", "41"),
        (2, "2025-02-04", "IGD", "3", "3", f"{FORMULA_MARK} F6 =E6", "4", "034"),  # '034' stays text
        (3, "2025-02-05", f'{FORMULA_MARK} C7 =IF(D7=4,"Farmasi","")', "4", "4", "4", "#N/A", "50"),
    ]


@pytest.mark.slow
def test_a_formula_without_value_quarantines_its_row_naming_file_row_field_cell_and_formula(data_dir: Path):
    from tests.lake_fixtures import query, run_dbt

    rows = rsud_rows()
    rows[1][4] = "=E6"
    rows[2][1] = '=IF(D7=4,"Farmasi","")'
    path = landed(data_dir, "rsud_paper", "rekap.xlsx")
    rsud_workbook(rows).save(path)
    run(data_dir)
    res = run_dbt(data_dir)
    assert res.returncode == 0, res.stdout[-6000:]
    got = query(data_dir, "SELECT row_number, field, raw_value, reason_code, reason FROM marts.quarantine "
                          "ORDER BY row_number, field")
    assert [(r["row_number"], r["field"], r["raw_value"], r["reason_code"]) for r in got] == [
        (2, "waktu", "=E6", "formula_without_value"),
        (3, "jenis_layanan", '=IF(D7=4,"Farmasi","")', "formula_without_value"),
    ]
    assert got[0]["reason"] == (
        'File 2025-S1/rekap.xlsx (source rsud_paper), row 2, field waktu, value "=E6": a formula cell with no '
        "saved value in the workbook, so no value to read (never taken as a blank) (cell F6 holds a formula "
        "with no saved value (the workbook was written by a program that does not calculate): open it in "
        "Excel, save it and land it again).")
    rec = query(data_dir, "SELECT rows_read, rows_used, rows_quarantined, is_balanced FROM marts.reconciliation "
                          "WHERE file_name = '2025-S1/rekap.xlsx'")
    assert rec == [{"rows_read": 3, "rows_used": 1, "rows_quarantined": 2, "is_balanced": True}]


# --- 2. legacy .xls --------------------------------------------------------------------------------
def test_a_legacy_xls_in_an_excel_source_is_read_like_xlsx(data_dir: Path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    book.add_sheet("Catatan").write(0, 0, "lembar lain dulu")  # the registry's sheet is not the first
    ws = book.add_sheet(RSUD.sheet)
    ws.write(0, 0, "REKAP SURVEI KEPUASAN MASYARAKAT")
    for c, h in enumerate(["No", *RSUD_HEADERS]):
        ws.write(2, c, h)
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for r, row in enumerate(rsud_rows(), start=3):
        ws.write(r, 0, r - 2)
        for c, v in enumerate(row, start=1):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, dates)
            elif v is not None:
                ws.write(r, c, float(v) if isinstance(v, int) else v)
    path = landed(data_dir, "rsud_paper", "rekap lama.xls")
    book.save(str(path))
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    run(data_dir)
    log = log_of(data_dir, "rsud_paper/2025-S1/rekap lama.xls")
    assert (log["status"], log["rows_read"]) == ("loaded", 3)
    got = [(r["row_number"], r["submitted_at"], r["jenis_layanan"], r["u_persyaratan"], r["u_waktu"],
            r["usia"], r["saran"]) for r in lake_rows(data_dir / LAKE)]
    assert got == [
        (1, "2025-02-03 09:30:00", "Poli Umum", "4", "3", "41", None),
        (2, "2025-02-04", "IGD", "3", "3", "034", "ok"),
        (3, "2025-02-05", "Farmasi", "4", "4", "50", "cepat"),
    ]


# --- 3. password-protected workbook ---------------------------------------------------------------
def test_a_password_protected_workbook_is_named_as_such(data_dir: Path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    rsud_workbook(rsud_rows()).save(plain)
    plain.seek(0)
    path = landed(data_dir, "rsud_paper", "rekap terkunci.xlsx")
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("rahasia", out)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE2 compound file, like .xls
    # the same encrypted bytes landed in a CSV source by mistake
    (landed(data_dir, "dpmptsp_web", "rekap.csv")).write_bytes(path.read_bytes())
    run(data_dir)
    advice = ("a password-protected (encrypted) Excel workbook: remove the password (in Excel: File > Info > "
              "Protect Workbook > Encrypt with Password, clear the password and save) and land it again")
    log = log_of(data_dir, "rsud_paper/2025-S1/rekap terkunci.xlsx")
    assert (log["status"], log["message"]) == ("error", f"raw/rsud_paper/2025-S1/rekap terkunci.xlsx: {advice}")
    log = log_of(data_dir, "dpmptsp_web/2025-S1/rekap.csv")
    assert (log["status"], log["message"]) == ("error", f"raw/dpmptsp_web/2025-S1/rekap.csv: {advice}")


# --- 4. duplicated headers -------------------------------------------------------------------------
def test_a_mapped_header_on_two_csv_columns_is_refused_naming_both(data_dir: Path):
    headers = list(BY_CODE["dpmptsp_web"].columns.values()) + ["jenis layanan", "Catatan", "Catatan"]
    rows = [r + ["Izin Reklame", "a", "b"] for r in _web_rows(2)]
    write_web_csv(landed(data_dir, "dpmptsp_web", "dua layanan.csv"), rows, headers=headers)
    # an unmapped header twice is no problem
    write_web_csv(landed(data_dir, "dpmptsp_web", "dua catatan.csv"), [r + ["a", "b"] for r in _web_rows(2)],
                  headers=list(BY_CODE["dpmptsp_web"].columns.values()) + ["Catatan", "Catatan"])
    run(data_dir)
    log = log_of(data_dir, "dpmptsp_web/2025-S1/dua layanan.csv")
    assert (log["status"], log["message"]) == ("error", (
        "raw/dpmptsp_web/2025-S1/dua layanan.csv: duplicated column header: 'Jenis Layanan' (jenis_layanan) is "
        "the header of column 2 ('Jenis Layanan') and column 19 ('jenis layanan'): delete or rename the extra "
        "column and land the file again"))
    log = log_of(data_dir, "dpmptsp_web/2025-S1/dua catatan.csv")
    assert (log["status"], log["rows_read"]) == ("loaded", 2)


def test_a_mapped_header_on_two_excel_columns_is_refused_naming_both_letters(data_dir: Path):
    headers = RSUD_HEADERS[:4] + ["3. U3 Waktu Pelayanan"] + RSUD_HEADERS[4:]  # U3 on F and G
    rows = [r[:4] + [1] + r[4:] for r in rsud_rows()]
    rsud_workbook(rows, headers).save(landed(data_dir, "rsud_paper", "dua u3.xlsx"))
    rsud_workbook([r + ["x", "y"] for r in rsud_rows()], RSUD_HEADERS + ["Catatan", "Catatan"]).save(
        landed(data_dir, "rsud_paper", "dua catatan.xlsx"))
    run(data_dir)
    log = log_of(data_dir, "rsud_paper/2025-S1/dua u3.xlsx")
    assert (log["status"], log["message"]) == ("error", (
        "raw/rsud_paper/2025-S1/dua u3.xlsx: duplicated column header: 'U3 Waktu Pelayanan' (waktu) is the "
        "header of column F ('3. U3 Waktu Pelayanan') and column G ('U3 Waktu Pelayanan'): delete or rename "
        "the extra column and land the file again"))
    log = log_of(data_dir, "rsud_paper/2025-S1/dua catatan.xlsx")
    assert (log["status"], log["rows_read"]) == ("loaded", 3)
    assert [r["u_waktu"] for r in lake_rows(data_dir / LAKE)] == ["3", "3", "4"]


# --- 5. UTF-16 "Unicode text" ----------------------------------------------------------------------
def test_an_excel_unicode_text_export_utf16_tab_separated_is_read(data_dir: Path):
    rows = _web_rows(3)
    rows[0][-3] = "Petugas ramah – antrean cepat, “terima kasih” ✓"
    rows[1][1] = "Izin Mendirikan Bangunan (PBG)"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(BY_CODE["dpmptsp_web"].columns.values())
    w.writerows(rows)
    landed(data_dir, "dpmptsp_web", "unicode.txt").write_bytes(buf.getvalue().encode("utf-16"))  # LE + BOM
    assert (data_dir / "raw/dpmptsp_web/2025-S1/unicode.txt").read_bytes()[:2] == b"\xff\xfe"
    run(data_dir)
    log = log_of(data_dir, "dpmptsp_web/2025-S1/unicode.txt")
    assert (log["status"], log["rows_read"]) == ("loaded", 3)
    got = lake_rows(data_dir / LAKE)
    assert got[0]["saran"] == "Petugas ramah – antrean cepat, “terima kasih” ✓"
    assert got[1]["jenis_layanan"] == "Izin Mendirikan Bangunan (PBG)"
    assert got[2]["saran"] == 'bagus, "sekali"\nbaris dua 2'
    assert [r["u_pengaduan"] for r in got] == ["Sangat sesuai"] * 3


# --- 6. JSON wrapped in an object ------------------------------------------------------------------
def kiosk_records(n: int) -> list[dict]:
    return [
        {"id": f"DKC-{i}", "device": "KIOSK-01", "created_at": "2025-03-05T02:15:22Z", "service": "KTP-el",
         "answers": {f"U{u}": (4 if u != 8 else 2) for u in range(1, 10)},
         "respondent": {"gender": "P", "age": 30, "education": "SMA", "occupation": "PNS"}, "comment": None}
        for i in range(n)
    ]


def kiosk_registry(tmp_path: Path, record_path: str | None) -> list:
    """The kiosk's registry entry, as YAML, with or without record_path."""
    import yaml

    entry = copy.deepcopy(yaml.safe_load((Path(__file__).parents[1] / "data/sources.yml").read_text(encoding="utf-8")))
    kiosk = next(s for s in entry["sources"] if s["code"] == "disdukcapil_kiosk")
    if record_path:
        kiosk["record_path"] = record_path
    (tmp_path / "sources.yml").write_text(yaml.safe_dump({"sources": [kiosk]}), encoding="utf-8")
    return load_registry(tmp_path / "sources.yml")


def test_json_records_wrapped_in_an_object_are_read_with_record_path(data_dir: Path):
    registry = kiosk_registry(data_dir, "result.items")
    assert registry[0].options["record_path"] == "result.items"
    doc = {"result": {"items": kiosk_records(3), "count": 3}, "meta": {"page": 1, "pages": 1}}
    landed(data_dir, "disdukcapil_kiosk", "api.json").write_text(json.dumps(doc))
    ingest(registry, data_dir, data_dir / LAKE, key="s")
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/api.json")
    assert (log["status"], log["rows_read"]) == ("loaded", 3)
    assert [(r["row_number"], r["submission_id"], r["u_sarana"], r["usia"]) for r in lake_rows(data_dir / LAKE)] == [
        (1, "DKC-0", "2", "30"), (2, "DKC-1", "2", "30"), (3, "DKC-2", "2", "30")]


def test_a_wrapped_json_without_record_path_is_refused_saying_which_key_to_set(data_dir: Path):
    registry = kiosk_registry(data_dir, None)
    landed(data_dir, "disdukcapil_kiosk", "api.json").write_text(
        json.dumps({"meta": {"page": 1}, "data": kiosk_records(120)}))
    ingest(registry, data_dir, data_dir / LAKE, key="s")
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/api.json")
    assert (log["status"], log["message"]) == ("error", (
        "raw/disdukcapil_kiosk/2025-S1/api.json: a JSON object wrapping the records under 'data' (a list of "
        "120 objects), not a list of records: set `record_path: data` in the registry entry"))


def test_a_record_path_the_file_does_not_have_is_named(data_dir: Path):
    registry = kiosk_registry(data_dir, "data")
    landed(data_dir, "disdukcapil_kiosk", "api.json").write_text(json.dumps({"items": kiosk_records(2)}))
    ingest(registry, data_dir, data_dir / LAKE, key="s")
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/api.json")
    assert (log["status"], log["message"]) == ("error", (
        "raw/disdukcapil_kiosk/2025-S1/api.json: `record_path: data` from the registry is not in the file, which "
        "is a JSON object with the keys items: correct `record_path` in the registry entry"))


def big_kiosk_array(n: int) -> str:
    """n kiosk records as one JSON array (n=125 000: about 37 MB), written fast: one record's text
    repeated with its id changed."""
    one = json.dumps(kiosk_records(1)[0])
    return "[" + ", ".join(one.replace('"DKC-0"', f'"DKC-{i}"') for i in range(n)) + "]"


def test_a_large_json_array_is_streamed_within_a_small_memory_limit(data_dir: Path):
    """A kiosk's JSON array export over 16 MB is read element by element (read_json format 'array').
    The old reader read every file over 16 MB as one value (maximum_object_size as large as the
    file) and needed several times the file's size: this 37 MB file ran out of memory under a
    200 MB limit ("failed to allocate data of size 64.0 MiB"), as a 61 MB export did at 10 M rows."""
    text = big_kiosk_array(125_000)
    assert len(text) > 35 * 1024 * 1024
    landed(data_dir, "disdukcapil_kiosk", "dump.json").write_text(text)
    ingest(REGISTRY, data_dir, data_dir / LAKE, key="s", workers=1, memory_limit="200MB")
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/dump.json")
    assert (log["status"], log["rows_read"]) == ("loaded", 125_000), log


def test_a_large_object_wrapping_the_records_is_refused_naming_record_path(data_dir: Path):
    """One JSON value larger than a record can be (16 MB) is never loaded whole without the
    registry saying where its records are: refused, naming the key to set."""
    records = big_kiosk_array(60_000)
    landed(data_dir, "disdukcapil_kiosk", "api.json").write_text(
        '{"meta": {"page": 1, "pages": 1}, "data": ' + records + "}")
    ingest(kiosk_registry(data_dir, None), data_dir, data_dir / LAKE, key="s", workers=1, memory_limit="200MB")
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/api.json")
    assert log["status"] == "error"
    assert log["message"] == (
        "raw/disdukcapil_kiosk/2025-S1/api.json: one JSON value of 17 MB, not a list of records (a record can be "
        "at most 16 MB): if it wraps the records in an object (an API response), set `record_path: data` in the "
        "registry entry (the list under 'data'); else export it again as a JSON array of records (or one record "
        "per line) and land it again")


def test_a_large_object_with_its_record_path_is_read(data_dir: Path):
    """With `record_path` the file is one value by the registry's word: read as large as it is."""
    records = big_kiosk_array(60_000)
    landed(data_dir, "disdukcapil_kiosk", "api.json").write_text('{"meta": {"page": 1}, "data": ' + records + "}")
    ingest(kiosk_registry(data_dir, "data"), data_dir, data_dir / LAKE, key="s", workers=1)
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/api.json")
    assert (log["status"], log["rows_read"]) == ("loaded", 60_000), log


# --- 7. every file-level message says what the file is and what to do -----------------------------
def test_a_file_of_another_kind_is_named_with_what_to_do(data_dir: Path):
    xlsx = landed(data_dir, "dpmptsp_web", "ekspor.csv")
    rsud_workbook(rsud_rows()).save(xlsx)  # an .xlsx saved under a .csv name
    with zipfile.ZipFile(landed(data_dir, "rsud_paper", "kiriman.xlsx"), "w") as z:
        z.writestr("rekap/foto.jpg", b"\xff\xd8\xff")  # a ZIP of photos in an Excel source
    landed(data_dir, "rsud_paper", "scan.xlsx").write_text("this is a scanned letter, not a spreadsheet")
    landed(data_dir, "disdukcapil_kiosk", "laporan.json").write_bytes(b"%PDF-1.7\n...")
    run(data_dir)
    log = files_log(data_dir / LAKE)
    assert log["dpmptsp_web/2025-S1/ekspor.csv"]["message"] == (
        "raw/dpmptsp_web/2025-S1/ekspor.csv: an Excel .xlsx workbook, not a CSV file: save it as CSV "
        "(File > Save As > CSV UTF-8) and land that, or register the source with `format: xlsx`")
    assert log["rsud_paper/2025-S1/kiriman.xlsx"]["message"] == (
        "raw/rsud_paper/2025-S1/kiriman.xlsx: not a readable Excel workbook: a ZIP archive, not a spreadsheet: "
        "land the Excel export itself (.xlsx or .xls)")
    assert log["rsud_paper/2025-S1/scan.xlsx"]["message"] == (
        "raw/rsud_paper/2025-S1/scan.xlsx: not a readable Excel workbook: a text file (starting 'this is a "
        "scanned letter, not a spreadsheet'), not a spreadsheet: land the Excel export itself (.xlsx or .xls), "
        "or register the source with `format: csv`")
    assert log["disdukcapil_kiosk/2025-S1/laporan.json"]["message"] == (
        "raw/disdukcapil_kiosk/2025-S1/laporan.json: a PDF document, not a JSON file: land the survey export "
        "itself (a JSON file)")
    assert {v["status"] for v in log.values()} == {"error"}


def test_a_utf16_json_dump_is_read(data_dir: Path):
    landed(data_dir, "disdukcapil_kiosk", "dump.json").write_bytes(
        json.dumps([{**r, "comment": "Pelayanan cepat – ramah"} for r in kiosk_records(2)],
                   ensure_ascii=False).encode("utf-16"))
    run(data_dir)
    log = log_of(data_dir, "disdukcapil_kiosk/2025-S1/dump.json")
    assert (log["status"], log["rows_read"]) == ("loaded", 2)
    assert [r["saran"] for r in lake_rows(data_dir / LAKE)] == ["Pelayanan cepat – ramah"] * 2
