"""Resources, configured in one place."""

from __future__ import annotations

import os

from pipelines.quality.gx import GreatExpectationsResource
from pipelines.run_lock import RunLock
from pipelines.settings import paths
from pipelines.transform.dbt_resource import SkmDbtCliResource
from pipelines.transform.project import dbt_executable, dbt_project


# The dbt target (dbt_project/profiles.yml): 'duckdb' (default) or 'spark'. On Spark the dbt asset
# builds and tests every model there; the Python gates and the publish step still read the DuckDB
# warehouse (README, "When one machine is not enough").
DBT_TARGET_ENV = "SKM_DBT_TARGET"


def build_resources() -> dict:
    # dbt's profile reads SKM_DATA_DIR to find the warehouse and the raw lake.
    os.environ["SKM_DATA_DIR"] = str(paths().data_dir)
    return {"dbt": SkmDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable(),
                                     target=os.environ.get(DBT_TARGET_ENV) or None),
            "gx": GreatExpectationsResource(),
            # one run at a time over the data folder; every asset and check requires it
            "run_lock": RunLock()}
