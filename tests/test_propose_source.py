"""propose-source: a registry entry proposed from an export's header alone must agree with the
hand-written registry for every sample source (or say it is unsure), map personal data to the PII
fields, render as YAML that validates once the FILL placeholders are filled, and read shapes the
samples do not have (Google Forms in two locales, a ';' Windows-1252 CSV, an Excel workbook with
merged title rows, nested NDJSON, records under a wrapping key). The hand-made fixtures also go
through the real loader with the proposed entry: the proposal is only good if the file loads."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipelines.ingest.loader import ingest
from pipelines.ingest.propose import Proposal, main, propose_entry, render_yaml
from pipelines.registry import PII_FIELDS, TEMPLATE_FIELDS, load_registry, parse_registry
from pipelines.settings import REPO_ROOT, UNSUR_KEYS
from tests.test_ingest_loader import files_log, lake_rows

# The two template sources are added to the copied registry (data/sources.yml has none).
TEMPLATE_ENTRIES = """
  - {code: kel_template_csv, opd_kode: KEL-TC, opd_nama: Kelurahan Contoh, format: csv, landing: raw/kel_template_csv,
     template: true}
  - {code: kel_template_xlsx, opd_kode: KEL-TX, opd_nama: Kelurahan Contoh Dua, format: xlsx,
     landing: raw/kel_template_xlsx, template: true}
"""
# Fields a proposal may leave to a person, per source: the kiosk app names its unsur only U1-U9,
# and U8/U9 are asked in either order across forms (skm-methodology.md), so those two are unsure.
ALLOWED_UNSURE = {"disdukcapil_kiosk": {"sarana", "pengaduan"}}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from pipelines.sample_data import generate

    root = tmp_path_factory.mktemp("propose_samples")
    registry = root / "sources.yml"
    registry.write_text((REPO_ROOT / "data" / "sources.yml").read_text(encoding="utf-8").rstrip() + "\n"
                        + TEMPLATE_ENTRIES, encoding="utf-8")
    generate(root, registry, rows=60, seed=7)
    return root, {s.code: s for s in load_registry(registry)}


def fill_placeholders(text: str) -> str:
    """What the person does: every "<FILL: ...>" value replaced by something real."""
    return re.sub(r'"<FILL: [^"]*>"', '"ISI"', text)


def parse_rendered(text: str, tmp_path: Path, name: str = "proposed.yml"):
    """The rendered entry, filled in, through the registry's own schema."""
    filled = fill_placeholders(text)
    assert "<FILL" not in filled
    path = tmp_path / name
    path.write_text("sources:\n" + filled, encoding="utf-8")
    return parse_registry(path).sources[0]


def compare(proposal: Proposal, expected: dict[str, str]) -> tuple[list[str], list[str], dict]:
    """(fields recovered exactly, fields marked unsure, fields wrong and not marked)."""
    got = proposal.columns
    unsure = proposal.unsure
    recovered = [f for f, h in expected.items() if got.get(f) == h and f not in unsure]
    wrong = {f: (got.get(f), expected.get(f)) for f in {*expected, *got}
             if got.get(f) != expected.get(f) and f not in unsure}
    return recovered, sorted(f for f in {*expected, *got} if f in unsure), wrong


def sample_file(root: Path, landing: str) -> Path:
    return sorted(p for p in (root / landing).rglob("*") if p.is_file())[0]


