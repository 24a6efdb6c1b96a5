"""The one Definitions object of the code location (`dagster dev -w workspace.yaml`).

The run context is read from the environment here, once (pipelines/context.py), and handed to
every asset, check, sensor and schedule as resources or arguments; the dbt manifest is read here,
once, to build the dbt assets and the publish step's dependencies.
"""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from pipelines.context import SkmContext
from pipelines.ingest.assets import raw_lake
from pipelines.publish.assets import build_publish_asset
from pipelines.report.assets import laporan_skm
from pipelines.quality.gates import ASSET_CHECKS
from pipelines.resources import build_resources
from pipelines.schedules import build_refresh_schedule, semester_close_schedule, semester_job
from pipelines.sensors import build_alert_sensors, build_blocked_publication_sensor, build_landing_sensor
from pipelines.transform.assets import build_dbt_assets
from pipelines.transform.manifest import manifest_path, mart_asset_keys, mart_periode_keys


def build_definitions(skm: SkmContext) -> Definitions:
    """The code location for the run context `skm` (tests build one on a temporary folder)."""
    # A registry mistake stops the code location from loading (the UI shows the message naming
    # file, line, source and key) instead of surfacing later inside a run or a sensor tick.
    skm.registry  # noqa: B018 - read and validated here
    dbt_assets = build_dbt_assets(manifest_path())
    gates = [*dbt_assets.check_specs, *(spec for c in ASSET_CHECKS for spec in c.check_specs)]
    return Definitions(
        assets=[raw_lake, dbt_assets, build_publish_asset(mart_asset_keys(), mart_periode_keys(), gates), laporan_skm],
        asset_checks=ASSET_CHECKS,
        jobs=[semester_job],
        schedules=[semester_close_schedule, build_refresh_schedule(skm.refresh_cron)],
        sensors=[build_landing_sensor(skm.sensor_interval_seconds), build_blocked_publication_sensor(),
                 *build_alert_sensors()],
        resources=build_resources(skm),
        # One process: DuckDB takes one writer at a time anyway, and a subprocess per step would
        # re-load the code location for every step.
        executor=in_process_executor,
    )


defs = build_definitions(SkmContext.from_env())
