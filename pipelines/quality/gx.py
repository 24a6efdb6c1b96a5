"""Great Expectations on profiles, never on raw rows: the GX context, as a Dagster resource.

Design (for the README):

- GX never sees a response. Row-level rules (labels, scores, duplicates, ranges, not-null) live
  in dbt SQL, which runs inside DuckDB at any volume. GX validates profiles: small tables dbt
  builds beside the marts (``dbt_project/models/profiles/``, see ``profiles``), read from the
  working warehouse, so a validation costs the same for 5 000 or 50 million responses.
- A suite is a plain GX 1.x ExpectationSuite JSON file in ``expectations/`` (``suites``); the
  rules stay in the file, the values with a home elsewhere (the mutu bands, seed value sets) are
  named in it and filled in when it is read.
- Validation (``validation``) uses one ephemeral GX context per process (no GX project folder, no
  stores on disk), the pandas datasource (GX's SQL datasource fails on DuckDB 2.0), progress bars
  and analytics off. GX is imported on first use, so loading the Dagster code location stays
  fast; the resource starts creating the context when a run that uses it starts.
- Every validation is stored as JSON and the whole set is rendered to one self-contained HTML
  page, ``<data_dir>/warehouse/reports/validation.html`` (``validation_report``), the equivalent of
  GX Data Docs (which need a file context).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

import duckdb
from dagster import ConfigurableResource, InitResourceContext

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.datasource.fluent import PandasDatasource

    from pipelines.quality.suites import SuiteFile
    from pipelines.quality.validation import SuiteResult


_DATASOURCE_LOCK = threading.Lock()


def datasource() -> PandasDatasource:
    with _DATASOURCE_LOCK:  # the warm-up thread may be creating it right now
        return _create_datasource()


@cache
def _create_datasource() -> PandasDatasource:
    """One ephemeral context for the process: creating one is the slow part of GX, and nothing in
    it needs to outlive the process (results are stored by ``validation_report.record_result``)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,  # offline machines; and nothing about the data leaves
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    return context.data_sources.add_pandas("skm_profiles")


def warm_up() -> threading.Thread:
    """Create the context on a daemon thread. ``import great_expectations`` alone takes 3-4 s; a
    run that starts this when it starts pays it while ingest and dbt run (the Dagster process
    mostly waits on dbt's subprocess then), not in front of the first suite.

    ``sqlalchemy.orm`` is imported here, on the caller's thread, first (70 ms). GX imports it, and
    importing it registers hooks in SQLAlchemy's global inspection registry before the rest of the
    package (``sqlalchemy.orm.exc``) is initialised; Dagster's event log, on the run's thread,
    calls those hooks on every ``IN (...)`` query. Imported on the warm-up thread, a run whose dbt
    step started within those 3 s failed with "partially initialized module 'sqlalchemy.orm.exc'"
    (tests/test_run_guarantees.py's kill -9 test, where ingest has nothing new and takes 0.6 s)."""
    import sqlalchemy.orm  # noqa: F401 - see above: never first on the warm-up thread

    thread = threading.Thread(target=datasource, name="gx-warm-up", daemon=True)
    thread.start()
    return thread


_batch_definitions: dict[str, BatchDefinition] = {}


def batch_definition(dataset: str) -> BatchDefinition:
    with _DATASOURCE_LOCK:
        if dataset not in _batch_definitions:
            asset = _create_datasource().add_dataframe_asset(dataset)
            _batch_definitions[dataset] = asset.add_batch_definition_whole_dataframe("whole")
        return _batch_definitions[dataset]


class GreatExpectationsResource(ConfigurableResource):
    """The suites' GX context as a Dagster resource (one per process, see ``datasource``).

    The in-process executor builds a run's resources when the run starts, so a run whose plan
    holds a GX check starts creating the context then, in the background, while ingest and dbt
    run; no asset has to know."""

    def setup_for_execution(self, context: InitResourceContext) -> None:  # noqa: ARG002 - Dagster's hook
        warm_up()

    def validate(self, suite: SuiteFile, con: duckdb.DuckDBPyConnection) -> SuiteResult:
        from pipelines.quality.validation import validate_suite

        return validate_suite(suite, con)
