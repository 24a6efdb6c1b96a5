"""The fair reference, third part: from the per-response tables to every published mart.

Issue 19's fair floor is a hand-written DuckDB script doing the pipeline's required work with no
orchestration. `fair_ingest` writes the staged tables and the seeds, `fair_rows` the per-response
and per-answer intermediates (int_responses_status, int_respons_ditandai, int_response_issues,
...); this module computes everything after them on the same connection: the aggregating
intermediates (int_skor_layanan_unsur, int_nrr_*, int_ikm_*, int_opd, int_populasi,
int_mutu_kategori, int_unsur_bobot) and the 17 marts of dbt_project/models/marts/, as tables named
like the dbt models in the connection's current schema.

The same rules as the dbt models (README, /work/shared/domain/skm-methodology.md), written another
way so that it is a reference and not a copy:
- ONE pass over the used responses: an aggregate per periode x OPD x jenis layanan x marked/not of
  every count and sum the marts need (nine unsur side by side, the answer distribution 1-4 and the
  respondents' own scores for the standard error); the layanan, OPD and city grains are the
  GROUPING SETS of that small table (integer sums add up exactly: no mean of means), and the
  published index, the sensitivity to marked rows and the uncertainty all read it.
- The respondent's own score nilai_responden = 25 x skor / jawaban is kept exact as the integer
  2520 x skor / jawaban (2520 = lcm(1..9)), so its mean and standard deviation come from integer
  sums, not from a second pass over millions of doubles.
- A second pass only where the grain is another one: the respondent profile (demographics), the
  saran (one row per response), quarantine and duplicates (one row per issue / duplicate).
- mutu / kinerja as a CASE over the mutu_categories seed's lower bounds (read once), on the
  ROUNDED value; every published number rounded half up from the exact value as the dbt macro
  round_half_up does (cast to DECIMAL(38,10), round, DECIMAL(18, d)).

`build(con, params)` returns seconds per step (and "marts", the total). `params` has dbt's var
names as keys (`params_from_registry` reads them from a registry file as the Dagster asset does),
plus optionally "sources": [{source_code, opd_kode, opd_nama}] when the connection has no
stg_raw__sources table. `publish(con, path)` writes a published-like file (the publish step's
storage version, BIGINT counts, the suppressed respondent profile); tests/benchmark/fair_compare.py
checks either against the pipeline's published file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb

from pipelines.pii import pii_patterns

# lcm(1..9): 2520 x jumlah_skor / jumlah_jawaban is an integer for every possible jumlah_jawaban,
# so the respondents' own scores (x 25 / 2520) can be summed and squared exactly
SCALE = 2520

# the tables an unqualified name can mean: the connection's own database and its temp tables
_VISIBLE = ("table_catalog in (current_database(), 'temp') "
            "and table_schema in (current_schema(), 'main')")

def _dbt_defaults() -> dict[str, Any]:
    """dbt_project.yml's vars (their one home), the ones the marts read."""
    from tests.benchmark.fair_rows import dbt_default_vars

    keys = ("weight_mode", "min_answered_unsur", "kebijakan_ditandai", "ditandai_ulang_menit",
            "ditandai_beruntun_jumlah", "ditandai_beruntun_menit", "ditandai_seragam_toleransi",
            "ditandai_seragam_min_responden", "populasi_tambahan")
    defaults = dbt_default_vars()
    return {k: defaults[k] for k in keys}


DEFAULT_PARAMS: dict[str, Any] = _dbt_defaults()

MARTS = ("ingest_files", "reconciliation", "quarantine", "duplicates", "respons_ditandai",
         "ikm_layanan", "ikm_opd", "ikm_kota", "ikm_unsur", "ikm_kota_unsur", "prioritas_unsur",
         "ikm_sensitivitas", "kecukupan_sampel", "ketidakpastian_ikm", "ikm_perubahan",
         "profil_responden", "saran")


# What build() reads, table -> columns: the contract with fair_ingest (staged tables, seeds) and
# fair_rows (per-response intermediates). check_inputs() names whatever is missing.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "stg_raw__ingest_files": ("source_code", "file_name", "file_sha256", "periode_declared", "file_bytes", "status",
                              "message", "rows_read", "rows_blank", "config_sha", "date_format", "date_evidence",
                              "ingested_at", "is_loaded"),
    "stg_raw__responses": ("response_id", "source_code", "file_name", "file_sha256", "periode_declared", "row_number",
                           "submission_id", "submitted_at", "periode", "opd_kode", "jenis_layanan", "saran"),
    "int_responses_status": ("response_id", "source_code", "file_name", "file_sha256", "periode_declared",
                             "row_number", "status", "duplicate_rule", "duplicate_of", "periode", "opd_kode",
                             "jenis_layanan", "jenis_kelamin", "usia_kelompok", "pendidikan", "pekerjaan",
                             "jumlah_jawaban", "jumlah_skor"),  # and s_<unsur> for every unsur of the seed
    "int_respons_ditandai": ("response_id", "source_code", "file_name", "row_number", "submission_id", "periode",
                             "opd_kode", "device_id", "submitted_at_wita", "kode_aturan", "alasan"),
    "int_response_issues": ("response_id", "field", "raw_value", "reason_code", "detail"),
    "unsur": ("unsur", "urutan", "unsur_nama"),
    "mutu_categories": ("batas_bawah", "mutu", "kinerja", "nilai_persepsi"),
    "populasi": ("periode", "opd_kode", "jenis_layanan", "populasi"),
    "issue_reasons": ("reason_code", "description"),
}


