"""`make bench` end to end at a small size: every measurement is there, the JSON carries the keys
of issue #19, and the pipeline's published file equals the fair reference's on every mart, before
and after the increment. No timing thresholds here: at this size Dagster's and dbt's start-up is
all there is to measure (the targets are the benchmark's, at 10 M rows)."""

from __future__ import annotations

import pytest

from tests.conftest import BENCH_ROWS, BenchRun

pytestmark = pytest.mark.slow
ROWS = BENCH_ROWS


@pytest.fixture(scope="module")
def report(bench_run: BenchRun) -> dict:
    """The harness's report of the session's one bench run (tests/conftest.py bench_run, shared with
    test_benchmark_estate and test_fair_rows)."""
    assert bench_run.report is not None, bench_run.output
    data = dict(bench_run.report)
    data["_exit"], data["_output"] = bench_run.returncode, bench_run.output
    return data


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0


def test_harness_succeeds(report):
    assert report["_exit"] == 0, report["_output"]


def test_machine_and_estate_are_recorded(report):
    m = report["machine"]
    assert m["nproc"] >= 1 and m["mem_total_bytes"] > 0 and m["cpu_model"]
    assert m["versions"]["duckdb"] and m["versions"]["dagster"]
    e = report["estate"]
    assert e["rows"] == ROWS and e["sources"] >= 40
    assert _positive(e["bytes"])


def test_the_issue_keys_are_written(report):
    """The keys anyone compares commits by (issue #19)."""
    assert _positive(report["fair_reference"]["seconds"])
    assert _positive(report["ratios"]["pipeline_over_fair"])
    assert _positive(report["ratios"]["incremental_over_fair"])
    assert _positive(report["pipeline"]["peak_rss_bytes"])
    assert _positive(report["laporan"]["seconds_per_report"])
    assert _positive(report["laporan"]["reports_rendered"])


def test_fair_reference_times_each_required_step(report):
    steps = report["fair_reference"]["steps"]
    assert set(steps) == {"sha256", "read_and_lake", "normalise_quarantine_duplicates", "trust_rules", "marts",
                          "publish"}
    assert all(isinstance(v, (int, float)) and v >= 0 for v in steps.values())
    assert sum(steps.values()) <= report["fair_reference"]["seconds"]


def test_published_file_equals_the_fair_reference_on_every_mart(report):
    from tests.benchmark.fair import mart_names

    for key in ("pipeline_vs_fair", "after_increment"):
        s = report["sanity"][key]
        bad = {t: v for t, v in s["tables"].items() if not v["matched"]}
        assert s["matched"] and not bad, (key, bad)
        assert set(s["tables"]) == set(mart_names()), (key, set(mart_names()) ^ set(s["tables"]))
        assert all(v["rows_published"] == v["rows_fair"] for v in s["tables"].values())
    assert report["sanity"]["pipeline_vs_fair"]["tables"]["ikm_opd"]["rows_published"] > 0


def test_pipeline_is_timed_without_the_laporan_and_explained(report):
    pipe = report["pipeline"]
    assert pipe["success"] is True and "laporan_skm" not in pipe["steps"]
    for stage in ("ingest", "dbt", "checks", "publish"):
        assert _positive(pipe["stages"][stage]), stage
    rr = pipe["dbt_run_results"]
    assert rr["by_kind"]["model"]["count"] > 10 and rr["by_kind"]["test"]["count"] > 10
    assert rr["slowest_models"] and rr["slowest_tests"]
    assert pipe["slowest_steps"][0]["seconds"] >= pipe["slowest_steps"][-1]["seconds"]


def test_incremental_run_brings_the_published_file_up_to_date(report):
    inc = report["incremental"]
    assert inc["success"] is True and "partition 2026-01" in inc["mode"]
    assert inc["landed"]["rows"] == ROWS // 100
    assert inc["published_updated"] is True


def test_a_semester_run_re_renders_only_its_semester(report):
    lap = report["laporan"]
    # the increment is one OPD's 2026-S1: the city's report and that OPD's, nothing else
    assert lap["periodes_rendered"] == ["2026-S1"] and lap["reports_rendered"] == 2
    assert lap["reports_rendered_full"] > 6 * 40


def test_targets_are_reported_as_ratios(report):
    assert [t["key"] for t in report["targets"]] == ["ratios.pipeline_over_fair", "ratios.incremental_over_fair",
                                                     "pipeline.peak_rss_gib"]
    assert {t["status"] for t in report["targets"]} <= {"PASS", "FAIL"}
    assert report["targets_note"]
