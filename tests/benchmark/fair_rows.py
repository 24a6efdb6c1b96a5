"""Fair reference, row level (issue 19): from the staged rows to the per-response tables the marts
read, hand-written DuckDB SQL, no dbt, no orchestration.

Works on the ONE connection of the fair database, after tests/benchmark/fair_ingest.py made
`stg_raw__responses` (a base table: its `rowid` is this module's integer row key),
`stg_raw__ingest_files` and the seed tables (answer_labels, ...), and before
tests/benchmark/fair_marts.py builds the aggregates and the marts from what is made here.

Tables and views produced, named, with the columns and values of the pipeline's dbt models of
the same names (tests/test_fair_rows.py compares every one with EXCEPT ALL both ways):

  int_answer_counts      table  per source x periode_declared x unsur x raw answer: count
  int_answer_values      table  every distinct raw answer of a periode_declared, classified
  int_answers            view   one row per response x unsur (as the pipeline's view; nothing
                                here reads it: the quarantine is computed from per-row flags)
  int_answer_summary     view   one row per response: nine scores, valid/missing/invalid counts
  int_response_issues    table  one row per problem of a raw row (quarantine reasons)
  int_responses_status   view   every staged row once with its fate (used/quarantined/duplicate)
  int_respons_ditandai   table  one row per (used response, trust rule) hit
  int_skor_responden     view   one row per used response: marks, dihitung, its own score
  int_responses_used     view   the responses that count (policy kebijakan_ditandai applied)

Every column of the pipeline's models is there (none dropped), with the same types. `params`
are the dbt vars (params_from_registry: what a full pipeline run hands dbt). With periode_from /
periode_to every table holds only those semesters (a dbt semester run replaces those semesters'
rows and keeps the others'; a semester's rows do not depend on another semester's).

Internal, for the marts module to use if it likes: the view `_fr_v` (one row per staged row: all
of stg_raw__responses, every column of int_responses_status and int_answer_summary, and the
integer key `k` = stg_raw__responses.rowid), the tables `_fr_dup` (k, duplicate_rule,
duplicate_of of the duplicate rows), `_fr_tanda` (k, jumlah_aturan of the marked rows),
`_fr_val` (each (unsur, raw answer) classified once), `_fr_files`, and ENUM types `_fr_e_*`.
Not produced: the aggregates (int_skor_layanan_unsur, int_ikm_*, int_nrr_*, int_opd,
int_populasi, int_mutu_kategori, int_unsur_bobot) and the marts: fair_marts.py.

How it differs from the dbt models (same output, less work):
- nothing with one row per staged row is written: measured at 1 M rows, writing the wide
  per-row table (what dbt does with int_answer_summary and int_responses_status) cost ~25 times
  the CPU of computing it, so the per-row results are a view (`_fr_v`) that every reader
  recomputes: a plain projection of the staged rows plus a join of the few duplicates;
- the answers are classified once per (unsur, distinct raw text) (`_fr_val`), and a row reads
  its nine scores, statuses and reasons by a cast of the raw text to an ENUM of those texts
  (a hash lookup) and an index into constant lists: no join, no unpivot;
- per row, inline: the counts, the number of problems and the first reason code (the reasons
  are checked in the order they sort), the nine raw answers packed into one BIGINT (the repeat
  rule's partition key; the partition by the nine texts when they need more than 63 bits);
- the problems themselves (int_response_issues) are written out for the flagged rows only;
- duplicates: one hash (submission id, or the whole content) aggregated over the clean rows, the
  exact comparison on the candidates only;
- the device rules sort a narrow copy of the used rows with a device, keyed by integers only:
  (source, periode_declared, device) packed into one BIGINT of ENUM codes, the order (survey
  time, file name, row, response id) kept exactly with the ranks of the file name and sha256
  (ENUM codes). The burst rule is one window pass over lag/lead pairs (row i is in a burst when
  for some d in 0..k-1 the submission d before it and the one k-1-d after it are at most
  `beruntun_menit` apart), instead of a window over a window;
- the straight-lining rule reads the used rows once for the units, and again only when some
  unit is judged too uniform.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipelines.settings import REPO_ROOT, UNSUR_KEYS

GROUP_NORMALISE = "normalise + quarantine + duplicates"
GROUP_TRUST = "trust rules"

FORMULA_MARK = "#FORMULA_WITHOUT_VALUE!"
# (staged column, the field name the quarantine shows), as int_response_issues' formula_issues
FORMULA_FIELDS = [("submission_id", "submission_id"), ("device_id", "device_id"),
                  ("submitted_at", "submitted_at"), ("jenis_layanan", "jenis_layanan"),
                  ("opd_kode", "opd_kode"), ("jenis_kelamin_raw", "jenis_kelamin"),
                  ("usia_raw", "usia"), ("pendidikan_raw", "pendidikan"),
                  ("pekerjaan_raw", "pekerjaan"), ("saran", "saran")]
# the columns int_responses_status compares when a row has no submission_id
CONTENT_COLUMNS = ["source_code", "periode_declared", "opd_kode", "submitted_at", "jenis_layanan",
                   *[f"u_{k}" for k in UNSUR_KEYS], "jenis_kelamin_raw", "usia_raw", "pendidikan_raw",
                   "pekerjaan_raw", "saran", "device_id", "respondent_hash"]
# the dbt vars this module reads, with dbt_project.yml's defaults
VAR_NAMES = ("min_answered_unsur", "periode_from", "periode_to", "kebijakan_ditandai", "ditandai_ulang_menit",
             "ditandai_beruntun_jumlah", "ditandai_beruntun_menit", "ditandai_seragam_toleransi",
             "ditandai_seragam_min_responden")


# --------------------------------------------------------------------------------------------
# Parameters: what the pipeline hands dbt
# --------------------------------------------------------------------------------------------

def dbt_default_vars() -> dict[str, Any]:
    """The vars block of dbt_project/dbt_project.yml (the defaults of every var)."""
    doc = yaml.safe_load((REPO_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(doc.get("vars") or {})


def params_from_registry(registry_path: str | Path) -> dict[str, Any]:
    """The vars a full pipeline run passes to dbt (pipelines/transform/build_plan.py: the registry's
    `kepercayaan:` block through TrustConfig.dbt_vars(), over dbt_project.yml's defaults; a full
    build sets no periode_from/periode_to). The other vars (weight_mode, populasi_tambahan, ...)
    are passed through for the marts module."""
    from pipelines.registry import load_trust

    params = dbt_default_vars()
    params.pop("pii_patterns", None)  # the marts module reads them from dbt_project.yml itself
    params.update(load_trust(Path(registry_path)).dbt_vars())
    params.setdefault("periode_from", None)
    params.setdefault("periode_to", None)
    return params


def _params(params: dict[str, Any]) -> dict[str, Any]:
    p = {k: v for k, v in dbt_default_vars().items() if k in VAR_NAMES}
    p.update({k: v for k, v in params.items() if k in VAR_NAMES})
    if p["kebijakan_ditandai"] not in ("hitung", "kecualikan"):
        raise ValueError(f"kebijakan_ditandai must be 'hitung' or 'kecualikan', got {p['kebijakan_ditandai']!r}")
    if (p.get("periode_from") is None) != (p.get("periode_to") is None):
        raise ValueError("give both periode_from and periode_to, or neither")
    return p


# --------------------------------------------------------------------------------------------
# SQL pieces (the dbt macros, written out for DuckDB)
# --------------------------------------------------------------------------------------------

def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def normalise_label(e: str) -> str:
    return (rf"nullif(trim(regexp_replace(regexp_replace(lower({e}), '[\s\x{{00A0}}]+', ' ', 'g'), "
            rf"' ?([/-]) ?', '\1', 'g')), '')")


def is_formula(e: str) -> str:
    return f"coalesce(starts_with({e}, '{FORMULA_MARK}'), false)"


def formula_text(e: str) -> str:
    rest = f"substr({e}, {len(FORMULA_MARK) + 2})"
    return f"substr({rest}, instr({rest}, ' ') + 1)"


def formula_detail(e: str) -> str:
    rest = f"substr({e}, {len(FORMULA_MARK) + 2})"
    return (f"'cell ' || substr({rest}, 1, instr({rest}, ' ') - 1) || ' holds a formula with no saved value "
            "(the workbook was written by a program that does not calculate): open it in Excel, save it and "
            "land it again'")


def minutes_between(a: str, b: str) -> str:
    return f"(cast(date_diff('second', {a}, {b}) as double) / 60.0)"


def text_1_decimal(e: str) -> str:
    return f"cast(cast(floor({e} * 10 + 0.5) / 10 as decimal(10, 1)) as varchar)"


def _periode_filter(p: dict[str, Any], column: str) -> str:
    if p.get("periode_from") is None:
        return "true"
    return f"{column} between {_lit(str(p['periode_from']))} and {_lit(str(p['periode_to']))}"


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------

def _answer_tables(con: duckdb.DuckDBPyConnection, p: dict[str, Any]) -> None:
    """int_answer_counts, `_fr_val` (each distinct (unsur, raw answer) classified once, with its
    small integer code), int_answer_values."""
    where = _periode_filter(p, "periode_declared")
    con.execute("create or replace table int_answer_counts as\n" + "\nunion all\n".join(
        f"select source_code, periode_declared, '{k}' as unsur, u_{k} as raw_value, count(*) as jumlah "
        f"from stg_raw__responses where {where} group by all" for k in UNSUR_KEYS))
    number = (f"coalesce(case when regexp_full_match(n.label_normalised, '[+-]?[0-9]{{1,12}}([.,][0-9]{{1,6}})?') "
              f"then try_cast(replace(n.label_normalised, ',', '.') as decimal(18, 6)) end, "
              f"try_cast(nullif(regexp_extract(n.label_normalised, '^([0-9]{{1,6}}) ?[-.):]? ?[a-z(]', 1), '') "
              f"as integer))")
    con.execute(f"""
        create or replace table _fr_val as
        with labels as (
            select unsur, {normalise_label('label')} as label_normalised, score from answer_labels
        ),
        n as (
            select unsur, raw_value, {normalise_label('raw_value')} as label_normalised,
                   {is_formula('raw_value')} as is_formula
            from (select distinct unsur, raw_value from int_answer_counts where raw_value is not null)
        ),
        m as (
            select n.*, {number} as number_value,
                   coalesce(own.label_normalised, generic.label_normalised) is not null as is_known_label,
                   case when own.label_normalised is not null then own.score else generic.score end as label_score
            from n
            left join labels as own on own.unsur = n.unsur and own.label_normalised = n.label_normalised
            left join labels as generic on generic.unsur = '*' and generic.label_normalised = n.label_normalised
        ),
        c as (
            select *,
                case
                    when is_formula then 'invalid'
                    when label_normalised is null then 'missing'
                    when number_value is not null then
                        case when number_value in (1, 2, 3, 4) then 'valid' else 'invalid' end
                    when is_known_label then case when label_score is null then 'missing' else 'valid' end
                    else 'invalid'
                end as answer_status
            from m
        )
        select
            unsur, raw_value, label_normalised,
            case when answer_status <> 'valid' then null
                 when number_value is not null then cast(number_value as integer)
                 else label_score end as score,
            answer_status,
            case when answer_status <> 'invalid' then null
                 when is_formula then 'formula_without_value'
                 when number_value is not null then 'score_out_of_range'
                 else 'unknown_label' end as reason_code,
            -- 1 valid, 2 missing, 3 invalid; reason 1 formula, 2 out of range, 3 unknown label
            cast(case answer_status when 'valid' then 1 when 'missing' then 2 else 3 end as utinyint) as st,
            cast(case when answer_status <> 'invalid' then null when is_formula then 1
                      when number_value is not null then 2 else 3 end as utinyint) as rc,
            cast(dense_rank() over (partition by unsur order by raw_value) as bigint) as code
        from c
    """)
    con.execute("""
        create or replace table int_answer_values as
        select c.periode_declared, c.unsur, c.raw_value, v.label_normalised, v.score, v.answer_status, v.reason_code
        from (select distinct periode_declared, unsur, raw_value from int_answer_counts where raw_value is not null) as c
        inner join _fr_val as v on v.unsur = c.unsur and v.raw_value = c.raw_value
    """)


def _lookups(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, dict[str, str]], bool]:
    """Per unsur, the raw answers as an ENUM type and the expressions that read a row's score,
    status, reason and code from it: a cast to the ENUM (a hash lookup) and an index into constant
    lists, no join, so the row pass stays a plain projection of the staged rows. Returns them and
    whether the nine codes fit one BIGINT (the repeat rule's key)."""
    exprs: dict[str, dict[str, str]] = {}
    bits = 0
    for k in UNSUR_KEYS:
        vals = con.execute(f"select raw_value, score, st, rc from _fr_val where unsur = '{k}' order by code").fetchall()
        if len({v[0] for v in vals}) != len(vals):
            raise ValueError(f"answer_labels: two labels of unsur {k} normalise alike; the fair reference "
                             "assumes one classification per raw answer")
        con.execute(f"drop type if exists _fr_e_{k}")
        if not vals:
            exprs[k] = {"score": "cast(null as integer)", "st": f"case when u_{k} is null then 2 end",
                        "rc": "cast(null as integer)", "code": "0"}
            continue
        con.execute(f"create type _fr_e_{k} as enum (select raw_value from _fr_val where unsur = '{k}' order by code)")
        i = f"(enum_code(try_cast(u_{k} as _fr_e_{k})) + 1)"
        lst = lambda xs: "[" + ", ".join("null" if x is None else str(x) for x in xs) + "]"  # noqa: E731
        exprs[k] = {
            "score": f"cast({lst([v[1] for v in vals])}[{i}] as integer)",
            "st": f"case when u_{k} is null then 2 else {lst([v[2] for v in vals])}[{i}] end",
            "rc": f"{lst([v[3] for v in vals])}[{i}]",
            "code": f"coalesce(cast({i} as bigint), 0)",
        }
        bits += math.ceil(math.log2(len(vals) + 1))
    return exprs, bits <= 63


def _file_types(con: duckdb.DuckDBPyConnection, p: dict[str, Any]) -> None:
    """The staged files: `_fr_files` (their order for the duplicates: ingested first, then file
    name, then sha256) and ENUM types of the file names and sha256s, so that a row's file ranks in
    the trust rules' order (file name, row, response id) are casts, not joins."""
    con.execute(f"""
        create or replace table _fr_files as
        select source_code, file_sha256, file_name,
               dense_rank() over (order by file_ingested_at, file_name, file_sha256) as fd
        from (select distinct source_code, file_sha256, file_name, file_ingested_at from stg_raw__responses
              where {_periode_filter(p, 'periode_declared')})
    """)
    for t, col in (("_fr_e_file_name", "file_name"), ("_fr_e_file_sha256", "file_sha256")):
        con.execute(f"drop type if exists {t}")
        con.execute(f"create type {t} as enum (select distinct {col} from _fr_files order by {col})")


def _rows_sql(con: duckdb.DuckDBPyConnection, p: dict[str, Any], exprs: dict[str, dict[str, str]],
              packed: bool, source: str) -> str:
    """Per staged row of `source` (a relation of stg_raw__responses' columns and the row key `k`),
    everything int_responses_status and int_answer_summary hold but the duplicates."""
    m = int(p["min_answered_unsur"])
    inner = ",\n".join(
        f"{e['score']} as s_{k}, {e['st']} as st_{k}, {e['rc']} as rc_{k}, {e['code']} as c_{k}"
        for k, e in exprs.items())
    count = lambda cond: " + ".join(f"case when {cond.format(k=k)} then 1 else 0 end" for k in UNSUR_KEYS)  # noqa: E731
    any_rc = lambda n: " or ".join(f"rc_{k} = {n}" for k in UNSUR_KEYS)  # noqa: E731
    nf = " + ".join(f"case when {is_formula(c)} then 1 else 0 end" for c, _ in FORMULA_FIELDS)
    files = p["_formula_files"]
    if files:
        nf = f"case when file_sha256 in ({', '.join(_lit(f) for f in files)}) then {nf} else 0 end"
    else:  # no Excel formula anywhere (the usual case): nothing to check per row
        nf = "0"
    shifts, shift = {}, 0
    for k in UNSUR_KEYS:
        shifts[k] = shift
        n = con.execute(f"select count(*) from _fr_val where unsur = '{k}'").fetchall()[0][0]
        shift += math.ceil(math.log2(n + 1)) if n else 0
    a_key = " + ".join(f"(c_{k} << {shifts[k]})" for k in UNSUR_KEYS) if packed else "cast(null as bigint)"
    s_cols = ", ".join(f"s_{k}" for k in UNSUR_KEYS)
    return f"""
        with a as (
            select *, {inner}
            from {source}
        ),
        b as (
            select *,
                cast({count('st_{k} = 1')} as integer) as jumlah_jawaban,
                cast({count('st_{k} = 2')} as integer) as jumlah_tidak_menjawab,
                cast({count('st_{k} = 3')} as integer) as jumlah_tidak_valid,
                {nf} as n_formula,
                submitted_at_wita is null and not {is_formula('submitted_at') if files else 'false'} as date_issue,
                periode is not null and (periode_declared is null or periode <> periode_declared) as periode_issue
            from a
        ),
        c as (
            select *,
                jumlah_tidak_valid + n_formula + cast(date_issue as integer) + cast(jenis_layanan is null as integer)
                    + cast(opd_kode is null as integer) + cast(periode_issue as integer)
                    + cast(jumlah_jawaban < {m} as integer) as n_issue
            from b
        )
        select *,
            cast(n_issue as bigint) as issue_count,
            case
                when n_issue = 0 then null
                when n_formula > 0 or {any_rc(1)} then 'formula_without_value'
                when jenis_layanan is null then 'missing_layanan'
                when opd_kode is null then 'missing_opd'
                when periode_issue then 'periode_mismatch'
                when {any_rc(2)} then 'score_out_of_range'
                when jumlah_jawaban < {m} then 'too_few_answers'
                when {any_rc(3)} then 'unknown_label'
                else 'unparseable_date'
            end as first_reason_code,
            cast({' + '.join(f'coalesce(s_{k}, 0)' for k in UNSUR_KEYS)} as integer) as jumlah_skor,
            least({s_cols}) as skor_min,
            greatest({s_cols}) as skor_max,
            {a_key} as a_key
        from c
    """


def _formula_files(con: duckdb.DuckDBPyConnection, p: dict[str, Any]) -> list[str]:
    """The files (sha256) with an Excel formula mark in any checked column. One range filter per
    column, which DuckDB checks against each row group's min/max first: '#' sorts before every
    digit and letter, so a column without the mark is skipped by its statistics instead of being
    read again by every pass over the rows."""
    found: set[str] = set()
    upper = FORMULA_MARK[:-1] + chr(ord(FORMULA_MARK[-1]) + 1)
    for column, _ in FORMULA_FIELDS:  # (in the answers the mark is one of the classified texts)
        found |= {r[0] for r in con.execute(
            f"select distinct file_sha256 from stg_raw__responses where {column} >= '{FORMULA_MARK}' "
            f"and {column} < '{upper}' and {_periode_filter(p, 'periode_declared')}").fetchall()}
    return sorted(found)


def _staged(p: dict[str, Any], keys: str | None = None) -> str:
    """The staged rows with their key `k` (only those whose key is in the relation `keys`)."""
    where = _periode_filter(p, "periode_declared") + (f" and rowid in (select k from {keys})" if keys else "")
    return f"(select rowid as k, * from stg_raw__responses where {where})"


def _rows_view(con: duckdb.DuckDBPyConnection, p: dict[str, Any], exprs: dict[str, dict[str, str]],
               packed: bool) -> None:
    """`_fr_q`: per staged row, computed on read (a view: the pass is a projection of the staged
    rows, cheaper to repeat than 10 M wide rows to write)."""
    con.execute("create or replace view _fr_q as " + _rows_sql(con, p, exprs, packed, _staged(p)))


def _issues(con: duckdb.DuckDBPyConnection, p: dict[str, Any], exprs: dict[str, dict[str, str]],
            packed: bool) -> None:
    """int_response_issues, written out for the flagged rows only: their keys from a narrow pass
    over the view, then their columns from the staged rows (the view's wide projection would be
    computed for every row before the filter)."""
    con.execute("create or replace temp table _fr_fk as select k from _fr_q where n_issue > 0")
    con.execute("create or replace temp table _fr_flagged as "
                + _rows_sql(con, p, exprs, packed, _staged(p, "_fr_fk")))
    con.execute("drop table _fr_fk")
    parts = []
    for k in UNSUR_KEYS:
        parts.append(f"""
            select f.response_id, f.periode_declared, '{k}' as field,
                   case when v.reason_code = 'formula_without_value' then {formula_text('f.u_' + k)} else f.u_{k} end,
                   v.reason_code,
                   case when v.reason_code = 'formula_without_value' then {formula_detail('f.u_' + k)} end
            from _fr_flagged as f
            inner join _fr_val as v on v.unsur = '{k}' and v.raw_value = f.u_{k}
            where v.answer_status = 'invalid'""")
    for column, field in FORMULA_FIELDS:
        parts.append(f"""
            select response_id, periode_declared, '{field}', {formula_text(column)}, 'formula_without_value',
                   {formula_detail(column)}
            from _fr_flagged where {is_formula(column)}""")
    parts.append(f"""
        select response_id, periode_declared, 'submitted_at', submitted_at, 'unparseable_date',
               case when submitted_at is null then 'empty' end
        from _fr_flagged where submitted_at_wita is null and not {is_formula('submitted_at')}""")
    parts.append("""
        select response_id, periode_declared, 'jenis_layanan', jenis_layanan, 'missing_layanan', cast(null as varchar)
        from _fr_flagged where jenis_layanan is null""")
    parts.append("""
        select response_id, periode_declared, 'opd_kode', opd_kode, 'missing_opd', cast(null as varchar)
        from _fr_flagged where opd_kode is null""")
    parts.append("""
        select response_id, periode_declared, 'submitted_at', submitted_at, 'periode_mismatch',
               'WITA ' || cast(submitted_at_wita as varchar) || ' is in ' || periode
                   || ', the file is filed under ' || coalesce(periode_declared, 'no periode')
        from _fr_flagged where periode is not null and (periode_declared is null or periode <> periode_declared)""")
    m = p["min_answered_unsur"]
    parts.append(f"""
        select response_id, periode_declared, 'unsur', cast(jumlah_jawaban as varchar), 'too_few_answers',
               cast(jumlah_jawaban as varchar) || ' valid answers of 9, at least ' || {_lit(str(m))} || ' required'
        from _fr_flagged where jumlah_jawaban < {int(m)}""")
    con.execute("create or replace table int_response_issues as\n"
                "select * from (" + "\nunion all".join(parts) + ") as t"
                "(response_id, periode_declared, field, raw_value, reason_code, detail)")
    con.execute("drop table _fr_flagged")


def _duplicates(con: duckdb.DuckDBPyConnection, p: dict[str, Any]) -> None:
    """`_fr_dup`: the duplicate rows among the clean ones, each with the row it repeats (the first
    of its group: file ingested first, then file name, sha256, row); then `_fr_v`, the rows with
    their fate."""
    content = ", ".join(CONTENT_COLUMNS)
    dup_hash = (f"case when submission_id is not null then hash(0, source_code, periode_declared, submission_id) "
                f"else hash(1, {content}) end")
    repeated = "(select k from h where dup_hash in (select dup_hash from h group by dup_hash having count(*) > 1))"
    con.execute(f"""
        create or replace table _fr_dup as
        with h as (
            select k, {dup_hash} as dup_hash from _fr_q where n_issue = 0
        ),
        cand as (
            select q.k, q.response_id, {', '.join('q.' + c for c in CONTENT_COLUMNS)}, q.submission_id, f.fd, q.row_number
            from {_staged(p, repeated)} as q
            inner join _fr_files as f
                on f.source_code = q.source_code and f.file_sha256 = q.file_sha256 and f.file_name = q.file_name
        ),
        firsts as (
            select k, response_id, 'submission_id' as duplicate_rule,
                   first_value(response_id) over (partition by source_code, periode_declared, submission_id
                                                  order by fd, row_number) as duplicate_of
            from cand where submission_id is not null
            union all
            select k, response_id, 'content',
                   first_value(response_id) over (partition by {content} order by fd, row_number)
            from cand where submission_id is null
        )
        select k, duplicate_rule, duplicate_of from firsts where duplicate_of <> response_id
    """)
    con.execute("""
        create or replace view _fr_v as
        select q.*,
               case when q.n_issue > 0 then 'quarantined' when d.k is not null then 'duplicate' else 'used' end as status,
               d.duplicate_rule, d.duplicate_of
        from _fr_q as q
        left join _fr_dup as d on d.k = q.k
    """)


def _status_views(con: duckdb.DuckDBPyConnection) -> None:
    s_cols = ", ".join(f"s_{k}" for k in UNSUR_KEYS)
    u_cols = ", ".join(f"u_{k}" for k in UNSUR_KEYS)
    con.execute(f"""
        create or replace view int_responses_status as
        select response_id, source_code, file_name, file_sha256, periode_declared, row_number, status, issue_count,
               first_reason_code, duplicate_rule, duplicate_of, periode, opd_kode, jenis_layanan, submission_id,
               device_id, submitted_at_wita, jenis_kelamin, usia_kelompok, pendidikan, pekerjaan,
               {u_cols}, {s_cols}, jumlah_jawaban, jumlah_skor, skor_min, skor_max
        from _fr_v
    """)
    con.execute(f"""
        create or replace view int_answer_summary as
        select response_id, periode_declared, {s_cols}, jumlah_jawaban, jumlah_tidak_menjawab, jumlah_tidak_valid,
               skor_min, skor_max, jumlah_skor
        from _fr_q
    """)
    cases = " ".join(f"when '{k}' then r.u_{k}" for k in UNSUR_KEYS)
    con.execute(f"""
        create or replace view int_answers as
        with a as (
            select r.response_id, r.source_code, r.periode_declared, u.unsur, u.urutan,
                   case u.unsur {cases} end as raw_value
            from stg_raw__responses as r cross join (select unsur, urutan from unsur) as u
        )
        select a.response_id, a.source_code, a.periode_declared, a.unsur, a.urutan, a.raw_value,
               v.label_normalised, v.score, coalesce(v.answer_status, 'missing') as answer_status, v.reason_code
        from a
        left join int_answer_values as v
            on v.periode_declared = a.periode_declared and v.unsur = a.unsur and v.raw_value = a.raw_value
    """)


def _trust(con: duckdb.DuckDBPyConnection, p: dict[str, Any], packed: bool) -> None:
    """The three rules of int_respons_ditandai over the used rows, then `_fr_tanda` and the views
    int_skor_responden and int_responses_used."""
    ulang = float(p["ditandai_ulang_menit"])
    n = int(p["ditandai_beruntun_jumlah"])
    menit = float(p["ditandai_beruntun_menit"])
    tol = float(p["ditandai_seragam_toleransi"])
    min_resp = int(p["ditandai_seragam_min_responden"])
    # one BIGINT per (source, periode_declared, device): the ranks of the three texts (ENUM
    # codes), so that the windows partition on an integer
    ranks = {}
    for t, col in (("_fr_e_source", "source_code"), ("_fr_e_periode", "periode_declared"), ("_fr_e_device", "device_id")):
        con.execute(f"drop type if exists {t}")
        ranks[col] = con.execute(f"select count(distinct {col}) from stg_raw__responses").fetchall()[0][0]
        if ranks[col]:
            con.execute(f"create type {t} as enum (select distinct {col} from stg_raw__responses "
                        f"where {col} is not null order by {col})")
    if ranks["source_code"] >= 2 ** 16 or ranks["periode_declared"] >= 2 ** 16 or ranks["device_id"] >= 2 ** 32:
        raise ValueError("too many sources, semesters or devices for the packed device key")
    dk = ("(cast(enum_code(try_cast(source_code as _fr_e_source)) as bigint) << 48) "
          "| (cast(enum_code(try_cast(periode_declared as _fr_e_periode)) as bigint) << 32) "
          "| enum_code(try_cast(device_id as _fr_e_device))")
    # (survey time, file name, row, response id): within a source the response id after the row
    # number is the sha256's order
    order = "submitted_at_wita, fn, row_number, fs"
    answers = "a_key" if packed else ", ".join(f"u_{k}" for k in UNSUR_KEYS)
    pairs = " or ".join(
        minutes_between(f"lag(submitted_at_wita, {d}) over w" if d else "submitted_at_wita",
                        f"lead(submitted_at_wita, {n - 1 - d}) over w" if n - 1 - d else "submitted_at_wita")
        + f" <= {menit}" for d in range(n))
    out_cols = ("response_id, source_code, file_name, row_number, submission_id, periode_declared, periode, "
                "opd_kode, device_id, submitted_at_wita")
    con.execute("create or replace temp table _fr_hits (k bigint, kode_aturan varchar, menit double, alasan varchar)")
    if ranks["device_id"]:
        # the used rows with a device, narrow, with integer keys only: both windows sort them
        con.execute(f"""
            create or replace temp table _fr_dev as
            select k, {dk} as dk, submitted_at_wita, {answers},
                   enum_code(try_cast(file_name as _fr_e_file_name)) as fn, row_number,
                   enum_code(try_cast(file_sha256 as _fr_e_file_sha256)) as fs
            from _fr_v
            where status = 'used' and device_id is not null and submitted_at_wita is not null
        """)
        con.execute(f"""
            insert into _fr_hits
            with dev as (
                select k,
                    {minutes_between(f'lag(submitted_at_wita) over (partition by dk, {answers} order by {order})',
                                     'submitted_at_wita')} as menit_sejak_sama,
                    coalesce({pairs}, false) as dalam_beruntun
                from _fr_dev
                window w as (partition by dk order by {order})
            )
            select k, 'ulang_perangkat', menit_sejak_sama, null from dev where menit_sejak_sama <= {ulang}
            union all
            select k, 'beruntun', null, null from dev where dalam_beruntun
        """)
        con.execute("drop table _fr_dev")
    p_cols = ",\n".join(
        f"cast(sum(case when s_{u} = {v} then 1 else 0 end) as double) / count(*) as p{v}_{u}"
        for v in range(1, 5) for u in UNSUR_KEYS)
    harapan = " + ".join("(" + " * ".join(f"p{v}_{u}" for u in UNSUR_KEYS) + ")" for v in range(1, 5))
    seragam = "jumlah_jawaban = 9 and skor_min = skor_max"
    # straight-lining: the units read the used rows of the view once, and the hits read them again
    # only when some unit is judged; every hit carries the integer key, and the lineage columns
    # and reasons are read back once at the end
    con.execute(f"""
        create or replace temp table _fr_unit as
        with unit as (
            select periode_declared, opd_kode, count(*) as jumlah,
                   sum(case when {seragam} then 1 else 0 end) as jumlah_seragam,
                   {p_cols}
            from _fr_v where status = 'used'
            group by periode_declared, opd_kode
        )
        select periode_declared, opd_kode, jumlah,
               cast(jumlah_seragam as double) / jumlah as tingkat_unit,
               cast(jumlah_seragam as double) / jumlah
                   - 1.96 * sqrt(cast(jumlah_seragam as double) / jumlah
                                 * (1 - cast(jumlah_seragam as double) / jumlah) / jumlah) as tingkat_unit_bawah,
               {harapan} as tingkat_harapan
        from unit
    """)
    con.execute(f"delete from _fr_unit where not (jumlah >= {min_resp} and tingkat_unit_bawah > tingkat_harapan + {tol})")
    if con.execute("select count(*) from _fr_unit").fetchall()[0][0]:
        con.execute(f"""
            insert into _fr_hits
            select u.k, 'seragam', null,
                   'sembilan jawaban sama; di ' || u.opd_kode || ' ' || {text_1_decimal('100 * t.tingkat_unit')}
                       || ' % dari ' || cast(t.jumlah as varchar) || ' respons seragam (batas bawah selang 95 %: '
                       || {text_1_decimal('100 * t.tingkat_unit_bawah')}
                       || ' %), sedangkan jawaban per unsur di unit itu sendiri memperkirakan '
                       || {text_1_decimal('100 * t.tingkat_harapan')} || ' % (toleransi {round(tol * 100, 1)} poin)'
            from _fr_v as u
            inner join _fr_unit as t on u.periode_declared = t.periode_declared and u.opd_kode = t.opd_kode
            where u.status = 'used' and u.jumlah_jawaban = 9 and u.skor_min = u.skor_max
        """)
    con.execute("drop table _fr_unit")
    con.execute(f"""
        create or replace table int_respons_ditandai as
        select {', '.join('u.' + c.strip() for c in out_cols.split(','))}, h.kode_aturan,
               case h.kode_aturan
                   when 'ulang_perangkat' then 'sama persis dengan kiriman sebelumnya dari perangkat ' || u.device_id
                       || ' ' || {text_1_decimal('h.menit')} || ' menit sebelumnya (batas {ulang} menit)'
                   when 'beruntun' then 'bagian dari {n} kiriman atau lebih dari perangkat ' || u.device_id
                       || ' dalam {menit} menit'
                   else h.alasan
               end as alasan
        from _fr_hits as h
        inner join _fr_v as u on u.k = h.k
    """)
    con.execute("create or replace table _fr_tanda as select k, count(*) as jumlah_aturan from _fr_hits group by k")
    con.execute("drop table _fr_hits")
    hitung = p["kebijakan_ditandai"] == "hitung"
    s_cols = ", ".join(f"u.s_{k}" for k in UNSUR_KEYS)
    con.execute(f"""
        create or replace view int_skor_responden as
        select u.response_id, u.source_code, u.periode_declared, u.periode, u.opd_kode, u.jenis_layanan,
               d.k is not null as ditandai,
               coalesce(d.jumlah_aturan, 0) as jumlah_aturan,
               {'true' if hitung else 'd.k is null'} as dihitung,
               {s_cols},
               cast(u.jumlah_jawaban as bigint) as jumlah_jawaban,
               cast(u.jumlah_skor as double) / nullif(u.jumlah_jawaban, 0) as skor_rata,
               cast(u.jumlah_skor as double) / nullif(u.jumlah_jawaban, 0) * 25 as nilai_responden
        from _fr_v as u
        left join _fr_tanda as d on u.k = d.k
        where u.status = 'used'
    """)
    con.execute(f"""
        create or replace view int_responses_used as
        select u.response_id, u.source_code, u.periode_declared, u.periode, u.opd_kode, u.jenis_layanan,
               u.submitted_at_wita, u.jenis_kelamin, u.usia_kelompok, u.pendidikan, u.pekerjaan, {s_cols}
        from _fr_v as u
        where u.status = 'used'
          {'' if hitung else 'and u.k not in (select k from _fr_tanda)'}
    """)


def build(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> dict[str, float]:
    """Create the row-level tables and views (module docstring) on `con` from stg_raw__responses,
    stg_raw__ingest_files and the seeds; returns seconds per step group."""
    p = _params(params)
    con.execute("set preserve_insertion_order = false")
    t0 = time.perf_counter()
    p["_formula_files"] = _formula_files(con, p)
    _answer_tables(con, p)
    exprs, packed = _lookups(con)
    _file_types(con, p)
    _rows_view(con, p, exprs, packed)
    _issues(con, p, exprs, packed)
    _duplicates(con, p)
    _status_views(con)
    t1 = time.perf_counter()
    _trust(con, p, packed)
    t2 = time.perf_counter()
    return {GROUP_NORMALISE: t1 - t0, GROUP_TRUST: t2 - t1}


PRODUCED = ("int_answer_counts", "int_answer_values", "int_answers", "int_answer_summary", "int_response_issues",
            "int_responses_status", "int_respons_ditandai", "int_skor_responden", "int_responses_used")