def check_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """Raise naming every input table or column build() needs and the connection lacks."""
    have: dict[str, set[str]] = {}
    for table, column in con.execute("select table_name, column_name from information_schema.columns "
                                     f"where {_VISIBLE}").fetchall():
        have.setdefault(table, set()).add(column)
    unsur = [u for (u,) in con.execute("select unsur from unsur").fetchall()] if "unsur" in have else []
    wanted = {**INPUT_COLUMNS,
              "int_responses_status": INPUT_COLUMNS["int_responses_status"] + tuple(f"s_{u}" for u in unsur)}
    missing = [f"{t} (table)" if t not in have else f"{t}.{c}"
               for t, cols in wanted.items() for c in (cols if t in have else cols[:1]) if c not in have.get(t, set())]
    if missing:
        raise ValueError("fair_marts.build: the fair database lacks " + ", ".join(missing))


def params_from_registry(registry_path: Path) -> dict[str, Any]:
    """dbt's vars as the pipeline passes them (the registry's `kepercayaan:` block,
    pipelines/registry.py TrustConfig.dbt_vars) over the dbt_project.yml defaults, plus the
    registry's sources (for int_opd, when the connection has no stg_raw__sources)."""
    from pipelines.registry import load_registry, load_trust

    sources = [{"source_code": s.code, "opd_kode": s.opd_kode, "opd_nama": s.opd_nama}
               for s in load_registry(Path(registry_path))]
    return {**DEFAULT_PARAMS, **load_trust(Path(registry_path)).dbt_vars(), "sources": sources}


def _lit(value: object) -> str:
    """A SQL literal (text or NULL)."""
    return "null" if value is None else "'" + str(value).replace("'", "''") + "'"


def r(expr: str, digits: int) -> str:
    """Half up of the exact value, as the dbt macro round_half_up."""
    return f"cast(round(cast(({expr}) as decimal(38, 10)), {digits}) as decimal(18, {digits}))"


def _bobot(mode: str) -> str:
    """The weight of one unsur (dbt macro unsur_bobot), the same double expression."""
    if mode == "exact":
        return "(cast(1 as double) / 9)"
    if mode in ("0.111", "0.11"):
        return f"cast({mode} as double)"
    raise ValueError(f"weight_mode must be 'exact', '0.111' or '0.11', got {mode!r}")


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(f"select count(*) from information_schema.tables where table_name = ? and {_VISIBLE}",
                            [name]).fetchone()[0])


