"""Open data per periode (pipelines/report/opendata.py): what a Satu Data / CKAN portal takes.

The slow tests read the session's real pipeline run (`sample_run`, whose last asset laporan_skm
writes `published/opendata/<periode>/`) and compare every file with the published table."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import frictionless
import pytest

from pipelines import mutu
from pipelines.report.opendata import (
    DATAPACKAGE,
    MS_IND,
    MS_KEG,
    OPENDATA_TABLES,
    frictionless_type,
    opendata_periode,
)


def test_duckdb_types_map_to_frictionless_types():
    assert [frictionless_type(t) for t in ("BIGINT", "HUGEINT", "INTEGER", "DECIMAL(18,2)", "DOUBLE", "VARCHAR",
                                           "BOOLEAN", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")] == \
        ["integer", "integer", "integer", "number", "number", "string", "boolean", "date", "datetime", "datetime"]


def test_a_published_file_without_a_headline_table_is_refused_by_name(tmp_path):
    db = tmp_path / "skm.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE ikm_kota AS SELECT '2025-S2' AS periode, 1 AS jumlah_responden")
    with duckdb.connect(str(db), read_only=True) as con, pytest.raises(ValueError, match="no table ikm_opd, ikm_unsur"):
        opendata_periode(con, "2025-S2", tmp_path / "opendata" / "2025-S2", "Kota Contoh")
    assert not (tmp_path / "opendata" / "2025-S2").exists()


def test_an_invalid_package_is_refused_naming_the_resource_row_and_field(tmp_path):
    """The guard before the swap-in: Frictionless' own validation, its errors named."""
    from pipelines.report.opendata import _validate

    (tmp_path / "t.csv").write_text("periode,nilai_ikm\n2025-S2,84.50\n2025-S2,delapan puluh\n", encoding="utf-8")
    (tmp_path / DATAPACKAGE).write_text(json.dumps({"name": "x", "resources": [
        {"name": "t", "path": "t.csv", "format": "csv", "encoding": "utf-8",
         "schema": {"fields": [{"name": "periode", "type": "string"}, {"name": "nilai_ikm", "type": "number"}]}}]}))
    with pytest.raises(ValueError, match=r"t row 3 field nilai_ikm"):
        _validate(tmp_path / DATAPACKAGE)


# --------------------------------------------------------------------------- slow: the real pipeline


@pytest.fixture(scope="module")
def run(sample_run):
    assert sample_run.success
    return sample_run.data_dir, sample_run.laporan


def _published(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "published" / "skm.duckdb"), read_only=True)


