"""The whole path through Dagster on a small generated estate: ingest -> dbt -> checks -> publish."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.registry import PII_FIELDS, load_registry
from tests.conftest import copy_estate
from pipelines.context import SkmContext
from tests.pipeline_run import run_pipeline

pytestmark = pytest.mark.slow
UNSUR = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "sarana", "pengaduan"]


@pytest.fixture(scope="module")
def estate(sample_run, tmp_path_factory: pytest.TempPathFactory):
    """The session's pipeline run on the 60-rows estate (tests/conftest.py), in a copy of its
    folder: the rerun test below runs the pipeline again there."""
    data_dir = copy_estate(sample_run.data_dir, tmp_path_factory.mktemp("estate") / "data")
    return data_dir, sample_run  # the run's result: .success


def published(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "published" / "skm.duckdb"), read_only=True)


def test_run_succeeds_and_publishes_the_contract_tables(estate):
    data_dir, result = estate
    assert result.success
    con = published(data_dir)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"ikm_unsur", "ikm_layanan", "ikm_opd", "ikm_kota", "quarantine", "reconciliation"} <= tables
    contract = {
        "ikm_unsur": ["periode", "opd_kode", "opd_nama", "unsur", "unsur_nama", "jumlah_jawaban", "nrr",
                      "nrr_tertimbang", "nilai_unsur", "mutu"],
        "ikm_layanan": ["periode", "opd_kode", "jenis_layanan", "jumlah_responden", "ikm", "nilai_ikm", "mutu",
                        "kinerja"],
        "ikm_opd": ["periode", "opd_kode", "opd_nama", "jumlah_responden", "ikm", "nilai_ikm", "mutu", "kinerja"],
        "ikm_kota": ["periode", "jumlah_opd", "jumlah_responden", "ikm", "nilai_ikm", "mutu", "kinerja",
                     "nilai_ikm_rata_opd"],
    }
    for table, cols in contract.items():
        have = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert set(cols) <= set(have), (table, set(cols) - set(have))
    assert con.execute("SELECT list(periode ORDER BY periode) FROM ikm_kota").fetchone()[0] == ["2025-S1", "2025-S2"]
    assert con.execute("SELECT count(*) FROM ikm_opd").fetchone()[0] == 2 * len(load_registry(data_dir / "sources.yml"))
    assert con.execute("SELECT count(*) FROM ikm_unsur").fetchone()[0] == 9 * 2 * 6


def _half_up(x: float | Decimal, places: str = "0.01") -> Decimal:
    return Decimal(str(x)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def test_published_indices_follow_the_regulation_from_the_published_nrr(estate):
    data_dir, _ = estate
    con = published(data_dir)
    rows = con.execute(
        "SELECT o.periode, o.opd_kode, o.nilai_ikm, o.mutu, list(u.nrr ORDER BY u.unsur), sum(u.jumlah_jawaban) "
        "FROM ikm_opd o JOIN ikm_unsur u USING (periode, opd_kode) GROUP BY ALL"
    ).fetchall()
    assert rows
    for periode, opd, nilai, mutu, nrrs, _ in rows:
        assert len(nrrs) == 9
        # NRR is published to 4 decimals; the index from those is within rounding of the published one
        assert abs(float(nilai) - 25 * sum(float(n) for n in nrrs) / 9) < 0.01, (periode, opd)
        v = Decimal(str(nilai))
        expected = "A" if v >= Decimal("88.31") else "B" if v >= Decimal("76.61") else "C" if v >= 65 else "D"
        assert mutu == expected


def test_city_index_is_pooled_over_respondents_and_differs_from_the_opd_mean(estate):
    data_dir, _ = estate
    con = published(data_dir)
    for periode, n, nilai, rata in con.execute(
        "SELECT periode, jumlah_responden, nilai_ikm, nilai_ikm_rata_opd FROM ikm_kota"
    ).fetchall():
        opd = con.execute("SELECT jumlah_responden, ikm FROM ikm_opd WHERE periode = ?", [periode]).fetchall()
        assert n == sum(r[0] for r in opd)
        mean = sum(float(r[1]) * 25 for r in opd) / len(opd)
        assert abs(float(rata) - mean) < 0.01


def test_every_raw_row_is_used_quarantined_or_duplicate(estate):
    data_dir, _ = estate
    con = published(data_dir)
    lake_rows = duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{data_dir}/warehouse/raw/responses/*/*.parquet')"
    ).fetchone()[0]
    read, used, quarantined, duplicate, unbalanced = con.execute(
        "SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined), sum(rows_duplicate), "
        "count(*) FILTER (WHERE NOT is_balanced) FROM reconciliation WHERE file_status = 'loaded'"
    ).fetchone()
    assert read == lake_rows == used + quarantined + duplicate
    assert unbalanced == 0
    assert quarantined > 0 and duplicate > 0  # the sample data carries some dirt on purpose
    assert con.execute("SELECT sum(jumlah_responden) FROM ikm_kota").fetchone()[0] == used


def _pii_values(data_dir: Path) -> set[str]:
    """Every personal-data value the fixture exports hold, read straight from the files."""
    values: set[str] = set()
    for source in load_registry(data_dir / "sources.yml"):
        pii_headers = {source.columns[f] for f in PII_FIELDS if f in source.columns}
        if not pii_headers:
            continue
        for f in (data_dir / source.landing).rglob("*.*"):
            if source.format == "csv":
                text = f.read_text(encoding="utf-8-sig")
                delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
                for row in csv.DictReader(text.splitlines(keepends=True), delimiter=delim):
                    values |= {row[h] for h in pii_headers if row.get(h)}
            elif source.format == "json":
                text = f.read_text()
                recs = json.loads(text) if text.lstrip().startswith("[") else [json.loads(x) for x in text.splitlines() if x]
                for rec in recs:
                    for h in pii_headers:
                        v = rec
                        for part in h.split("."):
                            v = v.get(part) if isinstance(v, dict) else None
                        if v:
                            values.add(str(v))
            else:
                ws = openpyxl.load_workbook(f, read_only=True)[source.sheet]
                rows = list(ws.iter_rows(values_only=True))
                hi = next(i for i, r in enumerate(rows) if any(str(c).strip() in pii_headers for c in r if c))
                idx = [i for i, c in enumerate(rows[hi]) if c and str(c).strip() in pii_headers]
                values |= {str(r[i]) for r in rows[hi + 1:] for i in idx if i < len(r) and r[i]}
    return {v for v in values if len(v) >= 6}


def test_no_personal_data_from_the_fixtures_reaches_the_published_file(estate):
    data_dir, _ = estate
    pii = _pii_values(data_dir)
    assert len(pii) > 50  # the fixtures do carry names, phones, e-mails and NIK
    con = published(data_dir)
    hits = []
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
    ).fetchall():
        vals = {r[0] for r in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall() if r[0]}
        hits += [(table, column, v) for v in vals if any(p in v for p in pii)]
    assert hits == []


def test_rerun_on_unchanged_inputs_leaves_every_mart_identical(estate):
    data_dir, _ = estate
    con = published(data_dir)
    marts = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name NOT LIKE '\\_%' ESCAPE '\\'"
    ).fetchall()]
    before = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in marts}
    con.close()
    assert run_pipeline(skm=SkmContext(data_dir=str(data_dir))).success
    con = published(data_dir)
    after = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in marts}
    for t in marts:
        if t == "ingest_files":  # the log keeps its timestamps, unchanged files are not re-read
            continue
        assert after[t] == before[t], t


def test_every_dbt_table_reports_its_row_count_to_the_asset_catalog(estate):
    """The catalog shows a dbt asset's row count (``dagster/row_count`` on its materialization):
    every mart's count is the warehouse table's, as the run left it."""
    data_dir, run = estate
    marts = {k.split("/", 1)[1]: n for k, n in run.row_counts.items() if k.startswith("marts/")}
    with duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"), read_only=True) as con:
        actual = {t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchone()[0] for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
            "AND table_type = 'BASE TABLE'").fetchall()}
    assert marts == actual
    assert marts["ikm_opd"] == 2 * 6 and any(k.startswith("staging/") or k.startswith("intermediate/")
                                             for k in run.row_counts)


def test_a_duckdb_1_4_client_reads_every_published_table(estate):
    from tests.bi_clients import duckdb_client, read_with

    data_dir, _ = estate
    db = data_dir / "published" / "skm.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        expected = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                    for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    got = read_with(duckdb_client("1.4.5"), db)
    assert got["version"].startswith("1.4")
    assert got["tables"] == expected


def test_a_duckdb_1_4_client_reads_every_description_and_no_128_bit_count(estate):
    """Superset, DBeaver and Harlequin show a table's and a column's comment: each published table
    and column carries its data-contract description, as an old client reads it; no column is
    HUGEINT (counts are BIGINT) and the index values stay DECIMAL."""
    from pipelines.publish.contract import published_tables
    from tests.bi_clients import descriptions_with, duckdb_client

    data_dir, _ = estate
    got = descriptions_with(duckdb_client("1.4.5"), data_dir / "published" / "skm.duckdb")
    contract = published_tables()
    assert got["tables"] == {t: contract[t].description for t in got["tables"]}
    assert all(got["tables"].values())
    missing = [(t, c) for t, c, _, comment in got["columns"] if comment != contract[t].columns[c]]
    assert missing == []
    types = {(t, c): kind for t, c, kind, _ in got["columns"]}
    assert [k for k, kind in types.items() if "HUGEINT" in kind] == []
    assert types[("ikm_opd", "jumlah_responden")] == "BIGINT"
    assert types[("ikm_opd", "nilai_ikm")].startswith("DECIMAL")
    assert types[("ikm_kota", "jumlah_responden")] == "BIGINT"


def test_every_published_table_and_column_is_in_the_data_contract(estate):
    """docs/data-contract.md is generated from the marts' .yml: a column added to a mart without a
    description, or a table the publish step adds unannounced, fails here."""
    from pipelines.publish.contract import published_tables

    data_dir, _ = estate
    contract = published_tables()
    con = published(data_dir)
    actual: dict[str, list[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "ORDER BY table_name, ordinal_position").fetchall():
        actual.setdefault(table, []).append(column)
    assert set(actual) == set(contract)
    for table, columns in actual.items():
        described = {c for c, text in contract[table].columns.items() if text.strip()}
        assert set(columns) <= described, (table, sorted(set(columns) - described))
        assert not set(contract[table].columns) - set(columns), (table, "documented but not published")


def test_priorities_rank_each_opds_unsur_from_the_lowest_with_their_trend(estate):
    data_dir, _ = estate
    con = published(data_dir)
    unsur = {}
    for periode, opd, u, urutan, nilai in con.execute(
            "SELECT periode, opd_kode, unsur, urutan, nilai_unsur FROM ikm_unsur").fetchall():
        unsur.setdefault((periode, opd), []).append((u, urutan, nilai))
    got = {}
    for periode, opd, prioritas, u, nilai, prev_periode, prev, selisih in con.execute(
            "SELECT periode, opd_kode, prioritas, unsur, nilai_unsur, periode_sebelumnya, nilai_unsur_sebelumnya, "
            "selisih FROM prioritas_unsur ORDER BY periode, opd_kode, prioritas").fetchall():
        got.setdefault((periode, opd), []).append(u)
        before = {x[0]: x[2] for x in unsur.get((prev_periode, opd), [])}
        assert prev == before.get(u)
        assert selisih == (None if prev is None or nilai is None else nilai - prev)
    assert set(got) == set(unsur)
    for key, rows in unsur.items():
        assert got[key] == [u for u, _, _ in sorted(rows, key=lambda r: (r[2] is None, r[2] or 0, r[1]))], key
    assert con.execute("SELECT count(*) FROM prioritas_unsur WHERE selisih IS NOT NULL").fetchall()[0][0] > 0


def test_the_gx_answer_profile_from_counts_equals_grouping_every_answer(estate):
    """The GX answer profile (the dbt model profile_answers_by_source_periode_unsur) sums
    int_answer_counts instead of grouping the 9-per-response rows of int_answers: on the sample
    estate (blank, invalid and 'tidak tahu' answers included) both give the same figures for every
    source, semester and unsur."""
    from pipelines.quality.profiles import read_profile

    data_dir, _ = estate
    con = duckdb.connect(str(data_dir / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        profile = read_profile(con, "answers_by_source_periode_unsur")
        by_answer = con.execute("""
            SELECT source_code, periode_declared, unsur, count(*) AS answers,
                   count(*) FILTER (WHERE answer_status = 'valid') AS answered,
                   count(*) FILTER (WHERE answer_status = 'missing') AS missing,
                   count(*) FILTER (WHERE answer_status = 'invalid') AS invalid,
                   avg(score) AS mean_score, min(score) AS min_score, max(score) AS max_score,
                   count(DISTINCT score) AS distinct_scores
            FROM intermediate.int_answers GROUP BY ALL ORDER BY 1, 2, 3
        """).fetchall()
    finally:
        con.close()
    assert len(profile) == len(by_answer) > 0
    assert profile["missing"].sum() > 0 and profile["invalid"].sum() > 0  # the sample has both
    for row, expected in zip(profile.itertuples(index=False), by_answer):
        got = (row.source_code, row.periode_declared, row.unsur, row.answers, row.answered, row.missing,
               row.invalid)
        assert got == expected[:7]
        assert row.mean_score == pytest.approx(expected[7])
        assert (row.min_score, row.max_score, row.distinct_scores) == expected[8:]
