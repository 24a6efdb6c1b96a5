"""The saran mart: what respondents wrote, published without the personal data they typed in."""

from __future__ import annotations

import pytest

from tests.lake_fixtures import LakeFile, Source, query, row, run_dbt, write_lake

WEB = Source("saran_web", "SARAN", "Dinas Saran")

TEXTS = {
    "s-1": ("Mohon dipercepat, hubungi saya di budi.santoso@mail.com atau 0812-3456-7890 ya",
            "Mohon dipercepat, hubungi saya di [email disamarkan] atau [nomor disamarkan] ya"),
    "s-2": ("Nama saya Siti Aminah, NIK 6474012345678901, petugas ramah",
            "Nama saya [nama disamarkan], NIK [NIK disamarkan], petugas ramah"),
    "s-3": ("Ruang tunggu kurang kursi", "Ruang tunggu kurang kursi"),
    "s-4": ("Telp +62 811 5432 1098 kalau ada kabar", "Telp [nomor disamarkan] kalau ada kabar"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("saran")
    rows = [row(4, submission_id=sid, saran=text) for sid, (text, _) in TEXTS.items()]
    rows.append(row(3, submission_id="s-5", saran="   "))  # blank: no saran row
    rows.append(row(9, submission_id="s-6", saran="email saya x@y.co"))  # quarantined (score 9): not published
    write_lake(data_dir, [WEB], [LakeFile(WEB, rows)])
    proc = run_dbt(data_dir)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return data_dir


def test_personal_data_in_saran_is_masked_and_the_rest_kept(built):
    got = sorted((r["saran"], r["disamarkan"]) for r in query(built, "SELECT * FROM marts.saran"))
    want = sorted((masked, masked != text) for text, masked in TEXTS.values())
    assert got == want


def test_only_responses_that_count_and_wrote_something_are_published(built):
    rows = query(built, "SELECT periode, opd_kode, opd_nama, jenis_layanan FROM marts.saran")
    assert len(rows) == len(TEXTS)  # not the blank one, not the quarantined one
    assert {(r["periode"], r["opd_kode"], r["opd_nama"], r["jenis_layanan"]) for r in rows} == {
        ("2025-S1", "SARAN", "Dinas Saran", "Layanan Uji")}
    columns = [r["column_name"] for r in query(
        built, "SELECT column_name FROM information_schema.columns WHERE table_name = 'saran'")]
    assert not [c for c in columns if "id" in c or "row" in c or "sha" in c]  # no way back to a response
