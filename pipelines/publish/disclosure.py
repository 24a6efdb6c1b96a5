"""Disclosure control, the one home of the rule: no published number shows a group of fewer than
`MIN_GROUP` respondents, nor one that can be worked out by subtraction. Both the published
`profil_responden` (`suppress_profile`, at the publication boundary) and the Laporan SKM (report
stage: `report/laporan/fmt.suppress_counts`, one plan per periode over the city page and every OPD
page) hide what `suppression_plan` says.

The working warehouse keeps the exact counts (the report's own plan and the tests need them);
what leaves it is suppressed here: small cells hidden, then complementary cells hidden until no
hidden small group is determined by what is shown, across OPD rows and the city totals. The plan
is a small iterative computation over a few thousand cells, which SQL cannot express exactly;
the table it rewrites is tiny, so it runs in Python once per publication."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pandas as pd

# Groups of fewer respondents than this are never shown as a number (nor as a percentage or a bar
# length, which would give the number away): a group of 1-4 people in one OPD and semester could
# single a respondent out.
MIN_GROUP = 5
SUPPRESSED_LABEL = f"< {MIN_GROUP}"
# A group hidden only so that a hidden small group cannot be worked out by subtraction.
SECONDARY_LABEL = "disembunyikan"
# What a page prints in place of a hidden count, by why it is hidden ('primary': a small group;
# 'secondary': hidden to protect one).
HIDDEN_LABEL = {"primary": SUPPRESSED_LABEL, "secondary": SECONDARY_LABEL}
# `disembunyikan` values of the published table: the reason a published count is NULL.
HIDDEN_REASON = {"primary": "kelompok_kecil", "secondary": "pelengkap"}
TOTAL_ROW = "__total__"  # the city row (the column sums) in a plan over OPD rows

Cell = tuple[str, str]  # (unit, kategori)


@dataclass(frozen=True)
class Group:
    """One category of a respondent profile as shown: `shown` is the count, or None when hidden
    (the hidden count is deliberately not kept, so no template can print it)."""

    kategori: str
    shown: int | None
    persen: Decimal | None
    label: str  # what the page prints in place of the number

    @property
    def suppressed(self) -> bool:
        return self.shown is None


def label_of_reason(reason: str | None) -> str:
    """The page label of a published `disembunyikan` reason (an unknown reason: a small group)."""
    kind = next((k for k, r in HIDDEN_REASON.items() if r == reason), "primary")
    return HIDDEN_LABEL[kind]


# --------------------------------------------------------------------------- the plan


def suppression_plan(rows: dict[str, dict[str, int]], min_group: int = MIN_GROUP,
                     total_row: bool = True) -> dict[str, dict[str, str]]:
    """Which cells of one profile dimension to hide, across every page that shows it.

    `rows` maps a unit (an OPD) to its counts per category; with `total_row` the city row (the
    column sums, shown on the city page) is added as `TOTAL_ROW`. Every unit's total is printed,
    so the published numbers are linked: each row adds up to its total and each city cell is the
    sum of its column. Returns unit -> category -> 'primary' (fewer than `min_group`) or
    'secondary' (hidden so that no hidden cell can be worked out from the others).

    Rules, applied until nothing changes: a row with hidden cells has at least two, adding up to
    at least `min_group` (`_Suppression.complete_rows`); a column (OPD cells and the city cell)
    never has exactly one hidden cell (`complete_columns`). Then an exact check: no hidden small
    group may be determined by the linear relations between what is shown (rank test,
    `protect_determined`); where one is, another cell of its row is hidden and the check repeats:
    a small group must never be computable. (Bounds such as "at least 1" are not used by the
    check; the rules keep the hidden groups of a row together at or above `min_group`.)"""
    s = _Suppression.start(rows, min_group, total_row)
    while True:
        rows_changed = s.complete_rows()
        columns_changed = s.complete_columns() if total_row else False
        # the exact check only once the cheap rules are satisfied
        if not (rows_changed or columns_changed or s.protect_determined()):
            return s.plan()


@dataclass
class _Suppression:
    """The linked counts of one profile dimension and the cells hidden so far (cell -> 'primary'
    | 'secondary', in the order they were hidden: where two cells would do equally well, the
    first met is taken, so the same data always hides the same cells)."""

    cells: dict[str, dict[str, int]]  # unit -> kategori -> n > 0 (with the city row, if linked)
    min_group: int
    total_row: bool
    kind: dict[Cell, str] = field(default_factory=dict)

    @classmethod
    def start(cls, rows: dict[str, dict[str, int]], min_group: int, total_row: bool) -> _Suppression:
        """The non-empty counts, the city row (column sums) when linked, and the small groups hidden."""
        cells = {u: {k: int(n) for k, n in cats.items() if n and n > 0} for u, cats in rows.items()}
        if total_row:
            cells[TOTAL_ROW] = _column_sums(cells)
        kind = {(u, k): "primary" for u, cats in cells.items() for k, n in cats.items() if n < min_group}
        return cls(cells, min_group, total_row, kind)

    @property
    def units(self) -> list[str]:
        return list(self.cells)

    def _shown(self, u: str, k: str) -> bool:
        return k in self.cells[u] and (u, k) not in self.kind

    def hidden_in_column(self, k: str) -> list[str]:
        return [u for u in self.units if k in self.cells[u] and (u, k) in self.kind]

    def _hide_smallest_in_column(self, k: str, units: list[str]) -> bool:
        shown = [u for u in units if self._shown(u, k)]
        if not shown:
            return False
        self.kind[(min(shown, key=lambda u: (self.cells[u][k], u)), k)] = "secondary"
        return True

    def hide_one_more_in_row(self, u: str) -> bool:
        """Hide the row's smallest shown cell, preferring a column that already hides one."""
        shown = [k for k in self.cells[u] if (u, k) not in self.kind]
        if not shown:
            return False
        pick = min(shown, key=lambda k: (not self.hidden_in_column(k), self.cells[u][k], k))
        self.kind[(u, pick)] = "secondary"
        return True

    def complete_rows(self) -> bool:
        """Every row with hidden cells hides at least two, together at least `min_group`."""
        changed = False
        for u in self.units:
            while True:
                hidden = [k for k in self.cells[u] if (u, k) in self.kind]
                if not hidden or (len(hidden) >= 2 and sum(self.cells[u][k] for k in hidden) >= self.min_group):
                    break
                if not self.hide_one_more_in_row(u):
                    break
                changed = True
        return changed

    def complete_columns(self) -> bool:
        """No column hides exactly one cell: the city cell with a lone hidden OPD cell, the
        smallest shown OPD cell with a lone hidden city cell."""
        changed = False
        for k in sorted({k for cats in self.cells.values() for k in cats}):
            hidden = self.hidden_in_column(k)
            if len(hidden) != 1:
                continue
            if hidden[0] != TOTAL_ROW:
                self.kind[(TOTAL_ROW, k)] = "secondary"
            elif not self._hide_smallest_in_column(k, [u for u in self.units if u != TOTAL_ROW]):
                continue
            changed = True
        return changed

    def protect_determined(self) -> bool:
        """Hide one more cell beside the first small group a reader could compute exactly. Only
        the small groups must stay unknown: a hidden large group that can be computed is harmless
        in itself (the rank test already counts it as known)."""
        for u, k in determined_cells(self.cells, set(self.kind), self.total_row):
            if self.kind[(u, k)] == "primary" and (
                    self.hide_one_more_in_row(u) or self._hide_smallest_in_column(k, self.units)):
                return True
        return False

    def plan(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for (u, k), v in self.kind.items():
            out.setdefault(u, {})[k] = v
        return out


def _column_sums(cells: dict[str, dict[str, int]]) -> dict[str, int]:
    col: dict[str, int] = {}
    for cats in cells.values():
        for k, n in cats.items():
            col[k] = col.get(k, 0) + n
    return col


def determined_cells(cells: dict[str, dict[str, int]], hidden: set[Cell],
                     total_row: bool = True) -> list[Cell]:
    """The hidden cells a reader could compute exactly from what is shown (each row's total and,
    with `total_row`, each city cell = the sum of its column): those whose unit vector lies in the
    row space of the relations restricted to the hidden cells."""
    import numpy as np

    unknown = sorted(hidden)
    if not unknown:
        return []
    index = {c: i for i, c in enumerate(unknown)}
    relations: list[list[float]] = []
    for u in cells:
        relations.append([1.0 if c[0] == u else 0.0 for c in unknown])
    if total_row:
        for k in sorted({k for cats in cells.values() for k in cats}):
            relations.append([(1.0 if c[0] == TOTAL_ROW else -1.0) if c[1] == k else 0.0 for c in unknown])
    a = np.array(relations)
    rank = np.linalg.matrix_rank(a)
    out = []
    for c, i in index.items():
        e = np.zeros((1, len(unknown)))
        e[0, i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append(c)
    return out


# --------------------------------------------------------------------------- the published table


PROFILE_TABLE = "profil_responden"
_NULL_KATEGORI = "\x00null"  # kategori NULL (not given) is a category of its own


def suppress_profile(con: duckdb.DuckDBPyConnection, table: str, min_group: int = MIN_GROUP) -> dict[str, int]:
    """Rewrites `table` (an exact per-OPD profile) as the published one: OPD rows plus city rows
    (`level` 'kota', opd_kode NULL, the sums of the OPD rows), `jumlah_responden` and `persen`
    NULL where hidden and `disembunyikan` saying why. Returns counts of hidden cells by reason."""
    hidden_rows = hidden_profile_cells(con, table, min_group)
    _rewrite_profile(con, table, hidden_rows)
    by_reason: dict[str, int] = defaultdict(int)
    for row in hidden_rows:
        by_reason[row["disembunyikan"]] += 1
    return dict(by_reason)


def hidden_profile_cells(con: duckdb.DuckDBPyConnection, table: str, min_group: int = MIN_GROUP) -> list[dict]:
    """The plan for an exact profile table: one `suppression_plan` per periode and dimensi over
    its OPD rows and the city row; a row per hidden cell (unit: opd_kode or TOTAL_ROW)."""
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
    return hidden_rows


def _rewrite_profile(con: duckdb.DuckDBPyConnection, table: str, hidden_rows: list[dict]) -> None:
    """`table` with the city rows added, percentages of the exact unit totals, and the hidden
    cells' counts and percentages NULL with their reason."""
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
