"""Resources, configured in one place."""

from __future__ import annotations

import os

from dagster_dbt import DbtCliResource

from pipelines.settings import paths
from pipelines.transform.project import dbt_executable, dbt_project


def build_resources() -> dict:
    # dbt's profile reads SKM_DATA_DIR to find the warehouse and the raw lake.
    os.environ["SKM_DATA_DIR"] = str(paths().data_dir)
    return {"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())}