SAMPLE_CODES = ["dpmptsp_web", "puskesmas_web", "rsud_paper", "kec_bontang_selatan_paper", "disdukcapil_kiosk",
                "dishub_kiosk", "kel_template_csv", "kel_template_xlsx"]


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_sample_source_is_recovered(samples: tuple[Path, dict], code: str, tmp_path: Path) -> None:
    root, sources = samples
    source = sources[code]
    proposal = propose_entry(sample_file(root, source.landing), code=code)
    recovered, unsure, wrong = compare(proposal, source.columns)
    assert not wrong, f"{code}: proposed (got, registry) differ without a CHECK: {wrong}"
    assert set(unsure) <= ALLOWED_UNSURE.get(code, set()), f"{code}: unexpectedly unsure: {proposal.unsure}"
    assert len(recovered) + len(unsure) == len(source.columns)
    # personal data is always mapped to a PII field, so it is hashed and never loaded
    for f in PII_FIELDS:
        if f in source.columns:
            assert proposal.columns[f] == source.columns[f]
    pii_headers = {source.columns[f] for f in PII_FIELDS if f in source.columns}
    assert not pii_headers & set(proposal.unmapped)
    assert proposal.template == (code.startswith("kel_template"))
    # the rendered entry validates, and says what the proposal says
    text = render_yaml(proposal)
    entry = parse_rendered(text, tmp_path)
    assert entry.code == code and entry.format == source.format and entry.landing == f"raw/{code}"
    if proposal.template:
        assert entry.template and entry.columns is None
        assert set(proposal.columns) <= set(TEMPLATE_FIELDS)
    else:
        assert entry.columns == proposal.columns
    for f in unsure:
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{f}:"))
        assert "# CHECK:" in line


