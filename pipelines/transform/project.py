"""The dbt project as Dagster sees it, with a manifest that is never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

_WATCHED = ("models", "seeds", "macros", "tests", "dbt_project.yml", "profiles.yml")


def dbt_executable() -> str:
    """The dbt of this virtual environment, whatever PATH says."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in _WATCHED:
        p = project_dir / name
        files = [p] if p.is_file() else (p.rglob("*") if p.exists() else [])
        for f in files:
            newest = max(newest, f.stat().st_mtime)
    return newest


def ensure_manifest(project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """`dbt parse` when the manifest is missing or older than the project's files: Dagster builds
    the asset graph from the manifest, and `prepare_if_dev` only runs under `dagster dev`."""
    manifest = project_dir / "target" / "manifest.json"
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(project_dir):
        # parsing reads no data: the data folder's default (or SKM_DATA_DIR) is as good as any
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
            check=True,
            cwd=project_dir,
        )
    return manifest


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
