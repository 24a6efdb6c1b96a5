"""Shared fixtures: a small generated estate and one full pipeline run through Dagster on it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT


@pytest.fixture(scope="session", autouse=True)
def _no_pdf_by_default() -> None:
    """Every pipeline run now ends with the Laporan SKM; printing its PDFs costs Chromium start-ups
    that only tests/test_report.py needs (it switches them back on)."""
    os.environ.setdefault("SKM_LAPORAN_PDF", "0")


@pytest.fixture(scope="session", autouse=True)
def _venv_on_path() -> None:
    """dagster-dbt runs `dbt` as a subprocess; make sure it is this environment's."""
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if not os.environ.get("PATH", "").startswith(bin_dir):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def make_data_dir(root: Path, rows: int = 60, seed: int = 7) -> Path:
    from pipelines.sample_data import generate

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "data" / "sources.yml", root / "sources.yml")
    generate(root, root / "sources.yml", rows=rows, seed=seed)
    return root


@pytest.fixture
def use_data_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Point every path of the project at `data_dir` for one test."""

    def _use(data_dir: Path) -> Path:
        monkeypatch.setenv("SKM_DATA_DIR", str(data_dir))
        monkeypatch.delenv("SKM_REGISTRY", raising=False)
        return data_dir

    yield _use
