"""`skm docs`: dbt's own documentation site for the project (every model and column with its
description, the tests, the lineage graph from the raw lake to the marts), built against the
working warehouse (dbt reads the column types there) and served on 127.0.0.1 only. Its home page
is `dbt_project/models/overview.md`. Written to dbt_project/target/docs/, apart from the target
folder the pipeline's dbt runs use."""

from __future__ import annotations

import json
import subprocess

from pipelines.context import SkmContext
from pipelines.settings import DBT_PROJECT_DIR
from pipelines.transform.project import dbt_executable

DOCS_TARGET = DBT_PROJECT_DIR / "target" / "docs"


def _dbt(args: list[str], skm: SkmContext) -> list[str]:
    target = ["--target", skm.dbt_target] if skm.dbt_target else []
    return [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(DOCS_TARGET), "--vars", json.dumps({"data_dir": str(skm.paths.data_dir)}), *target]


def build_docs(skm: SkmContext) -> int:
    """`dbt docs generate`; 0 when target/docs/index.html and catalog.json are written."""
    if skm.dbt_target in (None, "", "duckdb") and not skm.paths.warehouse.exists():
        print(f"No working warehouse at {skm.paths.warehouse}: run the pipeline first (`make demo` or `skm run`); "
              "the docs read the column types from it.")
        return 1
    done = subprocess.run(_dbt(["docs", "generate"], skm), cwd=DBT_PROJECT_DIR, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        print(done.stdout[-3000:] + done.stderr[-2000:])
        print("dbt docs generate failed (is a pipeline run holding the warehouse? wait for it to end).")
        return done.returncode
    print(f"dbt docs written to {DOCS_TARGET} (index.html, manifest.json, catalog.json).")
    return 0


def serve_docs(skm: SkmContext, port: int) -> int:
    print(f"Serving the dbt docs on http://127.0.0.1:{port} (Ctrl-C stops).")
    return subprocess.run(_dbt(["docs", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser"], skm),
                          cwd=DBT_PROJECT_DIR, check=False).returncode
