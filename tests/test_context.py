"""The run context: settings read from the environment in one place, or built by hand on a folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pipelines.context import ENVIRONMENT, SkmContext, settings_markdown
from pipelines.registry import RegistryError
from pipelines.settings import REPO_ROOT


def test_the_environment_is_read_by_the_names_of_one_table(tmp_path: Path):
    env = {"SKM_DATA_DIR": str(tmp_path), "SKM_REGISTRY": str(tmp_path / "other.yml"), "SKM_LAPORAN_PDF": "0",
           "SKM_XLSX_MAX_ROWS": "50", "SKM_DBT_TARGET": "spark", "UNRELATED": "x"}
    skm = SkmContext.from_env(env)
    assert skm.paths.data_dir == tmp_path.resolve() and skm.paths.registry == (tmp_path / "other.yml").resolve()
    assert (skm.laporan_pdf, skm.xlsx_max_rows, skm.dbt_target) == (False, 50, "spark")
    assert SkmContext.from_env({}).paths.data_dir == (REPO_ROOT / "data").resolve()
    assert SkmContext.from_env({}).paths.registry == (REPO_ROOT / "data" / "sources.yml").resolve()


def test_a_wrong_value_is_refused_naming_the_setting():
    with pytest.raises(Exception, match="xlsx_max_rows"):
        SkmContext.from_env({"SKM_XLSX_MAX_ROWS": "many"})


def test_nothing_else_in_the_code_reads_a_setting_from_the_environment():
    """Only pipelines/context.py reads SKM_* settings; the secret and the test hooks are the two
    documented exceptions (see its docstring)."""
    allowed = {"SKM_PII_SALT": "pipelines/ingest/secret.py", "SKM_PAUSE_AT": "pipelines/faults.py",
               "SKM_PAUSE_FILE": "pipelines/faults.py"}
    found = []
    for path in sorted((REPO_ROOT / "pipelines").rglob("*.py")):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel == "pipelines/context.py":
            continue
        for var in re.findall(r"environ(?:\.get)?\(?\[?[\"'](SKM_[A-Z_]+)", path.read_text(encoding="utf-8")):
            if allowed.get(var) != rel:
                found.append(f"{rel}: {var}")
    assert found == []
    assert set(ENVIRONMENT) == {f"SKM_{n}" for n in (
        "DATA_DIR", "REGISTRY", "DBT_TARGET", "KOTA_NAMA", "LAPORAN_PDF", "LAPORAN_BROWSERS", "CHROMIUM",
        "XLSX_MAX_ROWS", "INGEST_WORKERS", "INGEST_MEMORY_LIMIT", "REFRESH_CRON", "SENSOR_INTERVAL", "ALERT_URLS")}


def test_the_registry_is_read_once_and_again_when_it_changes(tmp_path: Path):
    reg = tmp_path / "sources.yml"
    reg.write_text("sources:\n  - {code: kel_a, opd_kode: KEL-A, opd_nama: A, format: csv, landing: raw/a, "
                   "template: true}\n")
    skm = SkmContext(data_dir=str(tmp_path))
    first = skm.registry
    assert skm.registry is first and [s.code for s in first.sources] == ["kel_a"]
    reg.write_text(reg.read_text().replace("kel_a", "kel_b"))
    assert [s.code for s in skm.registry.sources] == ["kel_b"]
    reg.write_text("sources: [{code: X}]\n")
    with pytest.raises(RegistryError, match="sources.yml"):
        skm.registry  # noqa: B018


def test_a_whole_run_on_a_temporary_folder_touches_no_environment_variable(sample_run):
    """The session's shared run (tests/conftest.py) builds SkmContext(data_dir=...) and hands it
    to the code location: no SKM_DATA_DIR in this process, and its files are in its folder."""
    assert sample_run.success
    assert "SKM_DATA_DIR" not in os.environ and "SKM_REGISTRY" not in os.environ
    assert (sample_run.data_dir / "published" / "skm.duckdb").exists()
    assert (sample_run.data_dir / "warehouse" / "generation.json").exists()


def test_the_readme_settings_table_is_the_generated_one():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- settings -->\n", 1)[1].split("<!-- /settings -->", 1)[0]
    assert section == settings_markdown(), "stale: paste pipelines.context.settings_markdown() into the README"