class _Sql:
    """The build's settings and the SQL pieces every mart shares."""

    def __init__(self, con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        p = {**DEFAULT_PARAMS, **(params or {})}
        self.p = p
        self.policy = str(p["kebijakan_ditandai"]).strip()
        if self.policy not in ("hitung", "kecualikan"):
            raise ValueError(f"kebijakan_ditandai must be 'hitung' or 'kecualikan', got {self.policy!r}")
        self.bobot = _bobot(str(p["weight_mode"]))
        self.weight_mode = str(p["weight_mode"])
        self.unsur = [u for (u,) in con.execute("select unsur from unsur order by urutan").fetchall()]
        # lowest bound first; the lowest category is open below, the highest open above
        self.categories = con.execute(
            "select cast(batas_bawah as decimal(5, 2)), mutu, kinerja from mutu_categories order by batas_bawah desc"
        ).fetchall()
        pats = pii_patterns()
        self.pii_any = "|".join(f"(?:{x.pattern})" for x in pats)
        self.pii = [(x.pattern, x.replacement) for x in pats]
        # the rows counted in the published index under the policy: the marked ones too ('hitung')
        self.pub = "true" if self.policy == "hitung" else "not ditandai"

    def grade(self, x: str, column: str = "mutu") -> str:
        """mutu or kinerja of a ROUNDED Nilai (25-100) by lower bounds; NULL for NULL."""
        i = 1 if column == "mutu" else 2
        whens = " ".join(f"when {x} >= {c[0]} then {_lit(c[i])}" for c in self.categories[:-1])
        return f"(case when {x} is null then null {whens} else {_lit(self.categories[-1][i])} end)"

    def mask_data(self, x: str) -> str:
        """A raw value shaped like personal data replaced whole (macro mask_personal_data)."""
        return (f"(case when regexp_matches({x}, {_lit(self.pii_any)}) "
                f"then '[hidden: looks like personal data]' else {x} end)")

    def mask_text(self, x: str) -> str:
        """Each personal-data pattern replaced, twice, in texts holding any (mask_personal_text)."""
        inner = x
        for pat, rep in self.pii:
            for _ in range(2):
                inner = f"regexp_replace({inner}, {_lit(pat)}, {_lit(rep)}, 'g')"
        return f"(case when regexp_matches({x}, {_lit(self.pii_any)}) then {inner} else {x} end)"


def _steps(q: _Sql, con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, SQL) in build order; each SQL is a statement creating the table `name`."""
    U = q.unsur
    steps: list[tuple[str, str]] = []

    def add(name: str, select: str, temp: bool = False) -> None:
        kind = "temp table" if temp else "table"
        steps.append((name, f"create or replace {kind} {name} as {select}"))

    # ---------------------------------------------------------------- lookups
    add("int_unsur_bobot", f"select unsur, urutan, unsur_nama, {q.bobot} as bobot, "
                           f"{_lit(q.weight_mode)} as weight_mode from unsur")
    add("int_mutu_kategori", """
        select mutu, kinerja, nilai_persepsi, batas_bawah,
               case when batas_bawah = min(batas_bawah) over () then null else batas_bawah end as batas_bawah_efektif,
               lead(batas_bawah) over (order by batas_bawah) as batas_atas
        from mutu_categories""")
    if _table_exists(con, "stg_raw__sources"):
        sources = "select opd_kode, opd_nama from stg_raw__sources"
    else:
        rows = q.p.get("sources")
        if rows is None:
            raise ValueError("fair_marts.build: no stg_raw__sources table and no params['sources'] "
                             "(params_from_registry gives them): the OPD names would be missing")
        sources = (" union all ".join(f"select {_lit(s['opd_kode'])} as opd_kode, {_lit(s.get('opd_nama'))} as opd_nama"
                                      for s in rows)
                   or "select cast(null as varchar) as opd_kode, cast(null as varchar) as opd_nama where false")
    add("int_opd", f"select opd_kode, min(opd_nama) as opd_nama, count(*) as jumlah_sumber "
                   f"from ({sources}) where opd_kode is not null group by opd_kode")
    extra = q.p.get("populasi_tambahan") or []
    registry = " union all ".join(
        f"select {_lit(e['periode'])}, {_lit(e['opd_kode'])}, {_lit(e.get('jenis_layanan') or None)}, "
        f"cast({int(e['populasi'])} as bigint), 1" for e in extra)
    add("int_populasi", f"""
        select periode, opd_kode, jenis_layanan,
               case when jenis_layanan is null then 'opd' else 'layanan' end as level, populasi
        from (
            select cast(periode as varchar), cast(opd_kode as varchar),
                   nullif(trim(cast(jenis_layanan as varchar)), ''), cast(populasi as bigint), 2
            from populasi
            {"union all " + registry if registry else ""}
        ) as p(periode, opd_kode, jenis_layanan, populasi, prioritas)
        qualify row_number() over (partition by periode, opd_kode, coalesce(jenis_layanan, '')
                                   order by prioritas) = 1""")

    # ---------------------------------------------------------------- the one pass over the used rows
    per_unsur = ",\n".join(
        f"count(s_{u}) as j_{u}, sum(s_{u}) as t_{u}, "
        f"count_if(s_{u} = 1) as c1_{u}, count_if(s_{u} = 2) as c2_{u}, "
        f"count_if(s_{u} = 3) as c3_{u}, count_if(s_{u} = 4) as c4_{u}" for u in U)
    add("_fair_sel", f"""
        select s.periode, s.opd_kode, s.jenis_layanan, d.response_id is not null as ditandai,
               count(*) as n,
               {per_unsur},
               count_if(s.jumlah_jawaban > 0) as nr_n,
               sum(case when s.jumlah_jawaban > 0 then s.jumlah_skor * ({SCALE} // s.jumlah_jawaban) end) as nr_s1,
               sum(case when s.jumlah_jawaban > 0
                        then cast(s.jumlah_skor * ({SCALE} // s.jumlah_jawaban) as bigint)
                             * (s.jumlah_skor * ({SCALE} // s.jumlah_jawaban)) end) as nr_s2
        from int_responses_status as s
        left join (select distinct response_id from int_respons_ditandai) as d
            on s.response_id = d.response_id
        where s.status = 'used'
        group by all""", temp=True)

    # every graded unit (city, OPD, OPD x layanan), all its sums: 'a' every used row, 't' the
    # unmarked ones, 'p' those the published index counts under the policy
    def sums(prefix: str, cond: str) -> str:
        cols = [f"sum(n) filter (where {cond}) as {prefix}n"]
        for u in U:
            cols.append(f"sum(j_{u}) filter (where {cond}) as {prefix}j_{u}")
            cols.append(f"sum(t_{u}) filter (where {cond}) as {prefix}t_{u}")
        return ",\n".join(cols)

    dist = ",\n".join(f"sum(c{v}_{u}) filter (where {q.pub}) as pc{v}_{u}" for u in U for v in (1, 2, 3, 4))
    add("_fair_unit", f"""
        select periode,
               case grouping(opd_kode, jenis_layanan) when 3 then 'kota' when 1 then 'opd' else 'layanan' end as level,
               opd_kode, jenis_layanan,
               {sums('a', 'true')},
               {sums('t', 'not ditandai')},
               {sums('p', q.pub)},
               {dist},
               sum(nr_n) filter (where {q.pub}) as nr_n,
               sum(nr_s1) filter (where {q.pub}) as nr_s1,
               sum(nr_s2) filter (where {q.pub}) as nr_s2
        from _fair_sel
        group by grouping sets ((periode), (periode, opd_kode), (periode, opd_kode, jenis_layanan))""", temp=True)

    # ---------------------------------------------------------------- NRR per unit x unsur (published counts)
    def pick(col: str) -> str:
        """The column of the row's unsur among nine side by side (col has a {u} placeholder)."""
        return "case b.unsur " + " ".join(f"when '{u}' then {col.format(u=u)}" for u in U) + " end"

    add("_fair_nrr", f"""
        select x.*, cast(jumlah_skor as double) / nullif(jumlah_jawaban, 0) as nrr,
               cast(jumlah_skor as double) / nullif(jumlah_jawaban, 0) * bobot as nrr_tertimbang
        from (
            select u.level, u.periode, u.opd_kode, u.jenis_layanan, b.unsur, b.urutan, b.unsur_nama,
                   cast(u.pn as bigint) as jumlah_responden,
                   cast({pick('u.pj_{u}')} as bigint) as jumlah_jawaban,
                   cast(u.pn - {pick('u.pj_{u}')} as bigint) as jumlah_tidak_menjawab,
                   cast(coalesce({pick('u.pt_{u}')}, 0) as bigint) as jumlah_skor,
                   cast({pick('u.pc1_{u}')} as bigint) as skor_1, cast({pick('u.pc2_{u}')} as bigint) as skor_2,
                   cast({pick('u.pc3_{u}')} as bigint) as skor_3, cast({pick('u.pc4_{u}')} as bigint) as skor_4,
                   b.bobot
            from _fair_unit as u
            cross join int_unsur_bobot as b
            where u.pn > 0
        ) as x""", temp=True)
    counts = "jumlah_responden, jumlah_jawaban, jumlah_tidak_menjawab, jumlah_skor, skor_1, skor_2, skor_3, skor_4"
    add("int_skor_layanan_unsur", f"select periode, opd_kode, jenis_layanan, unsur, {counts} "
                                  "from _fair_nrr where level = 'layanan'")
    add("int_nrr_opd_unsur", f"select periode, opd_kode, unsur, urutan, unsur_nama, {counts}, bobot, nrr, "
                             "nrr_tertimbang from _fair_nrr where level = 'opd'")
    add("int_nrr_kota_unsur", f"select periode, unsur, urutan, unsur_nama, {counts}, bobot, nrr, nrr_tertimbang "
                              "from _fair_nrr where level = 'kota'")
    add("_fair_ikm", """
        select level, periode, opd_kode, jenis_layanan, max(jumlah_responden) as jumlah_responden,
               count(nrr_tertimbang) as jumlah_unsur_terjawab,
               case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) end as ikm,
               case when count(nrr_tertimbang) = count(*) then sum(nrr_tertimbang) * 25 end as nilai_ikm
        from _fair_nrr group by all""", temp=True)
    ikm_cols = "jumlah_responden, jumlah_unsur_terjawab, ikm, nilai_ikm"
    add("int_ikm_layanan", f"select periode, opd_kode, jenis_layanan, {ikm_cols} from _fair_ikm "
                           "where level = 'layanan'")
    add("int_ikm_opd", f"select periode, opd_kode, {ikm_cols} from _fair_ikm where level = 'opd'")
    add("int_ikm_kota", """
        select k.periode, o.jumlah_opd, o.jumlah_opd_dengan_ikm, k.jumlah_responden, k.jumlah_unsur_terjawab,
               k.ikm, k.nilai_ikm, o.ikm_rata_opd, o.ikm_rata_opd * 25 as nilai_ikm_rata_opd
        from _fair_ikm as k
        inner join (select periode, count(*) as jumlah_opd, count(ikm) as jumlah_opd_dengan_ikm,
                           avg(ikm) as ikm_rata_opd
                    from _fair_ikm where level = 'opd' group by periode) as o
            on k.periode = o.periode
        where k.level = 'kota'""")

    # ---------------------------------------------------------------- the index marts
    add("ikm_layanan", f"""
        select i.periode, i.opd_kode, coalesce(o.opd_nama, i.opd_kode) as opd_nama, i.jenis_layanan,
               i.jumlah_responden, i.jumlah_unsur_terjawab, {r('i.ikm', 4)} as ikm, i.nilai_ikm_r as nilai_ikm,
               {q.grade('i.nilai_ikm_r')} as mutu, {q.grade('i.nilai_ikm_r', 'kinerja')} as kinerja
        from (select *, {r('nilai_ikm', 2)} as nilai_ikm_r from int_ikm_layanan) as i
        left join int_opd as o on i.opd_kode = o.opd_kode""")
    add("ikm_opd", f"""
        select i.periode, i.opd_kode, coalesce(o.opd_nama, i.opd_kode) as opd_nama,
               i.jumlah_responden, i.jumlah_unsur_terjawab, {r('i.ikm', 4)} as ikm, i.nilai_ikm_r as nilai_ikm,
               {q.grade('i.nilai_ikm_r')} as mutu, {q.grade('i.nilai_ikm_r', 'kinerja')} as kinerja,
               rank() over (partition by i.periode order by i.nilai_ikm_r desc nulls last) as peringkat
        from (select *, {r('nilai_ikm', 2)} as nilai_ikm_r from int_ikm_opd) as i
        left join int_opd as o on i.opd_kode = o.opd_kode""")
    add("ikm_kota", f"""
        select periode, jumlah_opd, jumlah_responden, {r('ikm', 4)} as ikm, n_ikm as nilai_ikm,
               {q.grade('n_ikm')} as mutu, {q.grade('n_ikm', 'kinerja')} as kinerja,
               {r('ikm_rata_opd', 4)} as ikm_rata_opd, n_rata as nilai_ikm_rata_opd,
               {q.grade('n_rata')} as mutu_rata_opd, {q.grade('n_rata', 'kinerja')} as kinerja_rata_opd,
               jumlah_opd_dengan_ikm
        from (select *, {r('nilai_ikm', 2)} as n_ikm, {r('nilai_ikm_rata_opd', 2)} as n_rata from int_ikm_kota)""")
    nrr_pub = f"""unsur, urutan, unsur_nama, jumlah_responden, jumlah_jawaban, jumlah_tidak_menjawab,
                  skor_1, skor_2, skor_3, skor_4, {r('nrr', 4)} as nrr, {r('bobot', 4)} as bobot,
                  {r('nrr_tertimbang', 4)} as nrr_tertimbang, nu as nilai_unsur,
                  {q.grade('nu')} as mutu, {q.grade('nu', 'kinerja')} as kinerja"""
    add("ikm_unsur", f"""
        select n.periode, n.opd_kode, coalesce(o.opd_nama, n.opd_kode) as opd_nama, {nrr_pub}
        from (select *, {r('nrr * 25', 2)} as nu from int_nrr_opd_unsur) as n
        left join int_opd as o on n.opd_kode = o.opd_kode""")
    add("ikm_kota_unsur", f"select periode, {nrr_pub} "
                          f"from (select *, {r('nrr * 25', 2)} as nu from int_nrr_kota_unsur)")
    prev = lambda x: (f"(case when substr({x}, 6, 2) = 'S2' then substr({x}, 1, 4) || '-S1' "  # noqa: E731
                      f"else cast(cast(substr({x}, 1, 4) as integer) - 1 as varchar) || '-S2' end)")
    add("prioritas_unsur", f"""
        select c.periode, c.opd_kode, c.opd_nama,
               row_number() over (partition by c.periode, c.opd_kode
                                  order by c.nilai_unsur is null, c.nilai_unsur, c.urutan) as prioritas,
               c.unsur, c.urutan, c.unsur_nama, c.jumlah_jawaban, c.nilai_unsur, c.mutu,
               {prev('c.periode')} as periode_sebelumnya, p.nilai_unsur as nilai_unsur_sebelumnya,
               c.nilai_unsur - p.nilai_unsur as selisih
        from ikm_unsur as c
        left join ikm_unsur as p
            on p.periode = {prev('c.periode')} and p.opd_kode = c.opd_kode and p.unsur = c.unsur""")

    # ---------------------------------------------------------------- trust: sensitivity, sample, uncertainty
    def nilai(prefix: str) -> str:
        nrr = " + ".join(f"cast(u.{prefix}t_{u} as double) / nullif(u.{prefix}j_{u}, 0)" for u in U)
        return f"({nrr}) * {q.bobot} * 25"

    add("ikm_sensitivitas", f"""
        select periode, level, opd_kode, jenis_layanan, jumlah_responden, jumlah_ditandai,
               semua as nilai_ikm_semua, tanpa as nilai_ikm_tanpa_ditandai, tanpa - semua as selisih,
               {_lit(q.policy)} as kebijakan,
               {"semua" if q.policy == "hitung" else "tanpa"} as nilai_ikm_dipublikasikan,
               {q.grade('semua')} as mutu_semua, {q.grade('tanpa')} as mutu_tanpa_ditandai,
               jumlah_ditandai > 0 and (tanpa is null or coalesce({q.grade('semua')} <> {q.grade('tanpa')}, true))
                   as mutu_berubah
        from (select u.periode, u.level, u.opd_kode, u.jenis_layanan,
                     cast(u.an as bigint) as jumlah_responden,
                     cast(u.an - coalesce(u.tn, 0) as bigint) as jumlah_ditandai,
                     {r(nilai('a'), 2)} as semua, {r(nilai('t'), 2)} as tanpa
              from _fair_unit as u)""")
    # Krejcie & Morgan, rounded to the nearest integer (macro krejcie_morgan)
    km = ("case when p.populasi is not null and p.populasi > 0 then cast(floor("
          "3.841 * cast(p.populasi as double) * 0.25 "
          "/ (0.0025 * (cast(p.populasi as double) - 1) + 3.841 * 0.25) + 0.5) as integer) end")
    add("kecukupan_sampel", f"""
        select *, case when sampel_minimum is not null then jumlah_responden >= sampel_minimum end as memadai,
               case when sampel_minimum is null then 'populasi tidak diketahui'
                    when jumlah_responden >= sampel_minimum then 'memadai' else 'kurang' end as status,
               case when sampel_minimum is not null and jumlah_responden < sampel_minimum
                    then sampel_minimum - jumlah_responden end as kekurangan
        from (select u.periode, u.level, u.opd_kode, u.jenis_layanan, p.populasi, {km} as sampel_minimum,
                     u.jumlah_responden
              from (select periode, 'opd' as level, opd_kode, cast(null as varchar) as jenis_layanan, jumlah_responden
                    from ikm_opd
                    union all
                    select periode, 'layanan', opd_kode, jenis_layanan, jumlah_responden from ikm_layanan) as u
              left join int_populasi as p
                  on u.periode = p.periode and u.opd_kode = p.opd_kode and u.level = p.level
                 and coalesce(u.jenis_layanan, '') = coalesce(p.jenis_layanan, ''))""")
    # the respondents' own scores: mean and sample standard deviation from the exact integer sums
    fpc = ("case when n.populasi is null then null when n.populasi <= 1 or n.populasi <= u.nr_n then 0.0 "
           "else sqrt(cast(n.populasi - u.nr_n as double) / (n.populasi - 1)) end")
    sd = (f"sqrt(cast(cast(u.nr_n as hugeint) * u.nr_s2 - cast(u.nr_s1 as hugeint) * u.nr_s1 as double) "
          f"/ nullif(cast(u.nr_n as double) * (u.nr_n - 1), 0)) * 25 / {SCALE}")
    add("_fair_ci", f"""
        select *,
               {r(f"case when nilai_ikm - 1.96 * galat < 25 then 25 else nilai_ikm - 1.96 * galat end", 2)} as ci_bawah,
               {r(f"case when nilai_ikm + 1.96 * galat > 100 then 100 else nilai_ikm + 1.96 * galat end", 2)} as ci_atas
        from (
            select p.periode, p.level, p.opd_kode, p.jenis_layanan, p.jumlah_responden, p.nilai_ikm, p.mutu,
                   cast(u.nr_s1 as double) * 25 / {SCALE} / nullif(u.nr_n, 0) as rata,
                   {sd} as sd, n.populasi, {fpc} as fpc_faktor,
                   {sd} / sqrt(cast(u.nr_n as double)) * coalesce({fpc}, 1.0) as galat
            from (select periode, 'kota' as level, null::varchar as opd_kode, null::varchar as jenis_layanan,
                         jumlah_responden, nilai_ikm, mutu from ikm_kota
                  union all
                  select periode, 'opd', opd_kode, null, jumlah_responden, nilai_ikm, mutu from ikm_opd
                  union all
                  select periode, 'layanan', opd_kode, jenis_layanan, jumlah_responden, nilai_ikm, mutu
                  from ikm_layanan) as p
            left join _fair_unit as u
                on u.periode = p.periode and u.level = p.level
               and coalesce(u.opd_kode, '') = coalesce(p.opd_kode, '')
               and coalesce(u.jenis_layanan, '') = coalesce(p.jenis_layanan, '')
            left join (
                select periode, level, opd_kode, jenis_layanan, populasi from int_populasi
                union all
                -- the city's N is known only when every OPD of the periode has one
                select o.periode, 'kota', null, null,
                       case when count(x.populasi) = count(*) then sum(x.populasi) end
                from ikm_opd as o
                left join int_populasi as x
                    on x.level = 'opd' and x.periode = o.periode and x.opd_kode = o.opd_kode
                group by o.periode
            ) as n
                on n.periode = p.periode and n.level = p.level
               and coalesce(n.opd_kode, '') = coalesce(p.opd_kode, '')
               and coalesce(n.jenis_layanan, '') = coalesce(p.jenis_layanan, '')
        )""", temp=True)
    add("ketidakpastian_ikm", f"""
        select periode, level, opd_kode, jenis_layanan, jumlah_responden, nilai_ikm, mutu,
               {r('rata', 2)} as nilai_rata_responden, {r('sd', 4)} as simpangan_baku, populasi,
               populasi is not null as fpc, {r('fpc_faktor', 6)} as fpc_faktor, {r('galat', 4)} as galat_baku,
               ci_bawah, ci_atas, mutu_ci_bawah, mutu_ci_atas, mutu_pasti_sampel, mutu_pasti_ditandai,
               case when not mutu_pasti_ditandai then false else mutu_pasti_sampel end as mutu_pasti,
               case when mutu_pasti_sampel = false and not mutu_pasti_ditandai then 'sampel dan ditandai'
                    when mutu_pasti_sampel = false then 'sampel'
                    when not mutu_pasti_ditandai then 'ditandai' end as sebab_mutu_tidak_pasti
        from (select c.*, {q.grade('c.ci_bawah')} as mutu_ci_bawah, {q.grade('c.ci_atas')} as mutu_ci_atas,
                     case when c.ci_bawah is not null and c.ci_atas is not null
                          then {q.grade('c.ci_bawah')} = {q.grade('c.ci_atas')} end as mutu_pasti_sampel,
                     not coalesce(s.mutu_berubah, false) as mutu_pasti_ditandai
              from _fair_ci as c
              left join ikm_sensitivitas as s
                  on s.periode = c.periode and s.level = c.level
                 and coalesce(s.opd_kode, '') = coalesce(c.opd_kode, '')
                 and coalesce(s.jenis_layanan, '') = coalesce(c.jenis_layanan, ''))""")
    add("ikm_perubahan", f"""
        with nilai as (select periode, level, opd_kode, nilai_ikm, galat_baku from ketidakpastian_ikm
                       where level in ('kota', 'opd'))
        select n.periode, n.level, n.opd_kode, n.nilai_ikm, n.galat_baku, {prev('n.periode')} as periode_sebelumnya,
               p.nilai_ikm as nilai_ikm_sebelumnya, p.galat_baku as galat_baku_sebelumnya,
               n.nilai_ikm - p.nilai_ikm as selisih,
               {r('sqrt(n.galat_baku * n.galat_baku + p.galat_baku * p.galat_baku)', 4)} as galat_baku_selisih,
               case when p.nilai_ikm is null or n.nilai_ikm is null or n.galat_baku is null or p.galat_baku is null
                    then null
                    else abs(n.nilai_ikm - p.nilai_ikm)
                         > 1.96 * sqrt(n.galat_baku * n.galat_baku + p.galat_baku * p.galat_baku) end as perubahan_nyata
        from nilai as n
        left join nilai as p
            on p.periode = {prev('n.periode')} and p.level = n.level
           and coalesce(p.opd_kode, '') = coalesce(n.opd_kode, '')""")

    # ---------------------------------------------------------------- other grains: profile, saran
    used = "s.status = 'used'" + ("" if q.policy == "hitung" else
                                  " and s.response_id not in (select response_id from int_respons_ditandai)")
    persen = ("100.0 * c.jumlah_responden "
              "/ sum(c.jumlah_responden) over (partition by c.periode, c.opd_kode, c.dimensi)")
    # every combination of the four dimensions once over the rows (a few thousand groups), then
    # each dimension from those
    add("profil_responden", f"""
        select c.periode, c.opd_kode, coalesce(o.opd_nama, c.opd_kode) as opd_nama, c.dimensi, c.kategori,
               c.jumlah_responden,
               {r(persen, 2)} as persen
        from (
            select periode, opd_kode,
                   case when grouping(jenis_kelamin) = 0 then 'jenis_kelamin'
                        when grouping(usia_kelompok) = 0 then 'usia_kelompok'
                        when grouping(pendidikan) = 0 then 'pendidikan' else 'pekerjaan' end as dimensi,
                   coalesce(jenis_kelamin, usia_kelompok, pendidikan, pekerjaan) as kategori,
                   sum(n) as jumlah_responden
            from (select periode, opd_kode, jenis_kelamin, usia_kelompok, pendidikan, pekerjaan, count(*) as n
                  from int_responses_status as s where {used} group by all)
            group by grouping sets ((periode, opd_kode, jenis_kelamin), (periode, opd_kode, usia_kelompok),
                                    (periode, opd_kode, pendidikan), (periode, opd_kode, pekerjaan))
        ) as c
        left join int_opd as o on c.opd_kode = o.opd_kode""")
    # the used rows are every staged row but the few quarantined or duplicate ones (and, under
    # 'kecualikan', the marked ones): an anti-join against that small set, not a join of millions
    left_out = "select response_id from int_responses_status where status <> 'used'" + (
        "" if q.policy == "hitung" else " union all select response_id from int_respons_ditandai")
    add("saran", f"""
        select w.periode, w.opd_kode, coalesce(o.opd_nama, w.opd_kode) as opd_nama, w.jenis_layanan,
               w.saran, w.saran <> w.saran_asli as disamarkan
        from (select r.periode, r.opd_kode, r.jenis_layanan, r.saran as saran_asli, {q.mask_text('r.saran')} as saran
              from stg_raw__responses as r
              anti join ({left_out}) as x on r.response_id = x.response_id
              where r.saran is not null) as w
        left join int_opd as o on w.opd_kode = o.opd_kode""")

    # ---------------------------------------------------------------- the rows left out, the files
    add("quarantine", f"""
        select source_code, file_name, file_sha256, row_number, periode_declared, response_id, field, raw_value,
               reason_code,
               'File ' || file_name || ' (source ' || source_code || '), row ' || cast(row_number as varchar)
                   || ', field ' || field || ', value ' || coalesce('"' || raw_value || '"', 'empty')
                   || ': ' || coalesce(description, reason_code) || coalesce(' (' || detail || ')', '') || '.' as reason
        from (select s.source_code, s.file_name, s.file_sha256, s.row_number, s.periode_declared, i.response_id,
                     i.field, {q.mask_data('i.raw_value')} as raw_value, i.reason_code, i.detail, rs.description
              from int_response_issues as i
              inner join stg_raw__responses as s on i.response_id = s.response_id
              left join issue_reasons as rs on i.reason_code = rs.reason_code)""")
    add("duplicates", """
        select d.source_code, d.file_name, d.file_sha256, d.row_number, d.periode_declared, d.response_id,
               r.submission_id, r.submitted_at, r.jenis_layanan, d.duplicate_rule, d.duplicate_of,
               k.file_name as duplicate_of_file_name, k.row_number as duplicate_of_row_number
        from int_responses_status as d
        inner join stg_raw__responses as r on d.response_id = r.response_id
        inner join int_responses_status as k on d.duplicate_of = k.response_id
        where d.status = 'duplicate'""")
    add("reconciliation", """
        select f.source_code, f.file_name, f.file_sha256, f.periode_declared, f.status as file_status, f.message,
               f.ingested_at, f.rows_read, f.rows_blank,
               coalesce(c.rows_in_lake, 0) as rows_in_lake, coalesce(c.rows_used, 0) as rows_used,
               coalesce(c.rows_quarantined, 0) as rows_quarantined, coalesce(c.rows_duplicate, 0) as rows_duplicate,
               case when f.is_loaded
                    then coalesce(f.rows_read = coalesce(c.rows_used, 0) + coalesce(c.rows_quarantined, 0)
                                               + coalesce(c.rows_duplicate, 0), false)
                    else coalesce(c.rows_used, 0) + coalesce(c.rows_quarantined, 0) + coalesce(c.rows_duplicate, 0) = 0
               end as is_balanced
        from stg_raw__ingest_files as f
        left join (select source_code, file_sha256, count(*) as rows_in_lake,
                          count_if(status = 'used') as rows_used, count_if(status = 'quarantined') as rows_quarantined,
                          count_if(status = 'duplicate') as rows_duplicate
                   from int_responses_status group by all) as c
            on f.is_loaded and f.source_code = c.source_code and f.file_sha256 = c.file_sha256""")
    add("ingest_files", """
        select source_code, file_name, file_sha256, periode_declared, file_bytes, status, message, rows_read,
               rows_blank, config_sha, date_format, date_evidence, ingested_at
        from stg_raw__ingest_files""")
    add("respons_ditandai", f"""
        select source_code, file_name, row_number, response_id, submission_id, periode, opd_kode, device_id,
               submitted_at_wita, kode_aturan, alasan, {_lit(q.policy)} as kebijakan
        from int_respons_ditandai""")
    return steps


def build(con: duckdb.DuckDBPyConnection, params: dict[str, Any] | None = None) -> dict[str, float]:
    """Every aggregating intermediate and every mart, as tables in the connection's current
    schema, from the staged tables, the seeds and the per-response intermediates already there.
    Returns seconds per table and "marts" (the whole build)."""
    start = time.perf_counter()
    check_inputs(con)
    con.execute("set preserve_insertion_order = false")  # no mart's meaning depends on row order
    q = _Sql(con, params or {})
    seconds: dict[str, float] = {}
    for name, sql in _steps(q, con):
        t = time.perf_counter()
        con.execute(sql)
        seconds[name] = time.perf_counter() - t
    for name in ("_fair_sel", "_fair_unit", "_fair_nrr", "_fair_ikm", "_fair_ci"):
        con.execute(f"drop table if exists {name}")
    seconds["marts"] = time.perf_counter() - start
    return seconds


def publish(con: duckdb.DuckDBPyConnection, path: Path) -> float:
    """A published-like file of the marts, as the publish step writes it (pipelines/publish/
    snapshot.py): DuckDB 1.4's storage version, 128-bit counts as BIGINT, the respondent profile
    with its small groups suppressed (publish/disclosure.py, the project's one home of that rule:
    an iterative plan, not SQL). Returns seconds."""
    from pipelines.publish.disclosure import suppress_profile
    from pipelines.publish.snapshot import NARROWED_TYPES, STORAGE_VERSION

    t = time.perf_counter()
    path = Path(path)
    path.unlink(missing_ok=True)
    db = con.execute("select current_database(), current_schema()").fetchone()
    con.execute(f"attach {_lit(str(path))} as fair_pub (storage_version {_lit(STORAGE_VERSION)})")
    try:
        for table in MARTS:
            cols = con.execute("select column_name, data_type from information_schema.columns "
                               "where table_catalog = ? and table_schema = ? and table_name = ? "
                               "order by ordinal_position", [db[0], db[1], table]).fetchall()
            select = ", ".join(f'cast("{c}" as {NARROWED_TYPES[d]}) as "{c}"' if d in NARROWED_TYPES else f'"{c}"'
                               for c, d in cols)
            con.execute(f'create table fair_pub.main."{table}" as select {select} from "{db[0]}"."{db[1]}"."{table}"')
        suppress_profile(con, "fair_pub.main.profil_responden")
        for (column, kind) in con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = 'fair_pub' "
                "and table_name = 'profil_responden'").fetchall():
            if kind in NARROWED_TYPES:
                con.execute(f'alter table fair_pub.main.profil_responden alter column "{column}" '
                            f'type {NARROWED_TYPES[kind]}')
    finally:
        con.execute("detach fair_pub")
    return time.perf_counter() - t
