"""Where things live: the repository's own folders, and the layout of a data folder.

A deployment's data folder and options are the run context (pipelines/context.py), which builds
``Paths`` for every step; this module reads no environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

@cache
def dbt_project_vars() -> dict:
    """The `vars:` of dbt_project/dbt_project.yml: where constants that dbt and Python share live
    (the periode pattern, the PII patterns)."""
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


UNSUR_KEYS: tuple[str, ...] = (
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "sarana",
    "pengaduan",
)


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    registry_file: Path | None = None  # None: <data_dir>/sources.yml

    @property
    def registry(self) -> Path:
        return self.registry_file or self.data_dir / "sources.yml"

    @property
    def lake(self) -> Path:
        """Canonical raw rows as Parquet, one file per loaded export (engine-neutral)."""
        return self.data_dir / "warehouse" / "raw"

    @property
    def warehouse(self) -> Path:
        """The working DuckDB file dbt writes; never read by BI tools."""
        return self.data_dir / "warehouse" / "skm.duckdb"

    @property
    def published(self) -> Path:
        """The snapshot BI tools read; replaced atomically after the gates pass."""
        return self.data_dir / "published" / "skm.duckdb"

