"""Real export shapes are read exactly, and a date that cannot be placed for sure is never guessed.

The exports are our own files of the shapes found in the field (tests/export_fixtures.py); each
gives the Nilai IKM computed by hand with every row used and no row misdated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.ingest import dates
from pipelines.ingest.loader import ingest
from pipelines.ingest.readers import FileProblem
from pipelines.registry import load_registry
from tests import export_fixtures as fx
from tests.lake_fixtures import query, run_dbt


def _ingest(data_dir: Path):
    sources = load_registry(data_dir / "sources.yml")
    result = ingest(sources, data_dir, data_dir / "warehouse" / "raw", key="test-key")
    return {r.source_code: r for r in result.files}


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    data_dir = fx.write_estate(tmp_path_factory.mktemp("exports") / "data")
    files = _ingest(data_dir)
    done = run_dbt(data_dir, "--select", "+ikm_opd", "+quarantine", "+reconciliation",
                   "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
    assert done.returncode == 0, done.stdout[-3000:]
    return data_dir, files


def test_every_export_is_loaded_and_its_date_decision_recorded(estate):
    _, files = estate
    assert {c: (r.status, r.message) for c, r in files.items()} == {e.code: ("loaded", None) for e in fx.EXPORTS}
    decided = {c: r.date_format for c, r in files.items()}
    assert decided == {"qr_form_id": "day_first", "qr_form_us": "month_first", "dinsos_excel_csv": "day_first",
                       "diskominfo_app": "iso", "bapenda_paper": "iso+excel_serial"}
    # the evidence names the row that proves the order: 16 August, the only date with a day above 12
    # in the first field (Indonesian) / the second field (US) among the first rows
    assert "first field above 12 (first: row 2 '16/8/2025 10:15:00')" in files["qr_form_id"].date_evidence
    assert "second field above 12 (first: row 2 '8/16/2025 10:15:00')" in files["qr_form_us"].date_evidence


@pytest.mark.parametrize("export", fx.EXPORTS, ids=lambda e: e.code)
def test_each_export_gives_the_hand_computed_index_with_every_row_used_and_none_misdated(estate, export):
    data_dir, _ = estate
    times = [r["submitted_at_wita"] for r in query(
        data_dir, "SELECT submitted_at_wita FROM staging.stg_raw__responses WHERE source_code = ? ORDER BY row_number",
        [export.code])]
    assert times == fx.TIMES  # every row, in file order, at its true time (WITA)
    rec = query(data_dir, "SELECT rows_read, rows_used, rows_quarantined, rows_duplicate FROM marts.reconciliation "
                          "WHERE source_code = ?", [export.code])
    assert rec == [{"rows_read": 10, "rows_used": 10, "rows_quarantined": 0, "rows_duplicate": 0}]
    ikm = query(data_dir, "SELECT periode, jumlah_responden, nilai_ikm FROM marts.ikm_opd WHERE opd_kode = ?",
                [export.opd_kode])
    assert len(ikm) == 1 and ikm[0]["periode"] == fx.PERIODE and ikm[0]["jumlah_responden"] == 10
    assert Decimal(str(ikm[0]["nilai_ikm"])) == fx.nilai_ikm(fx.ANSWERS)


def _only_ambiguous(data_dir: Path, entry_extra: dict | None = None) -> Path:
    """The US Google Forms download with only the rows whose day and month are both 12 or less."""
    export = fx.GFORMS_US
    if entry_extra:
        export = fx.Export(export.code, export.opd_kode, {**export.entry, **entry_extra}, export.file_name)
    fx.write_estate(data_dir, [export])
    path = export.path(data_dir)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line, t in zip(lines[1:], fx.TIMES) if t.day <= 12]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return data_dir


def test_an_undeclared_wholly_ambiguous_file_is_refused_saying_how_to_declare(tmp_path: Path):
    data_dir = _only_ambiguous(tmp_path / "data")
    rec = _ingest(data_dir)["qr_form_us"]
    assert rec.status == "error"
    assert rec.message.startswith("raw/qr_form_us/2025-S2/SKM (Responses).csv: the day/month order of the dates in "
                                  "column 'Timestamp' cannot be told")
    assert "e.g. row 1 '8/6/2025 9:07:13'" in rec.message
    assert "`date_format: month_first` (a Google Forms download with 'Timestamp'" in rec.message
    assert not list((data_dir / "warehouse/raw/responses/qr_form_us").glob("*.parquet"))


def test_the_same_file_with_its_order_declared_loads_and_says_so(tmp_path: Path):
    data_dir = _only_ambiguous(tmp_path / "data", {"date_format": "month_first"})
    rec = _ingest(data_dir)["qr_form_us"]
    assert (rec.status, rec.rows_read, rec.date_format) == ("loaded", 7, "month_first")
    assert rec.date_evidence == "declared in the registry (month_first)"


@pytest.mark.parametrize("declared", ["day_first", "%d/%m/%Y %H:%M:%S"])
def test_a_file_that_contradicts_its_declared_format_is_refused(tmp_path: Path, declared: str):
    data_dir = fx.write_estate(tmp_path / "data", [fx.Export(fx.GFORMS_US.code, fx.GFORMS_US.opd_kode,
                                                             {**fx.GFORMS_US.entry, "date_format": declared},
                                                             fx.GFORMS_US.file_name)])
    rec = _ingest(data_dir)["qr_form_us"]
    assert rec.status == "error"
    assert f"the registry's date_format '{declared}' for qr_form_us" in rec.message
    assert "row 2 '8/16/2025 10:15:00'" in rec.message


def _evidence(**kw) -> dates.DateEvidence:
    return dates.DateEvidence(header="Tanggal", **kw)


def test_decide_contradicting_rows_refuse_an_undeclared_file_and_a_declaration_reads_them_one_way():
    ev = _evidence(values=3, numeric=3, day_first_rows=1, first_day_first=(1, "13/08/2025"), month_first_rows=1,
                   first_month_first=(3, "08/14/2025"), example=(1, "13/08/2025"))
    with pytest.raises(FileProblem, match=r"contradict each other: 1 date\(s\) read only day/month \(first: row 1 "
                                          r"'13/08/2025'\), 1 date\(s\) read only month/day \(first: row 3"):
        dates.decide(ev, (), "src")
    # declared: the declared order holds (the other row is quarantined later as unparseable_date)
    assert dates.decide(ev, ("day_first",), "src").order == "day_first"


def test_decide_iso_and_serial_only_need_no_order():
    d = dates.decide(_evidence(values=4, iso=3, serial=1), (), "src")
    assert (d.format, d.order) == ("iso+excel_serial", None)
    assert dates.decide(_evidence(), (), "src").format == "none"


def test_registry_refuses_a_date_format_that_cannot_place_a_date(tmp_path: Path):
    from pipelines.registry import RegistryError, parse_registry

    entry = fx.GFORMS_US.registry_entry()
    for bad, why in (("%m/%Y", "has no day"), ("dayfirst", "neither day_first nor month_first"),
                     (["day_first", "%d/%m/%Y"], "cannot be combined")):
        import yaml

        (tmp_path / "r.yml").write_text(yaml.safe_dump({"sources": [{**entry, "date_format": bad}]}))
        with pytest.raises(RegistryError, match=why):
            parse_registry(tmp_path / "r.yml")


def test_two_digit_years_am_pm_and_dotted_times_read_exactly():
    import duckdb

    con = duckdb.connect()
    texts = ["06-08-25 09.07.13", "8/6/2025 9:07:13 PM", "12/1/2025 12:05 AM", "6.8.2025", "31/02/2025"]
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS v", [texts])
    day = dates.DateDecision("day_first", "", order="day_first")
    month = dates.DateDecision("month_first", "", order="month_first")
    sql = lambda d: (f"SELECT {dates.iso_sql('v', 'm', d)} FROM (SELECT v, {dates.parts_sql('v')} AS m FROM t)")  # noqa: E731
    assert [r[0] for r in con.execute(sql(day)).fetchall()] == [
        "2025-08-06 09:07:13", "2025-06-08 21:07:13", "2025-01-12 00:05:00", "2025-08-06 00:00:00", None]
    assert [r[0] for r in con.execute(sql(month)).fetchall()][1:3] == ["2025-08-06 21:07:13", "2025-12-01 00:05:00"]


def _registry_with(data_dir: Path, export: fx.Export) -> Path:
    """The demo registry plus one new source: what a data team has when it onboards an OPD."""
    import yaml

    from pipelines.settings import REPO_ROOT

    reg = yaml.safe_load((REPO_ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    reg["sources"].append(export.registry_entry())
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "sources.yml").write_text(yaml.safe_dump(reg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data_dir / "sources.yml"


def test_check_source_reads_a_file_through_its_entry_without_touching_the_data_folder(tmp_path: Path):
    from pipelines.cli.check_source import check_source, render

    registry = _registry_with(tmp_path / "data", fx.GFORMS_US)
    download = tmp_path / "Downloads" / fx.GFORMS_US.file_name  # not in a periode folder
    fx.WRITERS[fx.GFORMS_US.code](download)
    lines = download.read_text(encoding="utf-8").splitlines()
    cells = lines[4].split(",")
    cells[3] = "Lumayan"  # row 4: an answer no label table knows
    lines[4] = ",".join(cells)
    download.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    check = check_source(registry, "qr_form_us", download)
    text = render(check)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written beside it
    assert check.periode == "2025-S2" and "from the file's dates" in text
    assert "read as: encoding UTF-8, delimiter comma (,), header row 1" in text
    assert "submitted_at   <- 'Timestamp'" in text and "saran          <- 'Saran dan Masukan'" in text
    assert "dates: month_first: decided from the file:" in text
    assert "row_number=1; submitted_at=8/6/2025 9:07:13; submitted_at_iso=2025-08-06 09:07:13;" in text
    assert "reconciliation: 10 read = 9 used + 1 quarantined + 0 duplicate" in text
    assert "unknown_label: 1 row(s), e.g. 2025-S2/SKM (Responses).csv row 4 prosedur='Lumayan'" in text
    used = [a for i, a in enumerate(fx.ANSWERS) if i != 3]
    assert f"Nilai IKM DISPAR 2025-S2 from this file alone: {fx.nilai_ikm(used)} " in text


def test_check_source_names_a_refused_file_and_why(tmp_path: Path):
    from pipelines.cli.check_source import check_source, render

    registry = _registry_with(tmp_path / "data", fx.GFORMS_US)
    data_dir = _only_ambiguous(tmp_path / "amb")
    check = check_source(registry, "qr_form_us", fx.GFORMS_US.path(data_dir))
    text = render(check)
    assert not check.loaded and check.periode == "2025-S2" and "from the file's folder (2025-S2/)" in text
    assert "REFUSED (error): raw/qr_form_us/2025-S2/SKM (Responses).csv: the day/month order of the dates" in text
    with pytest.raises(SystemExit, match="no source 'qr_form_uss' \\(did you mean 'qr_form_us'\\?\\)"):
        check_source(registry, "qr_form_uss", fx.GFORMS_US.path(data_dir))


def test_propose_source_proposes_the_date_order_the_loader_will_decide(tmp_path: Path):
    from pipelines.ingest.propose import propose_entry, render_yaml

    for export, order, why in ((fx.GFORMS_US, "month_first", "second field above 12"),
                               (fx.GFORMS_ID, "day_first", "first field above 12")):
        path = tmp_path / export.code / export.file_name
        fx.WRITERS[export.code](path)
        proposal = propose_entry(path, code=export.code)
        assert (proposal.date_format, proposal.date_sure) == (order, True)
        assert f"    date_format: {order}  # decided from the file:" in render_yaml(proposal)
        assert why in proposal.date_why
    # only ambiguous dates under 'Timestamp': proposed, but marked for a person to check
    data_dir = _only_ambiguous(tmp_path / "amb")
    proposal = propose_entry(fx.GFORMS_US.path(data_dir), code="qr_form_us")
    assert (proposal.date_format, proposal.date_sure) == ("day_first", False)
    assert "date_format: day_first  # CHECK: the dates cannot tell day/month" in render_yaml(proposal)
