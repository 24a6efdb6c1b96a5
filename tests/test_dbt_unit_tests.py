"""The dbt `unit_tests:` (the formula cases written beside their models: all 4 -> 100.00 A, the
88.305 boundary, a blank unsur, the pooled city mean, the legacy weights) run here by name, on a
copy of the session's warehouse (dbt reads the upstream tables' columns). This is where they run:
the pipeline's `dbt build` excludes them (`--exclude-resource-type unit_test`,
pipelines/transform/assets.py), as they check the SQL, not the data of a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import copy_estate
from tests.lake_fixtures import run_dbt
from pipelines.transform.manifest import manifest_path

FORMULA_CASES = (
    "ikm_opd_rounds_half_up_then_grades_the_rounded_value",  # 88.305 -> 88.31 A; all 4 -> 100.00 A
    "int_nrr_opd_unsur_blank_unsur_averages_over_answerers",
    "int_skor_layanan_unsur_blank_unsur_is_not_answered",
    "int_nrr_kota_unsur_is_pooled_over_responses",
    "int_ikm_kota_pooled_headline_and_mean_of_opd",
    "int_ikm_layanan_legacy_weights_0111_give_99_90",
    "int_unsur_bobot_exact_is_one_ninth",
)


@pytest.mark.slow
def test_every_dbt_unit_test_passes(sample_run, tmp_path: Path):
    assert sample_run.success
    data_dir = copy_estate(sample_run.data_dir, tmp_path / "estate")
    declared = {n["name"] for n in json.loads(manifest_path().read_text())["unit_tests"].values()}
    assert len(declared) >= 10
    out = run_dbt(data_dir, "--select", "test_type:unit", command="test")
    assert out.returncode == 0, out.stdout[-3000:]
    results = json.loads((data_dir / "dbt" / "target" / "run_results.json").read_text())["results"]
    passed = {r["unique_id"].rsplit(".", 1)[-1] for r in results if r["status"] == "pass"}
    assert passed == declared, sorted(declared - passed)
    missing = [c for c in FORMULA_CASES if c not in passed]
    assert missing == [], f"formula cases not among the unit tests: {missing}; present: {sorted(passed)}"
