"""The GX suites in expectations/ on a small hand-made warehouse: no dbt run, no sample generator.

The fixture builds only the columns the profiles read, with marts derived from the answers by the
same formulas the dbt project uses, so the good warehouse is internally consistent and every
suite must pass; the profile tables are then built from the profile models' own SQL
(dbt_project/models/profiles/, their ref()s resolved by hand). Each bad case breaks one thing and
must fail exactly one suite, naming the expectation and the row (file, source/periode/unsur, or
OPD) at fault.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey

from pipelines import mutu
from pipelines.context import SkmContext
from pipelines.quality import suites, validation, validation_report
from pipelines.quality.gx import GreatExpectationsResource
from pipelines.quality.gx_checks import GX_CHECKS, describe
from pipelines.quality.profiles import PROFILE_MODELS_DIR, SCHEMA, profiles
from pipelines.run_lock import RunLock
from pipelines.settings import EXPECTATIONS_DIR, UNSUR_KEYS, Paths

SOURCES = {"dpmptsp_web": "DPMPTSP", "dishub_kiosk": "DISHUB"}
PERIODE = "2025-S1"
RESPONSES_PER_SOURCE = 40

MUTU_SQL = ("CASE " + " ".join(f"WHEN {{v}} >= {b.lower} THEN '{b.mutu}'" for b in reversed(mutu.bands()[1:]))
            + f" ELSE '{mutu.bands()[0].mutu}' END")
KINERJA_SQL = ("CASE {m} " + " ".join(f"WHEN '{b.mutu}' THEN '{b.kinerja}'" for b in mutu.bands()[1:])
               + f" ELSE '{mutu.bands()[0].kinerja}' END")
# where the profile models' ref()s point in the hand-made warehouse
LAYERS = {"int_answer_counts": "intermediate", "int_answer_values": "intermediate"}


def build_profiles(con: duckdb.DuckDBPyConnection) -> None:
    """The profile tables dbt would build, from the models' SQL (they use nothing but ref())."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for profile in profiles().values():
        sql = (PROFILE_MODELS_DIR / f"{profile.model}.sql").read_text()
        sql = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", lambda m: f"{LAYERS.get(m[1], 'marts')}.{m[1]}", sql)
        assert "{{" not in sql, profile.model
        con.execute(f"CREATE OR REPLACE TABLE {profile.table} AS {sql}")


