"""The one Definitions object of the code location (`dagster dev -w workspace.yaml`)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from pipelines.ingest.assets import raw_lake
from pipelines.publish.assets import published_warehouse
from pipelines.report.assets import laporan_skm
from pipelines.quality.gates import ASSET_CHECKS
from pipelines.registry import load_registry
from pipelines.resources import build_resources
from pipelines.schedules import running_semester_refresh, semester_close_schedule, semester_job
from pipelines.sensors import landing_sensor
from pipelines.settings import paths
from pipelines.transform.assets import skm_dbt_models

# A registry mistake stops the code location from loading (the UI shows the message naming file,
# line, source and key) instead of surfacing later inside a run or a sensor tick.
load_registry(paths().registry)

defs = Definitions(
    assets=[raw_lake, skm_dbt_models, published_warehouse, laporan_skm],
    asset_checks=ASSET_CHECKS,
    jobs=[semester_job],
    schedules=[semester_close_schedule, running_semester_refresh],
    sensors=[landing_sensor],
    resources=build_resources(),
    # One process: DuckDB takes one writer at a time anyway, and a subprocess per step would
    # re-load the code location for every step.
    executor=in_process_executor,
)
