"""The strict registry: every mistake stops before anything runs, with one message naming the file,
the line, the source and the key; landing folders stay inside the data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.ingest.loader import ingest, landed_files
from pipelines.registry import RegistryError, load_quality, load_registry, load_trust
from pipelines.settings import REPO_ROOT

BASE = (REPO_ROOT / "data" / "sources.yml").read_text(encoding="utf-8")


def _registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    sheet: Rekap SKM", "    sheeet: Rekap SKM",
         "source 'rsud_paper', key 'sheeet': unknown key (did you mean 'sheet'?)"),
        ("    timezone: UTC\n    description: Kiosk", "    timzone: UTC\n    description: Kiosk",
         "source 'disdukcapil_kiosk', key 'timzone': unknown key (did you mean 'timezone'?)"),
        ("  max_quarantine_rate: 0.10", "  max_quarantine_rat: 0.10",
         "key 'quality.max_quarantine_rat': unknown key (did you mean 'max_quarantine_rate'?)"),
        ("  max_quarantine_rate: 0.10", "  max_quarantine_rate: 10%",
         "key 'quality.max_quarantine_rate': Input should be a valid number, got '10%'"),
        ("  max_quarantine_rate: 0.10", "  max_quarantine_rate: 10",
         "key 'quality.max_quarantine_rate': Input should be less than or equal to 1"),
        ("  kebijakan_ditandai: hitung", "  kebijakan_ditandai: hapus",
         "key 'kepercayaan.kebijakan_ditandai': Input should be 'hitung' or 'kecualikan'"),
        ("      usia: Umur", "      usai: Umur", "source 'puskesmas_web', key 'columns.usai': unknown canonical field"),
        ("    landing: raw/rsud_paper", "    landing: ../../somewhere",
         "source 'rsud_paper', key 'landing': landing '../../somewhere' must stay inside the data folder"),
        ("    landing: raw/rsud_paper", "    landing: /etc",
         "source 'rsud_paper', key 'landing': landing '/etc' must be a folder inside the data folder"),
        ("    landing: raw/rsud_paper", "    landing: warehouse/raw",
         "source 'rsud_paper', key 'landing': landing 'warehouse/raw' is inside the pipeline's own folder"),
        ("    timezone: UTC\n    description: Kiosk", "    timezone: WITA\n    description: Kiosk",
         "source 'disdukcapil_kiosk', key 'timezone': unknown time zone 'WITA'"),
        ("    opd_nama: RSUD Taman Husada Bontang\n", "",
         "source 'rsud_paper', key 'opd_nama': missing (required)"),
        ("    format: json\n    landing: raw/dishub_kiosk", "    format: parquet\n    landing: raw/dishub_kiosk",
         "source 'dishub_kiosk', key 'format': Input should be 'csv', 'xlsx' or 'json'"),
    ],
)
def test_a_registry_mistake_names_file_line_source_and_key(tmp_path: Path, old: str, new: str, expected: str):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    path = _registry(tmp_path, text)
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    message = str(err.value)
    assert expected in message, message
    assert message.startswith(f"{path}: line ")
    # the line named is the line of the key (or of the entry, for a missing key)
    first = new.splitlines()[0].strip() if new else "- code: rsud_paper"
    key_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(first))
    assert f"line {key_line}," in message, (message, key_line)
    # the same error from every block's reader: no block is read without the whole file's schema
    for reader in (load_quality, load_trust):
        with pytest.raises(RegistryError):
            reader(path)


def test_invalid_yaml_names_the_line(tmp_path: Path):
    text = BASE.replace("  min_rows_for_rate: 20", "min_rows_for_rate 20", 1)
    with pytest.raises(RegistryError, match=r"sources.yml: line \d+, column \d+: not valid YAML"):
        load_registry(_registry(tmp_path, text))


def test_the_command_line_check_exits_2_with_the_message(tmp_path: Path):
    path = _registry(tmp_path, BASE.replace("    sheet: Rekap SKM", "    sheeet: Rekap SKM"))
    out = subprocess.run([sys.executable, "-m", "pipelines.registry", str(path)], capture_output=True, text=True,
                         cwd=REPO_ROOT)
    assert out.returncode == 2
    assert "nothing was run" in out.stderr and "'sheeet': unknown key (did you mean 'sheet'?)" in out.stderr
    ok = subprocess.run([sys.executable, "-m", "pipelines.registry", str(REPO_ROOT / "data" / "sources.yml")],
                        capture_output=True, text=True, cwd=REPO_ROOT)
    assert ok.returncode == 0 and "6 sources, valid" in ok.stdout


def test_the_code_location_does_not_load_with_a_broken_registry(tmp_path: Path):
    """What the UI (and so the sensor and the schedules) shows: the code location's load error."""
    _registry(tmp_path, BASE.replace("  max_quarantine_rate: 0.10", "  max_quarantine_rate: 10%"))
    env = {**os.environ, "SKM_DATA_DIR": str(tmp_path)}
    env.pop("SKM_REGISTRY", None)
    out = subprocess.run([sys.executable, "-c", "import pipelines.definitions"], capture_output=True, text=True,
                         cwd=REPO_ROOT, env=env)
    assert out.returncode != 0
    assert "key 'quality.max_quarantine_rate': Input should be a valid number, got '10%'" in out.stderr
    assert not (tmp_path / "warehouse").exists()