def build_warehouse(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    unsur = ", ".join(f"('{u}', {i})" for i, u in enumerate(UNSUR_KEYS, 1))
    sources = ", ".join(f"('{s}', '{o}', {i})" for i, (s, o) in enumerate(SOURCES.items()))
    con.execute(f"""
        CREATE SCHEMA staging; CREATE SCHEMA intermediate; CREATE SCHEMA marts;
        CREATE TEMP TABLE u AS SELECT * FROM (VALUES {unsur}) AS v(unsur, urutan);
        CREATE TEMP TABLE s AS SELECT * FROM (VALUES {sources}) AS v(source_code, opd_kode, k);

        CREATE TABLE staging.stg_raw__responses AS
        SELECT s.source_code || ':' || n AS response_id, s.source_code, s.opd_kode,
               '{PERIODE}' AS periode, '{PERIODE}' AS periode_declared, n, s.k
        FROM s, range({RESPONSES_PER_SOURCE}) AS t(n);

        -- mostly 3 and 4, some 2, one source better than the other: like real survey answers
        CREATE TABLE intermediate.int_answers AS
        SELECT r.response_id, r.source_code, r.periode_declared, u.unsur,
               CASE WHEN (r.n * 7 + u.urutan * 3 + r.k) % 10 < 1 THEN 2
                    WHEN (r.n * 7 + u.urutan * 3 + r.k) % 10 < 5 + 3 * r.k THEN 3 ELSE 4 END AS score,
               'valid' AS answer_status
        FROM staging.stg_raw__responses AS r, u;

        -- what the answer profile reads: the counts per raw answer and their classification
        CREATE TABLE intermediate.int_answer_values AS
        SELECT DISTINCT periode_declared, unsur, CAST(score AS VARCHAR) AS raw_value, score, answer_status
        FROM intermediate.int_answers;
        CREATE TABLE intermediate.int_answer_counts AS
        SELECT source_code, periode_declared, unsur, CAST(score AS VARCHAR) AS raw_value, count(*) AS jumlah
        FROM intermediate.int_answers GROUP BY ALL;

        CREATE TABLE marts.reconciliation AS
        SELECT source_code, 'skm_' || source_code || '.csv' AS file_name, sha256(source_code) AS file_sha256,
               '{PERIODE}' AS periode_declared, 'loaded' AS file_status,
               CAST({RESPONSES_PER_SOURCE} + 2 AS BIGINT) AS rows_read,
               CAST({RESPONSES_PER_SOURCE} AS HUGEINT) AS rows_used,
               CAST(1 AS HUGEINT) AS rows_quarantined, CAST(1 AS HUGEINT) AS rows_duplicate
        FROM s
        UNION ALL  -- a file ingest could not read: no rows, not loaded; must not fail anything
        SELECT 'dishub_kiosk', 'rusak.xlsx', sha256('rusak'), NULL, 'error', NULL, 0, 0, 0;

        CREATE TABLE marts.ikm_unsur AS
        WITH n AS (
            SELECT r.periode, r.opd_kode, a.unsur, count(a.score) AS jumlah_jawaban, avg(a.score) AS nrr
            FROM intermediate.int_answers AS a JOIN staging.stg_raw__responses AS r USING (response_id)
            GROUP BY ALL
        )
        SELECT periode, opd_kode, 'Dinas ' || opd_kode AS opd_nama, unsur, upper(unsur) AS unsur_nama,
               CAST(jumlah_jawaban AS HUGEINT) AS jumlah_jawaban,
               CAST(nrr AS DECIMAL(18, 4)) AS nrr, CAST(nrr / 9 AS DECIMAL(18, 4)) AS nrr_tertimbang,
               CAST(CAST(nrr * 25 AS DECIMAL(18, 6)) AS DECIMAL(18, 2)) AS nilai_unsur,
               {MUTU_SQL.format(v="CAST(CAST(nrr * 25 AS DECIMAL(18, 6)) AS DECIMAL(18, 2))")} AS mutu
        FROM n;

        CREATE TABLE marts.ikm_opd AS
        WITH i AS (
            SELECT periode, opd_kode, any_value(opd_nama) AS opd_nama, sum(CAST(nrr AS DOUBLE) / 9) AS ikm
            FROM marts.ikm_unsur GROUP BY ALL
        ), j AS (
            SELECT *, CAST(CAST(ikm * 25 AS DECIMAL(18, 6)) AS DECIMAL(18, 2)) AS nilai_ikm FROM i
        )
        SELECT periode, opd_kode, opd_nama, CAST({RESPONSES_PER_SOURCE} AS HUGEINT) AS jumlah_responden,
               CAST(ikm AS DECIMAL(18, 4)) AS ikm, nilai_ikm,
               {MUTU_SQL.format(v="nilai_ikm")} AS mutu,
               {KINERJA_SQL.format(m=MUTU_SQL.format(v="nilai_ikm"))} AS kinerja
        FROM j;

        CREATE TABLE marts.ikm_kota AS
        WITH k AS (
            SELECT periode, count(*) AS jumlah_opd, sum(jumlah_responden) AS jumlah_responden,
                   avg(CAST(ikm AS DOUBLE)) AS ikm, CAST(avg(nilai_ikm) AS DECIMAL(18, 2)) AS nilai_ikm_rata_opd
            FROM marts.ikm_opd GROUP BY ALL
        ), n AS (
            SELECT *, CAST(CAST(ikm * 25 AS DECIMAL(18, 6)) AS DECIMAL(18, 2)) AS nilai_ikm FROM k
        )
        SELECT periode, jumlah_opd, jumlah_responden, CAST(ikm AS DECIMAL(18, 4)) AS ikm, nilai_ikm,
               {MUTU_SQL.format(v="nilai_ikm")} AS mutu,
               {KINERJA_SQL.format(m=MUTU_SQL.format(v="nilai_ikm"))} AS kinerja,
               nilai_ikm_rata_opd
        FROM n;
    """)
    build_profiles(con)
    con.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    build_warehouse(tmp_path / "warehouse" / "skm.duckdb")
    return tmp_path


def mutate(data_dir: Path, sql: str, rebuild_profiles: bool = True) -> None:
    """Change the marts or counts, then rebuild the profiles from them (as a dbt build would)."""
    con = duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"))
    con.execute(sql)
    if rebuild_profiles:
        build_profiles(con)
    con.close()


def run_all(data_dir: Path) -> dict[str, validation.SuiteResult]:
    con = duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        return {s.name: validation.validate_suite(s, con) for s in map(suites.load_suite, suites.suite_paths())}
    finally:
        con.close()


def test_suite_files_are_gx_suites_that_name_a_profile_and_an_asset():
    paths = suites.suite_paths()
    assert {p.stem for p in paths} >= {"raw_load", "staged_responses", "marts"}
    for path in paths:
        suite = suites.load_suite(path)
        gx_suite = suites.to_gx_suite(suite)  # GX validates every expectation's type and kwargs here
        assert len(gx_suite.expectations) == len(suite.body["expectations"])
        assert suite.dataset in profiles() and suite.asset
    assert suites.load_suite(EXPECTATIONS_DIR / "marts.json").dataset == "ikm_opd"


def test_the_mutu_bands_and_value_sets_come_from_the_seeds():
    """No suite writes a band bound, a grade or an unsur down: they are filled in from
    pipelines.mutu (seeds/mutu_categories.csv) and seeds/unsur.csv when the file is read."""
    for path in suites.suite_paths():
        assert "88.31" not in path.read_text() and "Sangat baik" not in path.read_text(), path.name
        assert "persyaratan" not in path.read_text(), path.name
    marts = suites.load_suite(EXPECTATIONS_DIR / "marts.json")
    bands = {e["kwargs"]["row_condition"]["parameter"]: e["kwargs"] for e in marts.body["expectations"]
             if e["kwargs"].get("row_condition", {}).get("column", {}).get("name") == "mutu"}
    lowest, *others = mutu.bands()
    assert set(bands) == {b.mutu for b in mutu.bands()}
    for band in others:
        assert (bands[band.mutu]["min_value"], bands[band.mutu]["max_value"]) == (
            float(band.lower), float(band.highest_shown))
    # the lowest band is open below, as the marts classify; the floor of the scale is dbt's test
    assert "min_value" not in bands[lowest.mutu] and bands[lowest.mutu]["max_value"] == 64.99
    assert bands["A"] == {**bands["A"], "column": "nilai_ikm", "min_value": 88.31, "max_value": 100.0}
    (pairs,) = [e for e in marts.body["expectations"] if e["type"] == "expect_column_pair_values_to_be_in_set"]
    assert pairs["kwargs"]["value_pairs_set"] == [[b.mutu, b.kinerja] for b in reversed(mutu.bands())]
    staged = suites.load_suite(EXPECTATIONS_DIR / "staged_responses.json")
    (nine,) = [e for e in staged.body["expectations"] if e["type"] == "expect_column_distinct_values_to_equal_set"]
    assert nine["kwargs"]["value_set"] == list(UNSUR_KEYS)


def test_a_suite_naming_an_unknown_profile_is_refused_with_the_file_name(tmp_path: Path):
    bad = tmp_path / "typo.json"
    bad.write_text(json.dumps({"name": "typo", "meta": {"dataset": "ikm_opdd", "asset": "ikm_opd"},
                               "expectations": [{"type": "expect_table_row_count_to_be_between",
                                                 "kwargs": {"min_value": 1}}]}))
    with pytest.raises(ValueError, match=r"typo\.json.*ikm_opdd"):
        suites.load_suite(bad)


def _suite_file(tmp_path: Path, expectation: dict) -> suites.SuiteFile:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps({"name": "edited", "meta": {"dataset": "ikm_opd", "asset": "marts/ikm_opd"},
                                "expectations": [expectation]}))
    return suites.load_suite(path)


