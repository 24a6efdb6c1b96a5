"""`skm`, the data team's command line (the Makefile targets call it):

- ``skm check``: the registry is valid (file, line, source and key of every mistake);
- ``skm run [--periode 2025-S2]``: the pipeline through Dagster, as the schedule runs it, with its
  progress (steps done of total, the step running, elapsed) and, at the end, the city's and each
  OPD's published value with its change; a blocked run ends with each blocking gate, its source
  and periode and the file problems behind it, not with dbt's summary;
- ``skm status``: what is published per semester (when, from which files) and which source is late;
- ``skm docs [--no-serve]``: the dbt docs of the models (built, then served on 127.0.0.1);
- ``skm check-source <code> <file>``: a dry run of one export through its registry entry;
- ``skm propose-source <file>``: a registry entry suggested from a file's headers.

click (already a dependency of Dagster) parses the arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines.context import SkmContext


@click.group(help="SKM warehouse: check the registry, run the pipeline, onboard a source.")
def main() -> None:
    pass


@main.command(help="Check the source registry (data/sources.yml or SKM_REGISTRY).")
@click.argument("registry", required=False, type=click.Path(path_type=Path))
def check(registry: Path | None) -> None:
    from pipelines.registry import main as check_registry

    sys.exit(check_registry([str(registry or SkmContext.from_env().paths.registry)]))


@main.command(help="Run the pipeline through Dagster for every landed semester, or one.")
@click.option("--periode", help="One semester, e.g. 2025-S2 (default: every semester with a landed file).")
def run(periode: str | None) -> None:
    from pipelines.cli.run import run_pipeline

    sys.exit(run_pipeline(periode))


@main.command(help="What is published, per semester (when, by which run, from which files), and which source is late.")
def status() -> None:
    from pipelines.cli.status import status_lines

    for line in status_lines(SkmContext.from_env()):
        click.echo(line)


@main.command(help="Build the dbt docs of the project (models, columns, tests, lineage) and serve them on 127.0.0.1.")
@click.option("--serve/--no-serve", default=True, help="Serve them after building (default) or only build.")
@click.option("--port", default=8080, show_default=True, help="The port to serve them on.")
def docs(serve: bool, port: int) -> None:
    from pipelines.cli.docs import build_docs, serve_docs

    sys.exit(build_docs(SkmContext.from_env()) or (serve_docs(SkmContext.from_env(), port) if serve else 0))


@main.command("check-source", help="Read FILE through source CODE's registry entry without touching the lake or "
                                   "the warehouse: what was found, the dates, the quarantine, the Nilai IKM.")
@click.argument("code")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--periode", help="The semester to file it under (default: its folder, else its dates).")
def check_source(code: str, file: Path, periode: str | None) -> None:
    from pipelines.cli.check_source import check_source as dry_run, render
    from pipelines.registry import RegistryError

    try:
        result = dry_run(SkmContext.from_env().paths.registry, code, file, periode)
    except RegistryError as exc:
        click.echo(f"The source registry has errors:\n{exc}", err=True)
        sys.exit(2)
    click.echo(render(result))
    sys.exit(0 if result.loaded and not result.dbt_error else 1)


@main.command("propose-source", help="Propose a registry entry for FILE from its headers (to paste under sources:).")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--code", help="The source code to give it (default: from the file name).")
def propose_source(file: Path, code: str | None) -> None:
    from pipelines.ingest.propose import propose_entry, render_yaml

    click.echo(render_yaml(propose_entry(file, code=code)))
