"""The fair reference's row-level part (tests/benchmark/fair_rows.py) makes the same tables as the
pipeline's dbt models: on a pipeline run over the 10 000-row bench estate (the bench harness's run,
tests/conftest.py bench_run), and on that run's staged rows dirtied with every quarantine reason,
both duplicate rules, kiosk repeats and a burst (dbt rebuilds its row-level models on them), with
the registry's thresholds and with other ones.
Every produced table is compared with EXCEPT ALL both ways, its columns and types too."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import REPO_ROOT
from tests.benchmark import fair_rows
from tests.conftest import BENCH_ROWS, BenchRun

pytestmark = pytest.mark.slow
ROWS = BENCH_ROWS

# What the bench estate lacks (and the demo's sample data has only some of), written into a copy of
# the staged rows; `i` numbers the staged rows in a fixed order.
DIRT = r"""
create temp table r as
select *, row_number() over (order by source_code, file_sha256, row_number) as i from staging.stg_raw__responses;
update r set u_waktu = '#FORMULA_WITHOUT_VALUE! D7 =C7+1' where i in (1, 2);
update r set saran = '#FORMULA_WITHOUT_VALUE! X9 =A1&B1' where i in (2, 3);
update r set device_id = '#FORMULA_WITHOUT_VALUE! Z2 =NOW()' where i = 4;
update r set submitted_at = 'kemarin sore', submitted_at_wita = null, periode = null where i in (5, 6);
update r set submitted_at = null, submitted_at_wita = null, periode = null where i = 7;
update r set submitted_at = '#FORMULA_WITHOUT_VALUE! B3 =TODAY()', submitted_at_wita = null, periode = null where i = 8;
update r set jenis_layanan = null where i in (9, 10);
update r set opd_kode = null where i in (10, 11);
update r set periode = '2019-S2', submitted_at_wita = timestamp '2019-08-01 10:00:00' where i in (12, 13);
update r set u_persyaratan = null, u_prosedur = null, u_waktu = 'tidak tahu', u_biaya = null, u_produk = null
    where i in (14, 15);
update r set u_sarana = '  ', u_pengaduan = '4 - sangat baik', u_produk = '3,0', u_biaya = 'Gratis' where i in (16, 17);
update r set u_waktu = '7', u_biaya = 'lumayan' where i = 18;
-- content duplicates: rows without a submission id, again later in the same file
update r set submission_id = null where i between 100 and 109;
insert into r select * replace (row_number + 100000 as row_number,
    source_code || ':' || left(file_sha256, 16) || ':' || cast(row_number + 100000 as varchar) as response_id)
    from r where i between 100 and 109;
-- a submission sent twice (another row, the same submission id, another time)
insert into r select * replace (row_number + 200000 as row_number,
    source_code || ':' || left(file_sha256, 16) || ':' || cast(row_number + 200000 as varchar) as response_id,
    submitted_at_wita + interval 3 minute as submitted_at_wita)
    from r where i between 200 and 204 and submission_id is not null;
-- kiosk repeats: the same answers from one device a minute later, another submission id
insert into r select * replace (row_number + 300000 as row_number,
    source_code || ':' || left(file_sha256, 16) || ':' || cast(row_number + 300000 as varchar) as response_id,
    coalesce(submission_id, response_id) || '-b' as submission_id, 'DEV-ULANG' as device_id,
    submitted_at_wita + interval 1 minute as submitted_at_wita)
    from r where i between 300 and 303;
insert into r select * replace (row_number + 310000 as row_number,
    source_code || ':' || left(file_sha256, 16) || ':' || cast(row_number + 310000 as varchar) as response_id,
    coalesce(submission_id, response_id) || '-d' as submission_id, 'DEV-ULANG' as device_id)
    from r where i between 300 and 303;
-- a burst: seven submissions of one device within six minutes (two at the same minute)
insert into r select * replace (row_number + 400000 as row_number,
    source_code || ':' || left(file_sha256, 16) || ':' || cast(row_number + 400000 as varchar) as response_id,
    coalesce(submission_id, response_id) || '-c' as submission_id, 'DEV-BURST' as device_id,
    timestamp '2025-03-03 10:00:00' + to_minutes(least(i - 400, 5)) as submitted_at_wita)
    from r where i between 400 and 406 and periode = periode_declared;