def test_a_typo_in_a_suite_fails_that_suite_with_the_reason_not_the_run(tmp_path: Path):
    df = pd.DataFrame({"periode": [PERIODE], "opd_kode": ["DISHUB"], "nilai_ikm": [80.0]})
    no_column = _suite_file(tmp_path, {"type": "expect_column_values_to_be_between", "kwargs": {"min_value": 25}})
    result = validation.validate_frame(no_column, df)
    assert not result.success and "edited.json is not a valid GX suite" in (result.error or "")
    wrong_column = _suite_file(tmp_path, {"type": "expect_column_values_to_be_between",
                                          "kwargs": {"column": "nilai_ikmm", "min_value": 25}})
    (failure,) = validation.validate_frame(wrong_column, df).failures
    assert "nilai_ikmm" in (failure.error or "")


def test_one_blocking_check_per_suite_on_the_asset_its_meta_names():
    specs = {s.key.name: s for c in GX_CHECKS for s in c.check_specs}
    assert set(specs) == {f"gx_{p.stem}" for p in suites.suite_paths()}
    assert all(s.blocking for s in specs.values())
    assert specs["gx_raw_load"].asset_key == AssetKey(["marts", "reconciliation"])
    assert specs["gx_staged_responses"].asset_key == AssetKey(["marts", "reconciliation"])
    assert specs["gx_marts"].asset_key == AssetKey(["marts", "ikm_opd"])
    # each check reads the profile dbt builds after the marts, so it depends on that asset too
    for check in GX_CHECKS:
        suite = suites.load_suite(EXPECTATIONS_DIR / f"{check.check_key.name.removeprefix('gx_')}.json")
        (spec,) = check.check_specs
        assert AssetKey([SCHEMA, f"profile_{suite.dataset}"]) in {d.asset_key for d in spec.additional_deps}


