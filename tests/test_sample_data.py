"""The sample-data generator: deterministic, shaped by the registry, timestamps inside the
periode, and exactly the dirt its constants promise."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipelines.registry import Source, load_registry, normalise_header
from pipelines.sample_data import (
    DIRT_MIN_ROWS,
    DUPLICATES_PER_JSON_FILE,
    ROW_COUNT_SPREAD,
    dirt_counts,
    generate,
    write_sample,
)
from pipelines.sample_data.__main__ import main
from pipelines.settings import REPO_ROOT, UNSUR_KEYS

PERIODES = ("2025-S1", "2025-S2")
WITA = dt.timezone(dt.timedelta(hours=8))
SEMESTER = {
    "2025-S1": (dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    "2025-S2": (dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(REPO_ROOT / "data" / "sources.yml", d / "sources.yml")
    return d


def _sources(data_dir: Path) -> list[Source]:
    return load_registry(data_dir / "sources.yml")


# --- readers as plain as possible: the tests must not share code with the generator ---------


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=delim))
    return rows[0], rows[1:]


def read_xlsx_rows(path: Path, source: Source) -> tuple[list[str], list[tuple]]:
    ws = openpyxl.load_workbook(path, read_only=True)[source.sheet]
    rows = list(ws.iter_rows(values_only=True))
    known = set(source.columns.values())
    hi = next(i for i, r in enumerate(rows) if sum(1 for c in r if c in known) >= 3)
    return [c for c in rows[hi] if c is not None], rows[hi + 1:]


def read_json_records(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def dotted_keys(rec: dict, prefix: str = "") -> list[str]:
    keys: list[str] = []
    for k, v in rec.items():
        if isinstance(v, dict):
            keys += dotted_keys(v, f"{prefix}{k}.")
        else:
            keys.append(prefix + k)
    return keys


def get_path(rec: dict, dotted: str):
    v = rec
    for part in dotted.split("."):
        v = v[part]
    return v


def the_file(data_dir: Path, source: Source, periode: str) -> Path:
    files = [p for p in (data_dir / source.landing / periode).iterdir() if p.is_file()]
    assert len(files) == 1, files
    return files[0]


def local_times(source: Source, path: Path) -> list[dt.datetime | dt.date]:
    """Every submitted_at of a file as WITA (dates stay dates)."""
    header = source.columns["submitted_at"]
    if source.format == "csv":
        headers, rows = read_csv_rows(path)
        i = headers.index(header)
        out = []
        for r in rows:
            fmt = "%d/%m/%Y %H:%M:%S" if r[i].count(":") == 2 else "%d/%m/%Y %H:%M"
            out.append(dt.datetime.strptime(r[i], fmt))
        return out
    if source.format == "xlsx":
        headers, rows = read_xlsx_rows(path, source)
        i = headers.index(header)
        return [r[i] for r in rows]
    out = []
    for rec in read_json_records(path):
        v = get_path(rec, header)
        assert v.endswith("Z"), v
        utc = dt.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        out.append(utc.astimezone(WITA).replace(tzinfo=None))
    return out


# --- tests ----------------------------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path, data_dir: Path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(data_dir / "sources.yml", other / "sources.yml")
    a = generate(data_dir, rows=80, seed=11)
    b = generate(other, rows=80, seed=11)
    assert [p.relative_to(data_dir) for p in a] == [p.relative_to(other) for p in b]
    for pa, pb in zip(a, b):
        if pa.suffix == ".xlsx":
            wa = openpyxl.load_workbook(pa, read_only=True).worksheets[0]
            wb = openpyxl.load_workbook(pb, read_only=True).worksheets[0]
            assert list(wa.iter_rows(values_only=True)) == list(wb.iter_rows(values_only=True))
        else:
            assert pa.read_bytes() == pb.read_bytes(), pa.name
    c = generate(other, rows=80, seed=12)
    assert any(pa.read_bytes() != pc.read_bytes() for pa, pc in zip(a, c) if pa.suffix != ".xlsx")


def test_every_source_and_periode_gets_one_file_of_about_the_asked_size(data_dir: Path):
    written = write_sample(data_dir, rows=200, seed=3)
    sources = _sources(data_dir)
    assert len(written) == len(sources) * len(PERIODES)
    for s in sources:
        for per in PERIODES:
            path = the_file(data_dir, s, per)
            suffixes = {"csv": (".csv",), "xlsx": (".xlsx",), "json": (".json", ".ndjson", ".jsonl")}
            assert path.suffix in suffixes[s.format]
            w = next(w for w in written if w.source_code == s.code and w.periode == per)
            assert w.path == path
            assert 200 * (1 - ROW_COUNT_SPREAD) - 1 <= w.responses <= 200 * (1 + ROW_COUNT_SPREAD) + 1
    assert len({w.responses for w in written}) > 1  # sources differ in size


def test_headers_are_the_registry_header_texts(data_dir: Path):
    generate(data_dir, rows=40, seed=5)
    for s in _sources(data_dir):
        expected = list(s.columns.values())
        for per in PERIODES:
            path = the_file(data_dir, s, per)
            if s.format == "csv":
                headers, rows = read_csv_rows(path)
                assert headers == expected
                assert all(len(r) == len(expected) for r in rows)
            elif s.format == "xlsx":
                headers, rows = read_xlsx_rows(path, s)
                assert headers == ["No", *expected]  # the row counter is not in the registry
                assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
            else:
                for rec in read_json_records(path):  # key order means nothing in JSON
                    assert sorted(dotted_keys(rec)) == sorted(expected)


def test_timestamps_fall_inside_the_periode_in_wita(data_dir: Path):
    generate(data_dir, rows=300, seed=9)
    for s in _sources(data_dir):
        for per in PERIODES:
            first, last = SEMESTER[per]
            times = local_times(s, the_file(data_dir, s, per))
            assert times
            for t in times:
                day = t.date() if isinstance(t, dt.datetime) else t
                assert first <= day <= last, (s.code, per, t)


def test_kiosk_clocks_are_utc_so_office_hours_show_as_early_utc(data_dir: Path):
    generate(data_dir, rows=300, seed=9)
    s = next(s for s in _sources(data_dir) if s.code == "disdukcapil_kiosk")
    recs = read_json_records(the_file(data_dir, s, "2025-S1"))
    utc_hours = [int(r["created_at"][11:13]) for r in recs]
    assert sum(h < 8 for h in utc_hours) / len(utc_hours) > 0.9  # 08:00-16:00 WITA = 00-08 UTC


def test_dirt_is_exactly_what_the_constants_say(data_dir: Path):
    written = write_sample(data_dir, rows=400, seed=2025)
    by_code = {s.code: s for s in _sources(data_dir)}
    for w in written:
        s = by_code[w.source_code]
        expected = dirt_counts(w.responses, s.format)
        assert w.invalid == expected.invalid >= 1
        assert sum(w.dirty.values()) == expected.dirty
        assert w.duplicates == expected.duplicates
        unsur_headers = [s.columns[u] for u in UNSUR_KEYS]
        if s.format == "csv":
            headers, rows = read_csv_rows(w.path)
            idx = [headers.index(h) for h in unsur_headers]
            assert len(rows) == w.responses
            assert sum(any(r[i] == "Lumayan" for i in idx) for r in rows) == w.invalid
            assert sum(any(r[i] == "" for i in idx) for r in rows) == w.dirty.get("blank", 0)
            missing = sum(any(r[i] in ("Tidak tahu", "Tidak berlaku") for i in idx) for r in rows)
            assert missing == w.dirty.get("tidak_tahu", 0)
        elif s.format == "xlsx":
            headers, rows = read_xlsx_rows(w.path, s)
            idx = [headers.index(h) for h in unsur_headers]
            assert len(rows) == w.responses
            assert sum(any(r[i] in (0, 7) for i in idx) for r in rows) == w.invalid
            assert sum(any(r[i] is None for i in idx) for r in rows) == w.dirty.get("blank", 0)
            as_text = sum(any(isinstance(r[i], str) and r[i].isdigit() for i in idx) for r in rows)
            assert as_text == w.dirty["text_number"]
            ok = {1, 2, 3, 4, None, "1", "2", "3", "4", "Tidak tahu", "Tidak berlaku"}
            assert all(r[i] in ok for r in rows for i in idx if r[i] not in (0, 7))
        else:
            recs = read_json_records(w.path)
            assert len(recs) == w.responses + DUPLICATES_PER_JSON_FILE
            ids = [get_path(r, s.columns["submission_id"]) for r in recs]
            dup_ids = {i for i in ids if ids.count(i) > 1}
            assert len(dup_ids) == 1
            copies = [r for r in recs if get_path(r, s.columns["submission_id"]) in dup_ids]
            assert copies[0] == copies[1]  # an exact re-send
            answers = [[get_path(r, h) for h in unsur_headers] for r in recs]
            assert all(isinstance(v, int) or v is None for a in answers for v in a)
            assert sum(any(v in (0, 7) for v in a) for a in answers) == w.invalid
            assert sum(any(v is None for v in a) for a in answers) == w.dirty["blank"]


def test_small_files_carry_no_dirt(data_dir: Path):
    for w in write_sample(data_dir, rows=DIRT_MIN_ROWS // 2, seed=1):
        assert (w.invalid, w.duplicates, sum(w.dirty.values())) == (0, 0, 0)
        assert w.records == w.responses


def test_csv_quoting_round_trips_saran_with_commas_quotes_and_newlines(data_dir: Path):
    written = write_sample(data_dir, rows=600, seed=4)
    sarans: list[str] = []
    for w in written:
        if w.path.suffix == ".csv":
            headers, rows = read_csv_rows(w.path)
            assert len(rows) == w.responses  # a newline inside a saran did not split a row
            i = next(k for k, h in enumerate(headers) if normalise_header(h).startswith("saran"))
            sarans += [r[i] for r in rows]
    assert any("\n" in x for x in sarans)
    assert any('"' in x for x in sarans) and any("," in x for x in sarans)
    assert sum(x == "" for x in sarans) > len(sarans) / 3  # often empty


def test_export_shapes_follow_the_source_style(data_dir: Path):
    generate(data_dir, rows=400, seed=2025)
    src = {s.code: s for s in _sources(data_dir)}
    dpm = the_file(data_dir, src["dpmptsp_web"], "2025-S1")
    assert not dpm.read_bytes().startswith(b"\xef\xbb\xbf")
    pkm = the_file(data_dir, src["puskesmas_web"], "2025-S1")
    assert pkm.read_bytes().startswith(b"\xef\xbb\xbf") and b";" in pkm.read_bytes().split(b"\n", 1)[0]
    headers, rows = read_csv_rows(pkm)
    kompetensi = headers.index(src["puskesmas_web"].columns["kompetensi"])
    assert any(r[kompetensi].endswith("Sangat baik") for r in rows)  # generic scale
    assert any(r[kompetensi].startswith("4 - ") for r in rows)  # "4 - Sangat baik" style
    headers, rows = read_csv_rows(dpm)
    biaya = headers.index(src["dpmptsp_web"].columns["biaya"])
    assert {"Gratis", "Murah"} <= {r[biaya] for r in rows}
    kec_headers, kec_rows = read_xlsx_rows(the_file(data_dir, src["kec_bontang_selatan_paper"], "2025-S1"),
                                           src["kec_bontang_selatan_paper"])
    usia = kec_headers.index("Usia")
    assert {r[usia] for r in kec_rows} <= {"< 20", "20-30", "31-40", "41-50", "> 50"}
    rsud_headers, rsud_rows = read_xlsx_rows(the_file(data_dir, src["rsud_paper"], "2025-S1"), src["rsud_paper"])
    assert all(isinstance(r[rsud_headers.index("Tanggal")], dt.datetime) for r in rsud_rows)
    dkc = the_file(data_dir, src["disdukcapil_kiosk"], "2025-S1")
    assert dkc.read_text().lstrip().startswith("[")
    rec = read_json_records(dkc)[0]
    assert rec["id"].startswith("DKC-2025-") and rec["device"].startswith("KIOSK-DKC-")
    niks = [r["respondent"]["nik"] for r in read_json_records(dkc) if r["respondent"]["nik"]]
    assert niks and all(len(n) == 16 and n.startswith("6474") and n.isdigit() for n in niks)
    dhb = the_file(data_dir, src["dishub_kiosk"], "2025-S1")
    assert dhb.suffix in (".ndjson", ".jsonl") and not dhb.read_text().startswith("[")


def test_s2_differs_from_s1_so_there_is_a_trend(data_dir: Path):
    generate(data_dir, rows=400, seed=2025)
    s = next(s for s in _sources(data_dir) if s.code == "dishub_kiosk")
    means = []
    for per in PERIODES:
        recs = read_json_records(the_file(data_dir, s, per))
        vals = [r[s.columns[u]] for r in recs for u in UNSUR_KEYS if r[s.columns[u]] in (1, 2, 3, 4)]
        means.append(sum(vals) / len(vals))
    assert 2.8 < means[0] < 3.6 and means[1] > means[0]


def test_a_new_registry_entry_of_a_known_format_gets_data(tmp_path: Path):
    reg = (REPO_ROOT / "data" / "sources.yml").read_text(encoding="utf-8")
    reg += """
  - code: kel_api
    opd_kode: KEL-X
    opd_nama: Kelurahan Contoh
    format: json
    landing: raw/kel_api
    timezone: UTC
    columns:
      submission_id: meta.id
      submitted_at: meta.time
      jenis_layanan: service.name
      persyaratan: a.p1
      prosedur: a.p2
      waktu: a.p3
      biaya: a.p4
      produk: a.p5
      kompetensi: a.p6
      perilaku: a.p7
      sarana: a.p8
      pengaduan: a.p9