delete from staging.stg_raw__responses;
insert into staging.stg_raw__responses select * exclude (i) from r;
"""

OTHER_VARS = {"kebijakan_ditandai": "kecualikan", "ditandai_ulang_menit": 45.5, "ditandai_beruntun_jumlah": 3,
              "ditandai_beruntun_menit": 7.5, "ditandai_seragam_toleransi": 0.02,
              "ditandai_seragam_min_responden": 20, "min_answered_unsur": 6}


@pytest.fixture(scope="module")
def estate(bench_run: BenchRun) -> Path:
    """A pipeline run over the 10 000-row bench estate: the bench harness's full run of the session
    (tests/conftest.py bench_run, shared with test_benchmark_smoke and test_benchmark_estate). Read
    only here: `dirty` works on a copy of its warehouse."""
    assert bench_run.report is not None, bench_run.output
    assert bench_run.report["pipeline"]["success"] and bench_run.report["laporan_run"]["success"], bench_run.output
    return bench_run.estate


def fair_db(warehouse: Path, params: dict) -> duckdb.DuckDBPyConnection:
    """A fresh DuckDB holding the warehouse's staged rows and seeds as the fair reference's
    inputs, the row-level tables built on it by fair_rows, and the warehouse attached as `ref`."""
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as ref (read_only)")
    for schema, table in con.execute("select table_schema, table_name from information_schema.tables "
                                     "where table_catalog = 'ref' and table_schema in ('staging', 'seeds')").fetchall():
        con.execute(f"create table {table} as select * from ref.{schema}.{table}")
    seconds = fair_rows.build(con, params)
    assert set(seconds) == {fair_rows.GROUP_NORMALISE, fair_rows.GROUP_TRUST}
    assert all(s >= 0 for s in seconds.values())
    return con


def differences(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Per produced table: what differs from the pipeline's table of that name (empty: equal)."""
    out: dict[str, object] = {}
    for t in fair_rows.PRODUCED:
        def columns(ref: bool) -> list[tuple[str, str]]:
            return con.execute("select column_name, data_type from information_schema.columns where table_catalog "
                               f"{'=' if ref else '<>'} 'ref' and table_schema in ('main', 'intermediate') and "
                               "table_name = ? order by ordinal_position", [t]).fetchall()
        mine, theirs = columns(False), columns(True)
        if mine != theirs:
            out[t] = {"columns": mine, "pipeline": theirs}
            continue
        extra = con.execute(f"select count(*) from (select * from main.{t} except all "
                            f"select * from ref.intermediate.{t})").fetchall()[0][0]
        missing = con.execute(f"select count(*) from (select * from ref.intermediate.{t} except all "
                              f"select * from main.{t})").fetchall()[0][0]
        if extra or missing:
            out[t] = {"only_fair": extra, "only_pipeline": missing}
    return out


def rebuild_row_models(data_dir: Path, dbt_vars: dict, work: Path) -> None:
    """dbt run of the row-level models (not staging) against the warehouse under data_dir."""
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run(
        [str(dbt), "run", "--project-dir", str(REPO_ROOT / "dbt_project"), "--profiles-dir",
         str(REPO_ROOT / "dbt_project"), "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
         "--vars", json.dumps({**dbt_vars, "data_dir": str(data_dir)}), "--select", *fair_rows.PRODUCED],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.fixture(scope="module")
def dirty(estate: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the run's data folder (warehouse only) whose staged rows carry DIRT."""
    root = tmp_path_factory.mktemp("fair_rows_dirty")
    (root / "warehouse").mkdir()
    shutil.copy(estate / "warehouse" / "skm.duckdb", root / "warehouse" / "skm.duckdb")
    with duckdb.connect(str(root / "warehouse" / "skm.duckdb")) as con:
        con.execute(DIRT)
    return root


def test_equal_to_the_pipeline_on_the_bench_estate(estate: Path):
    params = fair_rows.params_from_registry(estate / "sources.yml")
    con = fair_db(estate / "warehouse" / "skm.duckdb", params)
    assert con.execute("select count(*) from int_responses_status").fetchall()[0][0] >= ROWS
    assert differences(con) == {}


def test_params_are_what_the_pipeline_hands_dbt(estate: Path):
    from pipelines.registry import load_trust

    params = fair_rows.params_from_registry(estate / "sources.yml")
    for key, value in load_trust(estate / "sources.yml").dbt_vars().items():
        assert params[key] == value
    assert params["min_answered_unsur"] == 5 and params["periode_from"] is None and params["periode_to"] is None


@pytest.mark.parametrize("dbt_vars", [{}, OTHER_VARS], ids=["registry", "other_thresholds"])
def test_equal_to_the_pipeline_on_dirty_rows(dirty: Path, estate: Path, dbt_vars: dict, tmp_path: Path):
    params = {**fair_rows.params_from_registry(estate / "sources.yml"), **dbt_vars}
    trust_vars = {k: v for k, v in params.items() if k in fair_rows.VAR_NAMES and v is not None}
    rebuild_row_models(dirty, trust_vars, tmp_path)
    con = fair_db(dirty / "warehouse" / "skm.duckdb", params)
    # the dirt is there: every quarantine reason, both duplicate rules, both device rules
    reasons = {r[0] for r in con.execute("select distinct reason_code from int_response_issues").fetchall()}
    assert reasons == {"formula_without_value", "unparseable_date", "missing_layanan", "missing_opd",
                       "periode_mismatch", "too_few_answers", "score_out_of_range", "unknown_label"}
    rules = {r[0] for r in con.execute("select distinct duplicate_rule from int_responses_status "
                                       "where status = 'duplicate'").fetchall()}
    assert rules == {"submission_id", "content"}
    marks = {r[0] for r in con.execute("select distinct kode_aturan from int_respons_ditandai").fetchall()}
    assert {"ulang_perangkat", "beruntun"} <= marks
    assert differences(con) == {}
