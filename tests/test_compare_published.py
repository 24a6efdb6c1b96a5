"""The before/after comparison of two published files (tests/compare_published.py), used to show
that a refactoring changed no published table."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests.compare_published import differences, main


def test_equal_files_are_equal_and_a_changed_row_or_column_is_named(sample_run, tmp_path: Path):
    assert sample_run.success
    before = sample_run.data_dir / "published" / "skm.duckdb"
    after = tmp_path / "after.duckdb"
    shutil.copy(before, after)
    with duckdb.connect(str(after)) as con:  # what a run stamps by its nature is not a difference
        con.execute("UPDATE _published SET run_id = 'another run'")
    assert differences(before, after) == [] and main([str(before), str(after)]) == 0
    with duckdb.connect(str(after)) as con:
        con.execute("UPDATE ikm_opd SET nilai_ikm = nilai_ikm + 0.01 WHERE opd_kode = (SELECT min(opd_kode) FROM ikm_opd)")
        con.execute("ALTER TABLE saran ADD COLUMN extra INTEGER")
    found = differences(before, after)
    assert any(d.startswith("table ikm_opd: ") and "only before" in d for d in found), found
    assert any(d.startswith("table ikm_opd: ") and "only after" in d for d in found), found
    assert any(d.startswith("table saran: columns differ") for d in found), found
    assert main([str(before), str(after)]) == 1