def _periodes(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT periode FROM ikm_kota ORDER BY 1").fetchall()]


@pytest.mark.slow
def test_each_periodes_package_is_valid_and_its_csvs_are_the_published_rows(run):
    data_dir, metadata = run
    con = _published(data_dir)
    periodes = _periodes(con)
    assert len(periodes) == 2
    for periode in periodes:
        folder = data_dir / "published" / "opendata" / periode
        report = frictionless.validate(str(folder / DATAPACKAGE))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
        package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
        assert package["licenses"][0]["name"] == "CC-BY-4.0" and len(package["sources"]) == 2
        assert "Survei Kepuasan Masyarakat" in package["title"] and package["description"]
        published_at = con.execute("SELECT published_at_utc FROM _published").fetchone()[0]
        assert package["created"].startswith(published_at.isoformat())
        resources = {r["name"]: r for r in package["resources"]}
        assert set(resources) == {*OPENDATA_TABLES, "ms-keg", "ms-ind"}
        assert resources["ms-keg"]["path"] == MS_KEG and resources["ms-ind"]["path"] == MS_IND
        for table in OPENDATA_TABLES:
            res = resources[table]
            assert (res["path"], res["format"], res["encoding"]) == (f"{table}.csv", "csv", "utf-8")
            columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                  "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            fields = res["schema"]["fields"]
            assert [f["name"] for f in fields] == [c for c, _ in columns]
            assert all(f.get("description") for f in fields), table  # from the dbt .yml
            kinds = {f["name"]: f["type"] for f in fields}
            assert kinds["periode"] == "string" and kinds["jumlah_responden"] == "integer"
            assert all(kinds[c] == "number" for c, d in columns if d.startswith("DECIMAL")), table
            # the CSV read back with the published types equals the published table's periode rows
            types = {c: ("BIGINT" if d == "HUGEINT" else d) for c, d in columns}
            csv = (folder / res["path"]).as_posix()
            raw = (folder / res["path"]).read_bytes()
            assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8").splitlines()[0] == \
                ",".join(c for c, _ in columns)
            got = f"SELECT * FROM read_csv('{csv}', header = true, columns = {types!r})"
            want = f'SELECT {", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in types.items())} FROM "{table}" ' \
                   f"WHERE periode = '{periode}'"
            n = con.execute(f"SELECT count(*) FROM ({want})").fetchone()[0]
            assert n > 0 and con.execute(f"SELECT count(*) FROM ({got})").fetchone()[0] == n, (periode, table)
            assert con.execute(f"SELECT count(*) FROM (({got}) EXCEPT ALL ({want}))").fetchone()[0] == 0, table
            assert con.execute(f"SELECT count(*) FROM (({want}) EXCEPT ALL ({got}))").fetchone()[0] == 0, table
            assert str(folder / res["path"]) in metadata["files"]
        # dot decimals, as machines expect
        kota_csv = (folder / "ikm_kota.csv").read_text(encoding="utf-8").splitlines()
        nilai = con.execute("SELECT nilai_ikm FROM ikm_kota WHERE periode = ?", [periode]).fetchone()[0]
        assert f",{nilai:.2f}," in kota_csv[1]
    con.close()


@pytest.mark.slow
def test_ms_keg_and_ms_ind_carry_the_published_numbers(run):
    data_dir, _ = run
    con = _published(data_dir)
    gates = dict(con.execute("SELECT status, count(*) FROM quality_gates GROUP BY ALL").fetchall())
    for periode in _periodes(con):
        folder = data_dir / "published" / "opendata" / periode
        keg = json.loads((folder / MS_KEG).read_text(encoding="utf-8"))
        ind = json.loads((folder / MS_IND).read_text(encoding="utf-8"))
        responden, opd, nilai, ikm, grade = con.execute(
            "SELECT jumlah_responden, jumlah_opd, nilai_ikm, ikm, mutu FROM ikm_kota WHERE periode = ?",
            [periode]).fetchone()
        assert keg["formulir"] == "MS-Keg" and keg["periode"] == periode and keg["tahun_kegiatan"] == int(periode[:4])
        assert keg["frekuensi_penyelenggaraan"] == "semesteran"
        assert keg["desain_sampel"]["jumlah_responden"] == responden
        assert keg["penyelenggara"]["jumlah_opd"] == opd
        memadai, kurang, unknown, n = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'memadai'), count(*) FILTER (WHERE status = 'kurang'), "
            "count(*) FILTER (WHERE populasi IS NULL), count(*) FROM kecukupan_sampel "
            "WHERE periode = ? AND level = 'opd'", [periode]).fetchone()
        got = keg["desain_sampel"]["opd"]
        assert (got["jumlah_unit"], got["sampel_memadai"], got["sampel_kurang"], got["populasi_tidak_diketahui"]) == \
            (n, memadai, kurang, unknown)
        qa = keg["jaminan_kualitas"]
        assert (qa["jumlah_pemeriksaan"], qa["lulus"]) == (sum(gates.values()), gates.get("passed", 0))
        assert qa["gagal_menghalangi"] == 0  # a blocking failure would not have published
        assert len(qa["daftar_peringatan"]) == qa["peringatan"] == gates.get("failed", 0)
        loaded = con.execute("SELECT count(*) FROM ingest_files WHERE periode_declared = ? AND status = 'loaded'",
                             [periode]).fetchone()[0]
        assert keg["berkas_sumber_dimuat"]["jumlah"] == loaded > 0

        assert ind["formulir"] == "MS-Ind" and ind["nama_indikator"].startswith("Indeks Kepuasan Masyarakat")
        value = ind["nilai_periode"]
        assert (Decimal(str(value["nilai_ikm"])), Decimal(str(value["ikm"])), value["mutu"],
                value["jumlah_responden"]) == (nilai, ikm, grade, responden)
        lo, hi = con.execute("SELECT ci_bawah, ci_atas FROM ketidakpastian_ikm WHERE periode = ? AND level = 'kota'",
                             [periode]).fetchone()
        assert [Decimal(str(v)) for v in value["selang_kepercayaan_95"]] == [lo, hi]
        # the bands are the seed's, highest first; the nine unsur in U1..U9 order
        assert [(b["mutu"], Decimal(str(b["nilai_dari"]))) for b in ind["interpretasi"]] == \
            [(b.mutu, b.lower) for b in reversed(mutu.bands())]
        unsur = [r[0] for r in con.execute("SELECT unsur FROM ikm_kota_unsur WHERE periode = ? ORDER BY urutan",
                                           [periode]).fetchall()]
        assert [u["unsur"] for u in ind["indikator_pembangun"]] == unsur
        assert [u["kode"] for u in ind["indikator_pembangun"]] == [f"U{i}" for i in range(1, 10)]
    con.close()
