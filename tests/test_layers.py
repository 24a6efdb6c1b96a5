"""The layering contract (pyproject.toml [tool.importlinter]): the stages import downwards only,
ingest -> transform -> quality -> publish -> report, over shared modules that import no stage.
import-linter reads the imports without running them, so this takes seconds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT

LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_the_code_base_keeps_its_layers():
    out = lint(REPO_ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(("module", "line", "named"), [
    # a stage reaching up: ingest importing the publish step
    ("pipelines/ingest/schema.py", "import pipelines.publish.snapshot", "pipelines.ingest.schema -> pipelines.publish"),
    # a shared module importing a stage closes a cycle (the stages import it)
    ("pipelines/periode.py", "import pipelines.quality.warehouse", "pipelines.periode -> pipelines.quality"),
])
def test_an_upward_import_or_a_cycle_breaks_the_contract(tmp_path: Path, module: str, line: str, named: str):
    shutil.copytree(REPO_ROOT / "pipelines", tmp_path / "pipelines", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint(tmp_path).returncode == 0  # the copy as it is keeps the contract
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    out = lint(tmp_path)
    assert out.returncode != 0
    assert "BROKEN" in out.stdout and named in out.stdout.replace("\n", " "), out.stdout


def test_importing_a_stage_runs_nothing():
    """Importing ingest, transform, quality, publish or report starts no dbt (no `dbt parse`) and
    reads no manifest: the code location asks for the manifest when it builds the assets."""
    code = (
        "import subprocess\n"
        "real_popen = subprocess.Popen\n"
        "class Refuse(real_popen):\n"
        "    def __init__(self, args, *a, **k):\n"
        "        if 'dbt' in ' '.join(map(str, args if isinstance(args, (list, tuple)) else [args])):\n"
        "            raise SystemExit(f'dbt was started at import: {args}')\n"
        "        super().__init__(args, *a, **k)\n"
        "subprocess.Popen = Refuse\n"
        "import pipelines.transform.manifest as m\n"
        "m.manifest_path = lambda: (_ for _ in ()).throw(SystemExit('the manifest was read at import'))\n"
        "import pipelines.ingest.assets, pipelines.transform.assets, pipelines.quality.gates\n"
        "import pipelines.publish.assets, pipelines.report.assets\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stdout + out.stderr
