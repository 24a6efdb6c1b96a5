"""The dbt CLI resource, minus two start-up costs this project does not need.

dagster-dbt runs ``dbt --version`` in a subprocess before every invocation (about 4 s on this
machine: importing dbt is most of dbt's start-up) and builds a second dbt adapter inside the Dagster
process (about 2 s) that it uses only to fetch row counts and column metadata, which this project
does not ask for. Both are fixed costs of every run, so they dominate a semester's incremental run
(README "Speed and scale").
"""

from __future__ import annotations

import importlib.metadata
import sys
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


class SkmDbtCliResource(DbtCliResource):
    """`DbtCliResource` that knows its dbt version without asking the executable."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # The executable is this virtual environment's dbt (transform/project.py), so its version is
        # the installed dbt-core's. Any other dbt on PATH is asked, as dagster-dbt does.
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Any) -> None:
        # No adapter: dagster-dbt needs it only for fetch_row_counts()/fetch_column_metadata().
        return None