def test_recovery_summary(samples: tuple[Path, dict], capsys: pytest.CaptureFixture[str]) -> None:
    """All sample sources at once: the fields recovered and marked unsure, printed for the report."""
    root, sources = samples
    total_unsure = 0
    lines = []
    for code in SAMPLE_CODES:
        source = sources[code]
        recovered, unsure, wrong = compare(propose_entry(sample_file(root, source.landing), code=code),
                                           source.columns)
        assert not wrong
        total_unsure += len(unsure)
        lines.append(f"{code:28} {len(recovered):2}/{len(source.columns):2} recovered, {len(unsure)} unsure "
                     f"{unsure or ''}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert total_unsure <= 2


# --- shapes not in the samples: fixture files written here --------------------------------------
QUESTIONS = {  # the 2017 example questionnaire's wording, typos included ("Bagamana")
    "persyaratan": "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "prosedur": "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "waktu": "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "biaya": "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "produk": ("Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
               "standar pelayanan dengan hasil yang diberikan?"),
    "kompetensi": "Bagaimana pendapat Saudara tentang kompetensi/ kemampuan petugas dalam pelayanan?",
    "perilaku": "Bagamana pendapat saudara perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "sarana": "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
    "pengaduan": "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
}
WORDS = ["Sesuai", "Mudah", "Cepat", "Gratis", "Sesuai", "Kompeten", "Sopan dan ramah", "Baik",
         "Dikelola dengan baik"]


def write_csv(path: Path, headers: list[str], rows: list[list[str]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(headers)
        w.writerows(rows)
    return path


def gforms_id(path: Path) -> tuple[Path, dict[str, str]]:
    """Google Forms in an Indonesian account: "Stempel waktu", the questions as headers,
    name and WhatsApp number asked on the form."""
    cols = {"submitted_at": "Stempel waktu", "nama": "Nama", "no_hp": "Nomor WhatsApp",
            "jenis_layanan": "Jenis layanan yang Anda terima", **QUESTIONS,
            "jenis_kelamin": "Jenis kelamin", "usia": "Usia", "pendidikan": "Pendidikan terakhir",
            "pekerjaan": "Pekerjaan", "saran": "Saran dan masukan untuk perbaikan pelayanan kami"}
    order = ["submitted_at", "nama", "no_hp", "jenis_layanan", *UNSUR_KEYS, "jenis_kelamin", "usia",
             "pendidikan", "pekerjaan", "saran"]
    rows = [[f"{d}/3/2025 9:{d:02d}:11", f"Warga {d}", f"08125550{d:04d}", "Izin Usaha", *WORDS, "Perempuan",
             "29", "SMA/SMK", "Swasta", "Antrean rapi, terima kasih" if d % 2 else ""] for d in range(3, 9)]
    return write_csv(path, [cols[k] for k in order], rows), cols


def gforms_us(path: Path) -> tuple[Path, dict[str, str]]:
    """Google Forms in a US-English account: "Timestamp" (M/D/YYYY), "Email Address" from
    "Collect email addresses", and pengaduan asked before sarana: the words decide, not the order."""
    cols = {"submitted_at": "Timestamp", "email": "Email Address", "jenis_layanan": "Layanan", **QUESTIONS,
            "jenis_kelamin": "Jenis Kelamin", "usia": "Umur", "pendidikan": "Pendidikan", "pekerjaan": "Pekerjaan",
            "saran": "Kritik dan Saran"}
    unsur = [*UNSUR_KEYS[:7], "pengaduan", "sarana"]
    order = ["submitted_at", "email", "jenis_layanan", *unsur, "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
             "saran"]
    rows = [[f"3/{d}/2025 14:0{d}:00", f"warga{d}@example.org", "Akta Kelahiran", *["4"] * 9, "L", "41", "D4/S1",
             "PNS", ""] for d in range(1, 6)]
    return write_csv(path, [cols[k] for k in order], rows), cols


def windows_semicolon(path: Path) -> tuple[Path, dict[str, str]]:
    """Excel on Indonesian Windows: ';' separated, Windows-1252 (an en dash and 'é' in the data),
    numbered short headers, a staff column nobody maps."""
    short = ["Persyaratan", "Prosedur", "Waktu", "Biaya", "Produk", "Kompetensi", "Perilaku", "Sarana", "Pengaduan"]
    cols = {"submitted_at": "Tanggal", "jenis_layanan": "Jenis Layanan",
            **{k: f"{i}. {s}" for i, (k, s) in enumerate(zip(UNSUR_KEYS, short), start=1)},
            "jenis_kelamin": "JK", "usia": "Umur", "pendidikan": "Pendidikan", "pekerjaan": "Pekerjaan",
            "saran": "Kritik & Saran", "no_hp": "No. Telp"}
    headers = [*cols.values(), "Keterangan"]
    rows = [[f"0{d}/04/2025", "Legalisir", *["3"] * 9, "P", "37", "SMP", "Wirausaha",
             "Cepat – terima kasih, café di depan ramai", f"0813{d:07d}", "diinput staf"] for d in range(1, 5)]
    return write_csv(path, headers, rows, delimiter=";", encoding="cp1252"), cols


def excel_with_titles(path: Path) -> tuple[Path, dict[str, str]]:
    """Paper surveys keyed into Excel: an instructions sheet first, then the data sheet with two
    merged title rows above the header ("U8 Sarana" short forms, NIK written on the form)."""
    cols = {"submitted_at": "Tanggal", "jenis_layanan": "Layanan",
            **{k: f"U{i} {s}" for i, (k, s) in enumerate(zip(UNSUR_KEYS, [
                "Persyaratan", "Prosedur", "Kecepatan waktu", "Biaya", "Produk", "Kompetensi", "Kesopanan petugas",
                "Sarana", "Pengaduan"]), start=1)},
            "jenis_kelamin": "L/P", "usia": "Usia", "pendidikan": "Pendidikan", "pekerjaan": "Pekerjaan",
            "saran": "Saran", "nik": "NIK"}
    headers = ["No", *cols.values()]
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Petunjuk"
    guide.append(["Isi satu baris per kuesioner. Nilai 1-4."])
    ws = wb.create_sheet("Data SKM")
    ws.append(["REKAP SURVEI KEPUASAN MASYARAKAT KELURAHAN CONTOH"])
    ws.append(["Semester I Tahun 2025"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.append(headers)
    for i in range(1, 5):
        ws.append([i, dt.datetime(2025, 2, i, 10, 0), "Surat Pindah", *[4, 3, 3, 4, 4, 3, 4, 2, 3], "L", 40,
                   "SMA/SMK", "Swasta", "", f"647401010190000{i}"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path, cols


def app_ndjson(path: Path) -> tuple[Path, dict[str, str]]:
    """A tablet app's NDJSON dump: nested answers.U1..U9, nested profile and contact, a key
    (saran) absent from the first record."""
    cols = {"submission_id": "uuid", "device_id": "device.id", "submitted_at": "ts", "jenis_layanan": "layanan",
            **{k: f"answers.U{i}" for i, k in enumerate(UNSUR_KEYS, start=1)},
            "jenis_kelamin": "profil.jenis_kelamin", "usia": "profil.umur", "pendidikan": "profil.pendidikan",
            "pekerjaan": "profil.pekerjaan", "saran": "saran", "no_hp": "kontak.wa", "email": "kontak.email"}
    lines = []
    for i in range(1, 6):
        rec = {"uuid": f"a1b2-{i}", "device": {"id": "TAB-02", "battery": 80}, "ts": f"2025-05-0{i}T02:15:00Z",
               "layanan": "Uji KIR", "answers": {f"U{k}": 3 for k in range(1, 10)},
               "profil": {"jenis_kelamin": "L", "umur": 33, "pendidikan": "SMA", "pekerjaan": "Swasta"},
               "kontak": {"wa": "0812345678", "email": None}}
        if i > 1:
            rec["saran"] = "mantap"
        lines.append(json.dumps(rec))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, cols


def wrapped_json(path: Path) -> tuple[Path, dict[str, str]]:
    """An API response: the records under data.items beside paging metadata."""
    cols = {"submission_id": "id", "submitted_at": "created_at", "jenis_layanan": "jenis_layanan",
            **{k: f"nilai.{k}" for k in UNSUR_KEYS}, "saran": "saran", "email": "email"}
    items = [{"id": i, "created_at": f"2025-06-0{i} 09:00:00", "jenis_layanan": "PATEN",
              "nilai": {k: 4 for k in UNSUR_KEYS}, "saran": None, "email": f"w{i}@example.org"} for i in range(1, 4)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"status": "ok", "data": {"items": items, "page": 1}, "total": 3}), encoding="utf-8")
    return path, cols


def excel_unicode_text(path: Path) -> tuple[Path, dict[str, str]]:
    """Excel's "Unicode text" save: UTF-16 with a byte-order mark, tab-separated."""
    cols = {"submitted_at": "Tanggal Pengisian", "jenis_layanan": "Unit Layanan", **QUESTIONS, "saran": "Masukan",
            "nama": "Nama Lengkap"}
    rows = [["2025-02-03", "Poli Gigi", *["3"] * 9, "", "Ani"], ["2025-02-04", "Poli Gigi", *["4"] * 9, "ok", ""]]
    return write_csv(path, list(cols.values()), rows, delimiter="\t", encoding="utf-16"), cols


FIXTURES = {
    "gforms_id": (gforms_id, "gforms_id.csv", {}, set()),
    "gforms_us": (gforms_us, "gforms_us.csv", {}, set()),
    "windows_semicolon": (windows_semicolon, "rekap.csv", {"delimiter": ";", "encoding": "cp1252"}, set()),
    "excel_titles": (excel_with_titles, "rekap.xlsx", {"sheet": "Data SKM", "header_row": 3}, set()),
    "app_ndjson": (app_ndjson, "dump.ndjson", {}, {"sarana", "pengaduan"}),
    "wrapped_json": (wrapped_json, "api.json", {"record_path": "data.items"}, set()),
    "excel_unicode_text": (excel_unicode_text, "unicode.txt", {"delimiter": "\t"}, set()),
}
UNMAPPED = {"windows_semicolon": ["Keterangan"], "excel_titles": ["No"], "app_ndjson": ["device.battery"]}


@pytest.mark.parametrize("name", list(FIXTURES))
def test_own_fixture_is_proposed_and_loads(name: str, tmp_path: Path) -> None:
    write, file_name, options, allowed_unsure = FIXTURES[name]
    code = f"test_{name}"
    path, expected = write(tmp_path / "incoming" / file_name)
    proposal = propose_entry(path, code=code)
    recovered, unsure, wrong = compare(proposal, expected)
    assert not wrong, wrong
    assert set(unsure) == allowed_unsure, proposal.unsure
    assert proposal.options == options
    assert proposal.unmapped == UNMAPPED.get(name, [])
    for f in PII_FIELDS:
        if f in expected:
            assert proposal.columns[f] == expected[f]
    # the filled-in entry validates, and the real loader reads the file with it
    text = render_yaml(proposal)
    entry = parse_rendered(text, tmp_path)
    assert entry.columns == proposal.columns
    data = tmp_path / "data"
    (data / "sources.yml").parent.mkdir(parents=True, exist_ok=True)
    (data / "sources.yml").write_text("sources:\n" + fill_placeholders(text), encoding="utf-8")
    landed = data / "raw" / code / "2025-S1" / path.name
    landed.parent.mkdir(parents=True)
    shutil.copy(path, landed)
    ingest(load_registry(data / "sources.yml"), data, data / "warehouse" / "raw", key="test-key")
    log = files_log(data / "warehouse" / "raw")
    (record,) = log.values()
    assert record["status"] == "loaded", record["message"]
    rows = lake_rows(data / "warehouse" / "raw")
    assert rows and all(r["u_persyaratan"] for r in rows)
    if any(f in expected for f in PII_FIELDS):
        assert any(r["respondent_hash"] for r in rows)  # hashed (a row without personal data has none)


def test_timezone_is_taken_from_json_offsets_only(tmp_path: Path) -> None:
    path, _ = app_ndjson(tmp_path / "dump.ndjson")
    assert propose_entry(path).timezone == "UTC"
    csv_path, _ = gforms_id(tmp_path / "f.csv")
    proposal = propose_entry(csv_path)
    assert proposal.timezone is None
    assert re.search(r"^    timezone: Asia/Makassar  # CHECK:", render_yaml(proposal), re.M)


def test_two_headers_for_one_field_are_marked(tmp_path: Path) -> None:
    headers = ["Tanggal", "Layanan", *QUESTIONS.values(), "Saran", "Masukan"]
    path = write_csv(tmp_path / "dua_saran.csv", headers, [["01/02/2025", "KTP", *["4"] * 9, "a", "b"]])
    proposal = propose_entry(path)
    assert proposal.columns["saran"] == "Saran"
    assert "also matches 'Masukan'" in proposal.unsure["saran"]
    assert "# CHECK: also matches 'Masukan'" in render_yaml(proposal)


def test_missing_required_field_is_a_placeholder_to_fill(tmp_path: Path) -> None:
    headers = ["Tanggal", "Layanan", *[q for k, q in QUESTIONS.items() if k != "biaya"], "Saran"]
    path = write_csv(tmp_path / "tanpa_biaya.csv", headers, [["01/02/2025", "KTP", *["4"] * 8, ""]])
    proposal = propose_entry(path, code="kel_x")
    assert proposal.missing == ["biaya"] and "biaya" in proposal.unsure
    text = render_yaml(proposal)
    assert re.search(r'^      biaya: "<FILL: header of biaya>"  # CHECK: required', text, re.M)
    assert parse_rendered(text, tmp_path).columns["biaya"] == "ISI"


def test_weak_hint_is_marked_not_trusted(tmp_path: Path) -> None:
    headers = ["Tanggal", "Layanan", *QUESTIONS.values(), "Catatan"]
    path = write_csv(tmp_path / "catatan.csv", headers, [["01/02/2025", "KTP", *["4"] * 9, "x"]])
    proposal = propose_entry(path)
    assert proposal.columns.get("saran") == "Catatan" and "saran" in proposal.unsure


def test_command_line_prints_the_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = gforms_us(tmp_path / "skm_dinsos_2025-S1.csv")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "  - code: skm_dinsos  # CHECK: guessed from the file name" in out
    assert "email: Email Address  # personal data" in out
    assert main([str(tmp_path / "nothing.pdf")]) == 2


def test_one_header_reading_as_two_unsur_is_marked(tmp_path: Path) -> None:
    questions = {**QUESTIONS, "kompetensi": "Kemampuan dan keramahan petugas"}
    questions.pop("perilaku")
    path = write_csv(tmp_path / "campur.csv", ["Tanggal", "Layanan", *questions.values()],
                     [["01/02/2025", "KTP", *["4"] * 8]])
    proposal = propose_entry(path)
    assert "also reads as perilaku" in proposal.unsure["kompetensi"]
    assert "perilaku" in proposal.missing


def test_an_older_instrument_is_named_and_its_numbers_not_trusted(tmp_path: Path) -> None:
    headers = ["Tanggal", "Layanan", *[f"U{i}" for i in range(1, 15)]]
    path = write_csv(tmp_path / "skm2004.csv", headers, [["01/02/2015", "KTP", *["4"] * 14]])
    proposal = propose_entry(path)
    assert any("KepMenPAN 25/2004" in c for c in proposal.checks)
    assert all(f in proposal.unsure for f in UNSUR_KEYS)
    assert "  # CHECK: unsur numbers above 9" in render_yaml(proposal)
