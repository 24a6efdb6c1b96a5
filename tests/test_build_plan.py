"""The dbt step's build plan: the semesters it rewrites and the vars it passes (a pure function)."""

from __future__ import annotations

from pipelines.transform.build_plan import built_periodes, plan_build

TRUST = {"kebijakan_ditandai": "hitung"}


def plan(periodes=("2025-S2",), **kw):
    args = {"warehouse_exists": True, "interrupted_run": None, "target": None, "trust_vars": TRUST,
            "data_dir": "/data", **kw}
    return plan_build(list(periodes), **args)


def test_a_semester_run_on_a_built_warehouse_rewrites_only_its_semesters():
    p = plan(("2025-S1", "2025-S2"))
    assert p.periodes == ("2025-S1", "2025-S2") and p.label == "2025-S1,2025-S2"
    assert p.dbt_vars == {**TRUST, "data_dir": "/data", "periode_from": "2025-S1", "periode_to": "2025-S2"}


def test_a_new_warehouse_builds_every_semester_without_periode_vars():
    p = plan(warehouse_exists=False)
    assert p.periodes is None and p.label == "all"
    assert "periode_from" not in p.dbt_vars and p.dbt_vars["data_dir"] == "/data"


def test_an_interrupted_build_rebuilds_every_semester_and_names_the_run():
    p = plan(interrupted_run="abcdef1234567890")
    assert p.periodes is None and "periode_from" not in p.dbt_vars
    assert "abcdef12" in p.why and "did not finish" in p.why


def test_spark_gets_the_periode_vars_but_rebuilds_every_semester():
    p = plan(target="spark")
    assert p.periodes is None and p.dbt_vars["periode_from"] == "2025-S2"


def test_the_stamp_label_reads_back_as_the_same_semesters():
    assert built_periodes(plan(("2025-S1", "2025-S2")).label) == ["2025-S1", "2025-S2"]
    assert built_periodes("all") is None and built_periodes(None) is None
