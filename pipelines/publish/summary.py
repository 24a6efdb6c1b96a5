"""Prints the city and OPD index per semester from the published file (`make summary`), and how far
it can be trusted. `make demo` asks for the trust part only (`--trust`): `skm run` has just printed
the values it published."""

from __future__ import annotations

import sys

import duckdb

from pipelines.publish.trust_summary import render as render_trust
from pipelines.context import SkmContext


def render(con: duckdb.DuckDBPyConnection, kota_nama: str = "Kota Bontang") -> str:
    out: list[str] = []
    for (periode,) in con.execute("SELECT DISTINCT periode FROM ikm_kota ORDER BY periode").fetchall():
        kota = con.execute(
            "SELECT jumlah_opd, jumlah_responden, nilai_ikm, mutu, kinerja, nilai_ikm_rata_opd "
            "FROM ikm_kota WHERE periode = ?",
            [periode],
        ).fetchone()
        out.append(f"\nIKM {kota_nama} {periode}: {kota[2]:.2f} ({kota[3]}, {kota[4]}) "
                   f"- {kota[1]} responden, {kota[0]} OPD; rata-rata OPD {kota[5]:.2f}")
        out.append(f"  {'OPD':<14}{'responden':>10}{'nilai IKM':>11}  mutu  kinerja")
        for opd, n, nilai, mutu, kinerja in con.execute(
            "SELECT opd_kode, jumlah_responden, nilai_ikm, mutu, kinerja FROM ikm_opd "
            "WHERE periode = ? ORDER BY nilai_ikm DESC, opd_kode",
            [periode],
        ).fetchall():
            out.append(f"  {opd:<14}{n:>10}{nilai:>11.2f}  {mutu:<4}  {kinerja}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    trust_only = "--trust" in (sys.argv[1:] if argv is None else argv)
    skm = SkmContext.from_env()
    published = skm.paths.published
    if not published.exists():
        print(f"No published file at {published}: run `make demo` (or the pipeline) first.", file=sys.stderr)
        return 1
    con = duckdb.connect(str(published), read_only=True)
    try:
        if not trust_only:
            print(f"Published: {published}")
            print(render(con, skm.kota_nama))
        print(render_trust(con))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
