"""Old DuckDB clients in their own virtual environments, as BI drivers embed them."""

from __future__ import annotations

import fcntl
import json
import subprocess
import venv
from pathlib import Path

from pipelines.settings import REPO_ROOT

CLIENTS_DIR = REPO_ROOT / ".venv-clients"


def duckdb_client(version: str) -> Path:
    """A Python with `duckdb==<version>` only; created once and kept (ignored by git). Test
    processes running side by side (pytest-xdist workers) take turns: one creates, the others
    wait for it and reuse it."""
    env_dir = CLIENTS_DIR / f"duckdb-{version}"
    python = env_dir / "bin" / "python"
    if (env_dir / ".ready").exists():
        return python
    CLIENTS_DIR.mkdir(parents=True, exist_ok=True)
    with open(CLIENTS_DIR / f".duckdb-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (env_dir / ".ready").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
            subprocess.run([str(python), "-m", "pip", "install", "-q", f"duckdb=={version}"], check=True)
            (env_dir / ".ready").touch()
    return python


READ_ALL = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "tables": {}}
for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
    out["tables"][t] = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
print(json.dumps(out))
"""


def read_with(python: Path, db: Path) -> dict:
    done = subprocess.run([str(python), "-c", READ_ALL, str(db)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout)




READ_DESCRIPTIONS = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
own = "database_name = current_database() AND schema_name = 'main' AND NOT internal"
tables = {t: c for t, c in con.execute(f"SELECT table_name, comment FROM duckdb_tables() WHERE {own}").fetchall()}
columns = [list(r) for r in con.execute(
    f"SELECT table_name, column_name, data_type, comment FROM duckdb_columns() WHERE {own} "
    "ORDER BY table_name, column_index"
).fetchall()]
print(json.dumps({"version": duckdb.__version__, "tables": tables, "columns": columns}))
"""


def descriptions_with(python: Path, db: Path) -> dict:
    """Table and column comments and column types as an old client reads them."""
    done = subprocess.run([str(python), "-c", READ_DESCRIPTIONS, str(db)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout)
