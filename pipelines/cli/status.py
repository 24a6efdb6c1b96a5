"""`skm status`: what is published, per semester (when, by which run, from which files, the city's
value), and whether any source is late (pipelines/ingest/freshness.py). Sections in order; each
is a list of lines, so a new concern is one more function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.context import SkmContext
from pipelines.ingest.freshness import freshness_lines
from pipelines.periode import waktu_wita
from pipelines.report.laporan.fmt import angka


def published_section(published: Path) -> list[str]:
    if not published.exists():
        return [f"Nothing is published yet ({published} does not exist): `make demo` on the sample data, "
                "or land the exports and `skm run`."]
    con = duckdb.connect(str(published), read_only=True)
    try:
        at, run_id = con.execute("select published_at_utc, run_id from _published").fetchone()
        kota = con.execute("select periode, nilai_ikm, mutu, jumlah_responden, jumlah_opd from ikm_kota "
                           "order by periode").fetchall()
        files = con.execute(
            "select periode_declared, source_code, file_name, rows_read, status, left(file_sha256, 12) "
            "from ingest_files order by periode_declared, source_code, file_name").fetchall()
    finally:
        con.close()
    out = [f"Published file: {published}", f"  published {waktu_wita(at)} by run {run_id}"]
    for periode, nilai, mutu, responden, opd in kota:
        out.append(f"  {periode}: Nilai IKM kota {angka(nilai)} (mutu {mutu}), {angka(responden, 0)} responden, "
                   f"{opd} OPD")
        for _, source, name, rows, status, sha in (f for f in files if f[0] == periode):
            rows_text = f"{angka(rows, 0)} rows" if rows is not None else "no rows"
            out.append(f"      {source}: {name} ({rows_text}, {status}, sha256 {sha})")
    return out


def freshness_section(skm: SkmContext, now: dt.datetime | None = None) -> list[str]:
    return ["Deliveries:", *("  " + line for line in freshness_lines(skm, now))]


SECTIONS: tuple[Callable[[SkmContext], list[str]], ...] = (
    lambda skm: published_section(skm.paths.published),
    freshness_section,
)


def status_lines(skm: SkmContext) -> list[str]:
    out: list[str] = []
    for section in SECTIONS:
        if out:
            out.append("")
        out += section(skm)
    return out