def test_a_pipeline_run_with_a_broken_registry_ingests_nothing(tmp_path: Path):
    """The registry broken after the code location loaded (a `dagster dev` left running): the run
    stops at ingest with the message. (A code location loaded with it broken does not load at all:
    test_the_code_location_does_not_load_with_a_broken_registry.)"""
    from pipelines.context import SkmContext
    from pipelines.definitions import build_definitions
    from tests.conftest import make_data_dir
    from tests.pipeline_run import run_pipeline

    data_dir = make_data_dir(tmp_path / "data", rows=20)
    skm = SkmContext(data_dir=str(data_dir))
    defs = build_definitions(skm)
    reg = data_dir / "sources.yml"
    reg.write_text(reg.read_text().replace("    sheet: Data", "    sheeet: Data"))
    result = run_pipeline(partitions=("2025-01", "2025-07"), skm=skm, defs=defs)
    assert not result.success
    assert not (data_dir / "warehouse" / "raw" / "ingest_files.parquet").exists()
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "'sheeet': unknown key (did you mean 'sheet'?)" in str(failure.event_specific_data.error)


# --- confinement -------------------------------------------------------------------------------
def _one_source(tmp_path: Path, landing: str = "raw/kel") -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "sources.yml").write_text(
        "sources:\n  - code: kel\n    opd_kode: KEL\n    opd_nama: Kelurahan Uji\n    format: csv\n"
        f"    landing: {landing}\n    template: true\n", encoding="utf-8")
    return data_dir


TEMPLATE_CSV = ("submitted_at,jenis_layanan,persyaratan,prosedur,waktu,biaya,produk,kompetensi,perilaku,sarana,"
                "pengaduan,jenis_kelamin,usia,pendidikan,pekerjaan,saran\n"
                "2025-03-01 10:00,KTP,4,4,3,4,3,3,4,4,3,L,30,SMA,Swasta,\n")


def test_links_in_a_landing_folder_are_refused_and_recorded_never_followed(tmp_path: Path):
    data_dir = _one_source(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(TEMPLATE_CSV)
    (outside / "2025-S1").mkdir()
    (outside / "2025-S1" / "other.csv").write_text(TEMPLATE_CSV)
    landing = data_dir / "raw" / "kel" / "2025-S1"
    landing.mkdir(parents=True)
    (landing / "real.csv").write_text(TEMPLATE_CSV)
    (landing / "link.csv").symlink_to(outside / "secret.csv")
    (data_dir / "raw" / "kel" / "2025-S2").symlink_to(outside / "2025-S1", target_is_directory=True)
    source = load_registry(data_dir / "sources.yml")[0]
    assert [name for _, name in landed_files(source, data_dir)] == ["2025-S1/real.csv"]
    result = ingest([source], data_dir, data_dir / "warehouse" / "raw")
    by_name = {f.file_name: f for f in result.files}
    assert by_name["2025-S1/real.csv"].status == "loaded"
    assert by_name["2025-S1/link.csv"].status == "error"
    assert "a symbolic link; refused, not followed" in by_name["2025-S1/link.csv"].message
    assert by_name["2025-S1/link.csv"].file_sha256 is None  # never opened, never hashed
    assert by_name["2025-S2"].status == "error" and "symbolic link to a folder" in by_name["2025-S2"].message
    assert "2025-S2/other.csv" not in by_name


def test_a_landing_folder_that_is_a_link_out_of_the_data_folder_is_refused(tmp_path: Path):
    data_dir = _one_source(tmp_path)
    outside = tmp_path / "etc_like"
    (outside / "2025-S1").mkdir(parents=True)
    (outside / "2025-S1" / "a.csv").write_text(TEMPLATE_CSV)
    (data_dir / "raw").mkdir()
    (data_dir / "raw" / "kel").symlink_to(outside, target_is_directory=True)
    source = load_registry(data_dir / "sources.yml")[0]
    assert landed_files(source, data_dir) == []
    result = ingest([source], data_dir, data_dir / "warehouse" / "raw")
    assert [(f.status, f.file_sha256) for f in result.files] == [("error", None)]
    assert "resolves outside the data folder" in result.files[0].message


def test_an_edit_is_seen_even_when_the_file_time_and_size_stay_the_same(tmp_path: Path):
    """Two quick edits can share a file time (the kernel's clock ticks coarsely): the parse is
    cached by the text, never by time and size."""
    path = _registry(tmp_path, BASE.replace("max_index_change: 10.0", "max_index_change: 20.0"))
    stat = path.stat()
    assert load_quality(path).max_index_change == 20.0
    path.write_text(BASE.replace("max_index_change: 10.0", "max_index_change: 30.0"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert load_quality(path).max_index_change == 30.0
