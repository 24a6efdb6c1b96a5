"""Resources, configured in one place from one run context."""

from __future__ import annotations

from pipelines.context import SkmContext
from pipelines.quality.gx import GreatExpectationsResource
from pipelines.run_lock import RunLock
from pipelines.transform.dbt_resource import SkmDbtCliResource
from pipelines.transform.project import dbt_executable, dbt_project


def build_resources(skm: SkmContext) -> dict:
    """The code location's resources for the run context `skm` (tests pass one on a temporary
    folder). The dbt target (dbt_project/profiles.yml): 'duckdb' (default) or 'spark'; on Spark the
    dbt asset builds and tests every model there and mirrors the marts and profiles into the
    working warehouse the Python gates and the publish step read (transform/spark_mirror.py;
    README, "When one machine is not enough")."""
    return {"skm": skm,
            "dbt": SkmDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable(),
                                     target=skm.dbt_target or None),
            "gx": GreatExpectationsResource(),
            # one run at a time over the data folder; every asset and check requires it
            "run_lock": RunLock(skm=skm)}
