"""Semester runs of the dbt project: `--vars '{"periode_from": ..., "periode_to": ...}'` rebuilds
only those semesters' rows and leaves the others exactly as they were.

One warehouse goes through a sequence of lakes (two semesters, two OPD), each step a semester run;
after each step its tables are compared with a fresh full build of the same lake in another data
dir (started alongside, so a step costs one dbt run of wall time):

    v1  full build
    v2  2025-S2 of OPD A re-exported with other answers        -> run 2025-S2 only
    v3  the 2025-S2 file of OPD B removed (all of S2's quarantined and duplicate rows were in it)
                                                                -> run 2025-S2 only
    v4  2025-S1 of OPD A re-exported, the last 2025-S2 file removed (2025-S2 is empty)
                                                                -> run 2025-S1..2025-S2
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.lake_fixtures import INGESTED_AT, LakeFile, Source, query, row, run_dbt, write_lake

OPD_A = Source("a_web", "OPDA", "Dinas A")
OPD_B = Source("b_kiosk", "OPDB", "Dinas B", timezone="UTC", format="json")
SOURCES = [OPD_A, OPD_B]
S1, S2 = "2025-S1", "2025-S2"
SCHEMAS = ("staging", "intermediate", "marts")
# the models built per periode (incremental); every other model is a full table
PERIODE_MODELS = {
    "staging": {"stg_raw__responses"},
    "intermediate": {"int_answer_counts", "int_answer_values", "int_answer_summary", "int_response_issues", "int_responses_status",
                     "int_skor_layanan_unsur", "int_nrr_opd_unsur", "int_nrr_kota_unsur", "int_ikm_layanan",
                     "int_ikm_opd", "int_ikm_kota", "int_respons_ditandai", "int_saran"},
    "marts": {"ikm_unsur", "ikm_layanan", "ikm_opd", "ikm_kota", "ikm_kota_unsur", "profil_responden",
              "quarantine", "duplicates", "saran", "respons_ditandai", "ikm_sensitivitas", "ketidakpastian_ikm",
              "saran_tema", "saran_tema_ringkasan"},
}
# tables with a periode that are full tables rebuilt every run: cheap, and right in a semester run
# even when they look at another semester (ikm_perubahan) - the equality with a full build below
# covers them
FULL_PERIODE_TABLES = {"intermediate.int_populasi", "marts.kecukupan_sampel", "marts.ikm_perubahan",
                       "marts.prioritas_unsur",
                       # the follow-up (RTL) models: a few dozen rows, every RTL file re-read each run
                       "staging.stg_raw__rtl", "staging.stg_raw__rtl_files", "intermediate.int_rtl_status",
                       "intermediate.int_galat_unsur", "marts.rencana_tindak_lanjut", "marts.rtl_tidak_dipakai",
                       "marts.rtl_rekonsiliasi", "marts.hasil_tindak_lanjut", "marts.cakupan_tindak_lanjut"}
MARTS = ("ikm_unsur", "ikm_layanan", "ikm_opd", "ikm_kota", "ikm_kota_unsur", "profil_responden", "quarantine",
         "duplicates", "reconciliation", "ingest_files")


def later(days: int) -> datetime:
    return INGESTED_AT + timedelta(days=days)


# --- the lakes ---------------------------------------------------------------------------------
def a1_rows(score: int = 4) -> list[dict]:
    return [
        row(score, submission_id="a1-1", submitted_at="03/03/2025 09:00"),
        row(3, submission_id="a1-2", submitted_at="04/03/2025 09:00"),
        row(score, 3, 3, score, 3, score, 3, score, 3, submission_id="a1-3", submitted_at="05/03/2025 09:00",
            jenis_layanan="Layanan Dua"),
        # surveyed in August, filed under 2025-S1: quarantined in 2025-S1 (periode_mismatch)
        row(4, submission_id="a1-4", submitted_at="01/08/2025 09:00"),
    ]


def b1_rows() -> list[dict]:
    return [
        row(3, submission_id="b-1", submitted_at="2025-03-01T02:00:00Z", usia="19"),
        row(2, submission_id="b-2", submitted_at="2025-03-02T02:00:00Z", jenis_kelamin="P"),
        row(4, submission_id="b-2", submitted_at="2025-03-02T02:00:00Z"),  # duplicate of row 2
        row(7, 4, 4, 4, 4, 4, 4, 4, 4, submission_id="b-q1", submitted_at="2025-03-03T02:00:00Z"),
    ]


def a2_rows(version: int) -> list[dict]:
    values = [4, 4, 4] if version == 1 else [2, 3, 2]
    return [row(v, submission_id=f"a2-{i}", submitted_at=f"0{i}/09/2025 10:00") for i, v in enumerate(values, 1)]


def b2_rows() -> list[dict]:
    return [
        # the id of a 2025-S1 row, surveyed in 2025-S2: duplicates are looked for within a semester
        row(3, submission_id="b-1", submitted_at="2025-09-01T02:00:00Z"),
        row(3, 4, 3, 4, 3, 4, 3, 4, 3, submission_id="b-3", submitted_at="2025-09-02T02:00:00Z"),
        row(1, submission_id="b-3", submitted_at="2025-09-02T02:00:00Z"),  # duplicate of row 2
        row(4, 4, "Lumayan", 4, 4, 4, 4, 4, 4, submission_id="b-q2", submitted_at="2025-09-03T02:00:00Z"),
    ]


def removed(f: LakeFile, days: int, why: str) -> LakeFile:
    """The log row of a file that is no longer loaded (its Parquet deleted, as ingest does)."""
    return LakeFile(f.source, f.rows, periode_declared=f.periode_declared, name=f.name, status=why,
                    rows_read=len(f.rows), ingested_at=f.ingested_at, message=f"{f.file_name}: {why} on day {days}",
                    write_rows=False)


A1 = LakeFile(OPD_A, a1_rows(), S1)
A1_V4 = LakeFile(OPD_A, a1_rows(score=2), S1, ingested_at=later(3))
B1 = LakeFile(OPD_B, b1_rows(), S1, name="dump.json")
A2 = LakeFile(OPD_A, a2_rows(1), S2)
A2_V2 = LakeFile(OPD_A, a2_rows(2), S2, ingested_at=later(1))
B2 = LakeFile(OPD_B, b2_rows(), S2, name="dump.json")

LAKES: dict[str, list[LakeFile]] = {
    "v1": [A1, B1, A2, B2],
    "v2": [A1, B1, removed(A2, 1, "replaced"), A2_V2, B2],
    "v3": [A1, B1, removed(A2, 1, "replaced"), A2_V2, removed(B2, 2, "removed")],
    "v4": [removed(A1, 3, "replaced"), A1_V4, B1, removed(A2, 1, "replaced"), removed(A2_V2, 3, "removed"),
           removed(B2, 2, "removed")],
}


def put_lake(data_dir: Path, version: str) -> None:
    """The lake of `version`, exactly: Parquet of files no longer loaded is gone (as after ingest)."""
    shutil.rmtree(data_dir / "warehouse" / "raw", ignore_errors=True)
    write_lake(data_dir, SOURCES, LAKES[version])


# --- what a warehouse holds ----------------------------------------------------------------------
class Snapshot:
    """Every staging, intermediate and mart table of a warehouse: its columns and sorted rows."""

    def __init__(self, data_dir: Path) -> None:
        cols = query(data_dir, "SELECT table_schema || '.' || table_name AS t, column_name, data_type "
                               "FROM information_schema.columns WHERE table_schema IN " + str(SCHEMAS) +
                     " ORDER BY t, ordinal_position")
        self.columns: dict[str, list[tuple[str, str]]] = {}
        for c in cols:
            self.columns.setdefault(c["t"], []).append((c["column_name"], c["data_type"]))
        # Unrounded doubles (a mean, a standard deviation) are summed in whatever order DuckDB's
        # threads finish, so two builds of the same rows can differ in the last bits: compare them
        # at 1e-9 (every published number is a rounded DECIMAL and compared exactly).
        # Rows are then kept in a canonical order of their rounded values (repr: None-safe).
        self.rows = {t: sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in r.values())
                                for r in query(data_dir, f"SELECT * FROM {t} ORDER BY ALL")), key=repr)
                     for t in self.columns}

    def key(self, table: str) -> str | None:
        names = [c for c, _ in self.columns[table]]
        return next((k for k in ("periode_declared", "periode") if k in names), None)

    def of(self, table: str, periode: str) -> list[tuple]:
        """The rows of one periode (by periode_declared where the table has it, else periode)."""
        i = [c for c, _ in self.columns[table]].index(self.key(table))
        return [r for r in self.rows[table] if r[i] == periode]

    def dicts(self, table: str) -> list[dict]:
        names = [c for c, _ in self.columns[table]]
        return [dict(zip(names, r)) for r in self.rows[table]]

    def differences(self, other: Snapshot) -> list[str]:
        """Tables whose columns or rows differ."""
        return sorted(t for t in set(self.columns) | set(other.columns)
                      if self.columns.get(t) != other.columns.get(t) or self.rows.get(t) != other.rows.get(t))


def how_built(data_dir: Path) -> dict[str, str]:
    """model -> 'incremental' (delete + insert into the existing table) or 'table' (created), from
    the SQL dbt ran last in this data dir."""
    run_dir = data_dir / "dbt" / "target" / "run" / "skm" / "models"
    return {p.stem: "incremental" if "insert into" in p.read_text().lower() else "table"
            for p in run_dir.rglob("*.sql")}


def failures(stdout: str) -> str:
    """What went wrong in a dbt run's output: its failing nodes, then its end."""
    bad = [line for line in stdout.splitlines() if ("FAIL" in line or "ERROR" in line) and "SKIP" not in line]
    return "\n".join(bad[:40]) + "\n...\n" + stdout[-3000:]


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The four steps on one warehouse, each beside a fresh full build of the same lake."""
    root = tmp_path_factory.mktemp("incremental")
    inc = root / "inc"
    semester_runs = {"v2": (S2, S2), "v3": (S2, S2), "v4": (S1, S2)}  # v1: a plain (full) build
    out: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for version in LAKES:
            put_lake(inc, version)
            jobs = {}
            if version in semester_runs:
                periode_from, periode_to = semester_runs[version]
                jobs["semester run"] = pool.submit(
                    run_dbt, inc, vars={"periode_from": periode_from, "periode_to": periode_to})
                fresh = root / f"full_{version}"
                put_lake(fresh, version)
                jobs["fresh full build"] = pool.submit(run_dbt, fresh)
            else:
                jobs["full build"] = pool.submit(run_dbt, inc)
            for what, job in jobs.items():
                res = job.result()
                assert res.returncode == 0, f"{version}, {what}:\n{failures(res.stdout)}\n{res.stderr[-2000:]}"
            out[version], out[f"built_{version}"] = Snapshot(inc), how_built(inc)
            if version in semester_runs:
                out[f"full_{version}"] = Snapshot(fresh)
    out["data_dir"] = inc
    return out


# --- the tests ---------------------------------------------------------------------------------------
def test_a_plain_build_rebuilds_every_table_and_the_vars_make_semester_runs(steps):
    assert steps["built_v1"] and set(steps["built_v1"].values()) == {"table"}
    periode_models = set().union(*PERIODE_MODELS.values())
    for version in ("v2", "v3", "v4"):
        built = steps[f"built_{version}"]
        assert {m for m, how in built.items() if how == "incremental"} == periode_models, version
    # ... and those are the tables with a periode, but for the file-level ones (full tables)
    v1 = steps["v1"]
    file_level = {"staging.stg_raw__ingest_files", "marts.ingest_files", "marts.reconciliation"}
    # computed when read: int_answers from the incremental int_answer_values, the other two from
    # int_responses_status
    views = {"intermediate.int_answers", "intermediate.int_responses_used", "intermediate.int_skor_responden"}
    assert {t for t in v1.columns if v1.key(t)} - file_level - FULL_PERIODE_TABLES - views == {
        f"{s}.{m}" for s, ms in PERIODE_MODELS.items() for m in ms}


def test_a_semester_run_replaces_its_semester_and_leaves_the_other_as_it_was(steps):
    v1, v2 = steps["v1"], steps["v2"]
    # 2025-S1 of every mart (and of every other table with a periode) exactly as v1 left it
    for mart in MARTS:
        assert v1.of(f"marts.{mart}", S1), mart
    for table in v1.columns:
        if v1.key(table):
            assert v2.of(table, S1) == v1.of(table, S1), table
    # every table equals a full build of the new lake, 2025-S2 included
    assert v2.differences(steps["full_v2"]) == []
    # and 2025-S2 did change: OPD A fell from 100.00 to 58.33, below OPD B, so the ranks swapped
    opd = {(r["periode"], r["opd_kode"]): r for r in v2.dicts("marts.ikm_opd")}
    opd_v1 = {(r["periode"], r["opd_kode"]): r for r in v1.dicts("marts.ikm_opd")}
    assert (opd_v1[(S2, "OPDA")]["peringkat"], opd_v1[(S2, "OPDB")]["peringkat"]) == (1, 2)
    assert (opd[(S2, "OPDA")]["peringkat"], opd[(S2, "OPDB")]["peringkat"]) == (2, 1)
    assert (opd_v1[(S2, "OPDA")]["nilai_ikm"], opd[(S2, "OPDA")]["nilai_ikm"]) == (
        Decimal("100.00"), Decimal("58.33"))


def test_removing_a_file_removes_its_rows_even_when_nothing_of_the_semester_replaces_them(steps):
    v2, v3 = steps["v2"], steps["v3"]
    assert v3.differences(steps["full_v3"]) == []
    for mart in MARTS:
        if mart not in ("reconciliation", "ingest_files"):
            assert not [r for r in v3.dicts(f"marts.{mart}") if r.get("opd_kode") == "OPDB" and S2 in (
                r.get("periode"), r.get("periode_declared"))], mart
        assert v3.of(f"marts.{mart}", S1) == v2.of(f"marts.{mart}", S1), mart
    # every quarantined and duplicate row of 2025-S2 was in the removed file: the new 2025-S2 batch
    # of those marts is empty, and their old 2025-S2 rows are gone all the same
    for mart in ("quarantine", "duplicates"):
        assert v2.of(f"marts.{mart}", S2), mart
        assert v3.of(f"marts.{mart}", S2) == [], mart
    gone = {r["file_name"]: r for r in v3.dicts("marts.reconciliation") if r["source_code"] == "b_kiosk"
            and r["periode_declared"] == S2}
    assert [(r["file_status"], r["rows_read"], r["rows_in_lake"], r["rows_used"], r["is_balanced"])
            for r in gone.values()] == [("removed", 4, 0, 0, True)]
    assert all(r["is_balanced"] for r in v3.dicts("marts.reconciliation"))
    kota = {r["periode"]: r for r in v3.dicts("marts.ikm_kota")}
    assert (kota[S2]["jumlah_opd"], kota[S2]["jumlah_responden"]) == (1, 3)


def test_a_range_run_equals_a_full_build_and_empties_a_semester_left_without_files(steps):
    v3, v4 = steps["v3"], steps["v4"]
    assert v4.differences(steps["full_v4"]) == []
    # every file of 2025-S2 is gone: the semester's rows are deleted from every periode table
    for schema, models in PERIODE_MODELS.items():
        for model in models:
            assert v4.of(f"{schema}.{model}", S2) == [], model
    assert [r["periode"] for r in v3.dicts("marts.ikm_kota")] == [S1, S2]
    assert [r["periode"] for r in v4.dicts("marts.ikm_kota")] == [S1]
    # and 2025-S1 was rebuilt from its re-export
    nilai = {(r["periode"], r["opd_kode"]): r["nilai_ikm"] for r in v4.dicts("marts.ikm_opd")}
    assert nilai[(S1, "OPDA")] != {(r["periode"], r["opd_kode"]): r["nilai_ikm"]
                                   for r in v3.dicts("marts.ikm_opd")}[(S1, "OPDA")]


def test_every_step_reconciles(steps):
    for version in LAKES:
        rec = steps[version].dicts("marts.reconciliation")
        assert rec and all(r["is_balanced"] for r in rec), version
    # duplicates are looked for within a semester: b-1 of 2025-S2 is used although 2025-S1 has a b-1
    dups = [(r["periode_declared"], r["submission_id"]) for r in steps["v1"].dicts("marts.duplicates")]
    assert sorted(dups) == [(S1, "b-2"), (S2, "b-3")]


def test_not_null_columns_fails_on_an_empty_cell_names_its_column_and_keeps_to_its_semesters(steps):
    """One not_null_columns test stands for a not_null test per column (one scan, one Dagster
    check): it must fail like they would, say which column, and honour its `where`. Runs last:
    it empties cells in the module's warehouse, which the tests above only read as snapshots."""
    data_dir = steps["data_dir"]
    con = duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"))
    try:
        con.execute("UPDATE marts.ikm_opd SET jumlah_responden = NULL WHERE opd_kode = 'OPDA'")
        con.execute("UPDATE intermediate.int_responses_status SET status = NULL WHERE periode_declared = ?", [S1])
    finally:
        con.close()

    mart = run_dbt(data_dir, "--select", "test_name:not_null_columns,ikm_opd", command="test")
    assert mart.returncode != 0 and "FAIL 1 not_null_columns_ikm_opd" in mart.stdout, mart.stdout[-2000:]
    compiled = next((data_dir / "dbt" / "target" / "compiled").rglob("not_null_columns_ikm_opd_*.sql"))
    nulls = query(data_dir, compiled.read_text())
    a_rows = query(data_dir, "SELECT count(*) AS n FROM marts.ikm_opd WHERE opd_kode = 'OPDA'")[0]["n"]
    assert nulls == [{"column_name": "jumlah_responden", "null_rows": a_rows}] and a_rows > 0

    # the status test keeps to the run's semesters: S2 has no empty status, S1 has
    status = "test_name:not_null_columns,int_responses_status"
    assert run_dbt(data_dir, "--select", status, command="test", vars={"periode_from": S2, "periode_to": S2}).returncode == 0
    assert run_dbt(data_dir, "--select", status, command="test", vars={"periode_from": S1, "periode_to": S1}).returncode != 0
    assert run_dbt(data_dir, "--select", status, command="test").returncode != 0  # a plain run tests every semester
