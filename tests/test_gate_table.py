"""The README's gate table and docs/gates.md are generated from the gates' definitions (the dbt
manifest's tests, the Dagster checks, the GX suites) and never stale; every gate says what it checks."""

from __future__ import annotations

import json

from pipelines.quality import gate_table as gt
from pipelines.quality.gates import ASSET_CHECKS
from pipelines.settings import EXPECTATIONS_DIR
from pipelines.transform.project import ensure_manifest


def test_the_readme_gate_table_and_docs_gates_md_are_generated_and_up_to_date():
    gates = gt.all_gates()
    readme = gt.README.read_text(encoding="utf-8")
    assert readme == gt.readme_with_table(readme, gt.readme_table(gates)), \
        "stale: run `python -m pipelines.quality.gate_table`"
    assert gt.GATES_MD.read_text(encoding="utf-8") == gt.gates_markdown(gates), \
        "stale: run `python -m pipelines.quality.gate_table`"


def test_every_gate_is_listed_once_with_a_description_and_one_severity():
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    gates = gt.all_gates(manifest)
    assert len(gates) == len(tests) + sum(len(c.check_specs) for c in ASSET_CHECKS)
    assert all(g.description for g in gates), [g for g in gates if not g.description]
    assert {g.name for g in gates if g.system == "gx"} == {f"gx_{p.stem}" for p in EXPECTATIONS_DIR.glob("*.json")}
    page = gt.GATES_MD.read_text(encoding="utf-8")
    for g in gates:
        assert f"| {g.system} | `{g.name}` |" in page


def test_every_dbt_test_check_in_the_ui_says_what_it_checks_and_whether_it_blocks():
    """The Dagster UI shows a check's description: each dbt test's check carries the gate table's
    text and its severity, the same words as docs/gates.md."""
    from pipelines.context import SkmContext
    from pipelines.definitions import build_definitions

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    by_name = {g.asset + "|" + node["name"]: (g, node) for node in manifest["nodes"].values()
               if node["resource_type"] == "test"
               for g in gt.dbt_gates({"nodes": {node["unique_id"]: node}}, {}) }
    specs = [s for a in build_definitions(SkmContext()).assets if getattr(a, "check_specs", None)
             for s in a.check_specs if s.key.asset_key.path[0] != "gx"]
    dbt_specs = [s for s in specs if any(s.key.name == node["name"] for _, node in by_name.values())]
    assert len(dbt_specs) > 100
    for spec in dbt_specs:
        gate, node = next(v for v in by_name.values() if v[1]["name"] == spec.key.name)
        assert spec.description == f"{gate.description} (dbt test, {gate.severity})", spec.key
        assert spec.blocking == gate.blocking, spec.key