def test_every_suite_passes_on_good_data(data_dir: Path):
    results = run_all(data_dir)
    failed = {name: describe(r) for name, r in results.items() if not r.success}
    assert not failed
    assert results["raw_load"].rows == 3  # two loaded files and one unreadable one
    assert results["staged_responses"].rows == len(SOURCES) * len(UNSUR_KEYS)


BAD_CASES = {
    "nilai_ikm_120": (
        "UPDATE marts.ikm_opd SET nilai_ikm = 120 WHERE opd_kode = 'DISHUB'",
        "marts", "expect_column_values_to_be_between", "nilai_ikm", ["DISHUB"],
    ),
    "mutu_E": (  # (mutu is one of A-D: dbt's accepted_values; GX sees a pair the seed does not hold)
        "UPDATE marts.ikm_opd SET mutu = 'E' WHERE opd_kode = 'DPMPTSP'",
        "marts", "expect_column_pair_values_to_be_in_set", "mutu, kinerja", ["DPMPTSP"],
    ),
    "file_with_no_rows": (
        "UPDATE marts.reconciliation SET rows_read = 0 WHERE source_code = 'dishub_kiosk' AND file_status = 'loaded'",
        "raw_load", "expect_column_values_to_be_between", "rows_read",
        ["dishub_kiosk", PERIODE, "skm_dishub_kiosk.csv"],
    ),
    "unsur_valid_share_0_3": (
        # 7 in 10 of dpmptsp_web's pengaduan answers left blank (NULL raw value)
        """DELETE FROM intermediate.int_answer_counts WHERE unsur = 'pengaduan' AND source_code = 'dpmptsp_web';
           INSERT INTO intermediate.int_answer_counts
           SELECT source_code, periode_declared, unsur,
                  CASE WHEN CAST(split_part(response_id, ':', 2) AS INTEGER) % 10 < 7 THEN NULL
                       ELSE CAST(score AS VARCHAR) END,
                  count(*)
           FROM intermediate.int_answers WHERE unsur = 'pengaduan' AND source_code = 'dpmptsp_web'
           GROUP BY ALL""",
        "staged_responses", "expect_column_values_to_be_between", "valid_share",
        ["dpmptsp_web", PERIODE, "pengaduan"],
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_a_bad_row_fails_the_right_suite_and_names_it(data_dir: Path, case: str):
    sql, suite, expectation, column, names = BAD_CASES[case]
    mutate(data_dir, sql)
    results = run_all(data_dir)
    assert {n for n, r in results.items() if not r.success} == {suite}
    failure = next(f for f in results[suite].failures if f.type == expectation and f.column == column)
    row = failure.offending_rows[0]
    assert all(name in row.values() for name in names), row
    text = describe(results[suite])
    assert expectation in text and column in text and all(name in text for name in names), text


def test_valid_share_failure_reports_the_observed_share(data_dir: Path):
    mutate(data_dir, BAD_CASES["unsur_valid_share_0_3"][0])
    result = run_all(data_dir)["staged_responses"]
    (failure,) = [f for f in result.failures if f.column == "valid_share"]
    assert failure.offending_rows == [{"source_code": "dpmptsp_web", "periode_declared": PERIODE,
                                       "unsur": "pengaduan", "valid_share": pytest.approx(0.3)}]


def test_a_profile_not_built_is_a_failed_suite_not_a_crash(data_dir: Path):
    mutate(data_dir, "DROP TABLE profiles.profile_ikm_kota", rebuild_profiles=False)
    result = run_all(data_dir)["ikm_kota"]
    assert not result.success and "profile_ikm_kota" in (result.error or "")


def test_check_fails_blocking_with_failures_table_and_report(data_dir: Path):
    mutate(data_dir, BAD_CASES["mutu_E"][0])
    check = next(c for c in GX_CHECKS if c.check_key.name == "gx_marts")
    skm = SkmContext(data_dir=str(data_dir))  # the run context on this folder
    result = check(gx=GreatExpectationsResource(), run_lock=RunLock(skm=skm), skm=skm)
    assert result.passed is False
    assert "expect_column_pair_values_to_be_in_set(mutu, kinerja)" in result.description
    assert "DPMPTSP" in result.description
    table = result.metadata["failures"].value
    assert "| expect_column_pair_values_to_be_in_set | mutu, kinerja |" in table and "DPMPTSP" in table
    report = Path(result.metadata["report"].value)
    assert report == data_dir / "warehouse" / "reports" / "validation.html"
    page = report.read_text()
    assert "expect_column_pair_values_to_be_in_set" in page and "FAILED" in page and "DPMPTSP" in page


def test_report_has_one_section_per_suite_with_failures_and_passes(data_dir: Path):
    mutate(data_dir, BAD_CASES["nilai_ikm_120"][0])
    results = run_all(data_dir)
    for r in results.values():
        path = validation_report.record_result(r, validation_report.reports_dir(Paths(data_dir)),
                                               suites=tuple(results))
    page = path.read_text()
    assert path == validation_report.report_path(Paths(data_dir))
    for name in results:
        assert f'<h2 id="{name}">' in page
    assert page.count('<span class="badge fail">FAILED</span>') >= 2  # the page and the marts suite
    assert "120" in page and "DISHUB" in page
    assert "<script" not in page and "http" not in page  # self-contained
    # the stored result round-trips, so a later check can re-render the page
    stored = validation_report.reports_dir(Paths(data_dir)) / "gx" / "marts.json"
    assert validation.SuiteResult.from_json(stored.read_text()).failures


def test_the_resource_starts_the_gx_warm_up_when_a_run_builds_it(monkeypatch: pytest.MonkeyPatch):
    """No asset has to start it: building the resource for a run (at run start under the
    in-process executor) starts creating the GX context in the background."""
    from dagster import build_init_resource_context

    from pipelines.quality import gx

    started = []
    monkeypatch.setattr(gx, "warm_up", lambda: started.append(True))
    GreatExpectationsResource().setup_for_execution(build_init_resource_context())
    assert started == [True]
