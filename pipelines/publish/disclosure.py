"""Disclosure control at the publication boundary: the published `profil_responden` never shows a
group of fewer than five respondents, nor one that can be worked out by subtraction.

The working warehouse keeps the exact counts (the report's own plan and the tests need them);
what leaves it is suppressed here, with the same plan the Laporan SKM uses
(`report.fmt.suppression_plan`: small cells hidden, then complementary cells hidden until no
hidden small group is determined by what is shown, across OPD rows and the city totals). The plan
is a small iterative computation over a few thousand cells, which SQL cannot express exactly;
the table it rewrites is tiny, so it runs in Python once per publication."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pandas as pd

from pipelines.report.laporan.fmt import MIN_GROUP, TOTAL_ROW, suppression_plan

PROFILE_TABLE = "profil_responden"
# `disembunyikan` values: the reason a published count is NULL.
HIDDEN_REASON = {"primary": "kelompok_kecil", "secondary": "pelengkap"}
_NULL_KATEGORI = "\x00null"  # kategori NULL (not given) is a category of its own


def suppress_profile(con: duckdb.DuckDBPyConnection, table: str, min_group: int = MIN_GROUP) -> dict[str, int]:
    """Rewrites `table` (an exact per-OPD profile) as the published one: OPD rows plus city rows
    (`level` 'kota', opd_kode NULL, the sums of the OPD rows), `jumlah_responden` and `persen`
    NULL where hidden and `disembunyikan` saying why. Returns counts of hidden cells by reason."""
    # in a fixed order: where two cells could complete a suppression equally well, the plan takes
    # the first it meets, and the same data must always hide the same cells
    exact = con.execute(f"SELECT periode, opd_kode, dimensi, kategori, jumlah_responden FROM {table} "
                        "ORDER BY periode, opd_kode, dimensi, kategori").fetchall()
    cells: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for periode, opd, dimensi, kategori, n in exact:
        cells[(periode, dimensi)][opd][_NULL_KATEGORI if kategori is None else kategori] = int(n or 0)
    hidden_rows: list[dict] = []
    for (periode, dimensi), rows in cells.items():
        for unit, kinds in suppression_plan(rows, min_group=min_group).items():
            for kategori, kind in kinds.items():
                hidden_rows.append({"periode": periode, "unit": unit, "dimensi": dimensi,
                                    "kategori": kategori, "disembunyikan": HIDDEN_REASON[kind]})
    hidden = pd.DataFrame(hidden_rows, columns=["periode", "unit", "dimensi", "kategori", "disembunyikan"],
                          dtype="string")
    con.register("_hidden", hidden)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _profil AS
            WITH exact AS (
                SELECT 'opd' AS level, periode, opd_kode, opd_nama, dimensi, kategori, jumlah_responden
                FROM {table}
                UNION ALL
                SELECT 'kota', periode, NULL, NULL, dimensi, kategori, sum(jumlah_responden)
                FROM {table} GROUP BY periode, dimensi, kategori
            ),
            cells AS (
                -- percentages of the exact unit total, half up (as round_half_up in dbt)
                SELECT *, cast(round(cast(100.0 * jumlah_responden
                           / sum(jumlah_responden) OVER (PARTITION BY level, periode, opd_kode, dimensi)
                           AS DECIMAL(38, 10)), 2) AS DECIMAL(18, 2)) AS persen
                FROM exact
            )
            SELECT c.periode, c.opd_kode, c.opd_nama, c.dimensi, c.kategori,
                   CASE WHEN h.disembunyikan IS NULL THEN c.jumlah_responden END AS jumlah_responden,
                   CASE WHEN h.disembunyikan IS NULL THEN c.persen END AS persen,
                   c.level, h.disembunyikan
            FROM cells AS c
            LEFT JOIN _hidden AS h
              ON h.periode = c.periode AND h.dimensi = c.dimensi
             AND h.unit = coalesce(c.opd_kode, '{TOTAL_ROW}')
             AND h.kategori = coalesce(c.kategori, '{_NULL_KATEGORI}')
            ORDER BY c.periode, c.level DESC, c.opd_kode, c.dimensi, c.kategori
        """)
    finally:
        con.unregister("_hidden")
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _profil")
    con.execute("DROP TABLE _profil")
    by_reason: dict[str, int] = defaultdict(int)
    for row in hidden_rows:
        by_reason[row["disembunyikan"]] += 1
    return dict(by_reason)
