"""What `skm run` prints when the run published, and what `skm status` prints: the numbers as
people read them (decimal comma), read from the PUBLISHED file only (read-only), never the
working warehouse. The change of each value comes from the published mart ikm_perubahan (with
whether it is larger than its uncertainty)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.periode import waktu_wita
from pipelines.report.laporan.fmt import angka


def _change(selisih, sebelumnya, periode_sebelumnya, nyata) -> str:
    if selisih is None:
        return "no previous semester"
    sign = "+" if selisih > 0 else ""
    return (f"{sign}{angka(selisih)} from {angka(sebelumnya)} ({periode_sebelumnya})"
            + (", a real change" if nyata else ", within its uncertainty"))


def published_values(published: Path, periodes: list[str]) -> list[dict]:
    """One row per unit (the city, then each OPD by rank) and periode: nilai, mutu, responden and
    the change against the previous semester."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            """
            with units as (
                select periode, 'kota' as level, null as opd_kode, 'Kota' as nama, nilai_ikm, mutu,
                       jumlah_responden, 0 as peringkat
                from ikm_kota
                union all
                select periode, 'opd', opd_kode, opd_nama, nilai_ikm, mutu, jumlah_responden, peringkat
                from ikm_opd
            )
            select u.*, p.selisih, p.nilai_ikm_sebelumnya, p.periode_sebelumnya, p.perubahan_nyata
            from units u
            left join ikm_perubahan p
              on p.periode = u.periode and p.level = u.level and p.opd_kode is not distinct from u.opd_kode
            where u.periode in (select unnest(?::varchar[]))
            order by u.periode, u.level = 'kota' desc, u.peringkat, u.opd_kode
            """,
            [periodes],
        ).fetchall()
        names = [d[0] for d in con.description]
    finally:
        con.close()
    return [dict(zip(names, r)) for r in rows]


def published_lines(published: Path, periodes: list[str]) -> list[str]:
    """The plain-text summary (a pipe, CI, a test)."""
    rows = published_values(published, periodes)
    if not rows:
        return [f"Nothing published for {', '.join(periodes)} in {published}."]
    out = [f"Published to {published} at {published_at(published)}:"]
    for periode in periodes:
        mine = [r for r in rows if r["periode"] == periode]
        if not mine:
            continue
        out.append(f"  {periode}:")
        for r in mine:
            label = r["nama"] if r["level"] == "kota" else r["opd_kode"]
            out.append(f"    {label:<14} {angka(r['nilai_ikm']):>6} {r['mutu'] or '-'}  "
                       f"{r['jumlah_responden']:>6} responden  "
                       + _change(r["selisih"], r["nilai_ikm_sebelumnya"], r["periode_sebelumnya"],
                                 r["perubahan_nyata"]))
    return out


def published_at(published: Path) -> str:
    con = duckdb.connect(str(published), read_only=True)
    try:
        row = con.execute("select published_at_utc, run_id from _published").fetchone()
    finally:
        con.close()
    return f"{waktu_wita(row[0])} (run {row[1]})" if row and row[0] else "an unknown time"


def print_published(published: Path, periodes: list[str], echo, terminal: bool) -> None:
    """A rich table in a terminal, plain lines otherwise."""
    if not terminal:
        for line in published_lines(published, periodes):
            echo(line)
        return
    from rich.console import Console
    from rich.table import Table

    rows = published_values(published, periodes)
    table = Table(title=f"Published: {published} at {published_at(published)}")
    for col in ("periode", "unit", "Nilai IKM", "mutu", "responden", "change"):
        table.add_column(col, justify="right" if col in ("Nilai IKM", "responden") else "left")
    for r in rows:
        table.add_row(r["periode"], r["nama"] if r["level"] == "kota" else r["opd_kode"], angka(r["nilai_ikm"]),
                      r["mutu"] or "-", str(r["jumlah_responden"]),
                      _change(r["selisih"], r["nilai_ikm_sebelumnya"], r["periode_sebelumnya"], r["perubahan_nyata"]))
    Console().print(table)
