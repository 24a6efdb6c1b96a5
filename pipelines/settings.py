"""Where things live. Every path comes from here so that tests can point a whole run at a
temporary folder with one environment variable (``SKM_DATA_DIR``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

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

    @property
    def registry(self) -> Path:
        return Path(os.environ.get("SKM_REGISTRY", self.data_dir / "sources.yml"))

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


def paths() -> Paths:
    return Paths(Path(os.environ.get("SKM_DATA_DIR", REPO_ROOT / "data")).resolve())