"""
    (tmp_path / "sources.yml").write_text(reg, encoding="utf-8")
    paths = generate(tmp_path, rows=30, seed=1, periodes=["2025-S2"])
    new = [p for p in paths if "kel_api" in p.parts]
    assert len(new) == 1
    recs = read_json_records(new[0])
    assert dotted_keys(recs[0]) == ["meta.id", "meta.time", "service.name", *[f"a.p{i}" for i in range(1, 10)]]


def test_bad_periode_is_refused_before_anything_is_written(data_dir: Path):
    with pytest.raises(ValueError):
        generate(data_dir, periodes=["2025-S1", "2025-S3"])
    assert not (data_dir / "raw").exists()


def test_cli_writes_then_if_missing_leaves_existing_files_alone(data_dir: Path, capsys: pytest.CaptureFixture):
    assert main(["--out", str(data_dir), "--rows", "30", "--seed", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    n_files = len(_sources(data_dir)) * len(PERIODES)
    assert len(out) == n_files + 1 and out[-1].startswith("sample data:")
    files = sorted(p for p in (data_dir / "raw").rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    assert main(["--out", str(data_dir), "--rows", "50", "--seed", "2", "--if-missing"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "nothing written" in out[0]
    assert {p: p.read_bytes() for p in files} == before
    assert sorted(p for p in (data_dir / "raw").rglob("*") if p.is_file()) == files


def test_cli_if_missing_on_an_empty_folder_writes(data_dir: Path, capsys: pytest.CaptureFixture):
    assert main(["--out", str(data_dir), "--rows", "20", "--periodes", "2025-S2", "--if-missing"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == len(_sources(data_dir)) + 1
    assert not any((data_dir / "raw").rglob("2025-S1"))
