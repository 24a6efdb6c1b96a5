"""How a file's survey times are read: one decision per file, from the evidence of the whole
column or from the registry, recorded in ``ingest_files``; never guessed row by row.

Why: a Google Forms download is written in the locale of the form owner's account. An
Indonesian account writes "Stempel waktu" day first (``6/8/2025 9:07:13`` = 6 August), a US one
writes "Timestamp" month first (the same text = 8 June). Read with one assumed order, the dates
whose day is above 12 fail and the others are silently filed in the wrong month. So:

- a source may declare ``date_format:`` (``day_first``, ``month_first`` or strptime patterns);
- without one, the order comes from the whole column: a first field above 12 proves day-first,
  a second field above 12 proves month-first; one order is used for the whole file;
- a file whose dates read both ways throughout, or contradict each other, or contradict the
  declared format, is refused as a file-level problem whose message says what to declare.

Texts with no day/month question (ISO 8601 with or without an offset, Excel serial numbers, date
cells that the Excel reader already wrote as ISO) need no decision. The loader writes every time
as ISO 8601 text (``submitted_at_iso``) beside the raw text; dbt reads only the ISO text, so
reading a date has one home, here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.ingest.readers import FileProblem
from pipelines.sql import literal

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
# d/m/y or m/d/y with '/', '-' or '.', a 2- or 4-digit year, an optional time with ':' or '.'
# (Indonesian Excel writes 9.07.13), optional seconds, fractions and AM/PM.
NUMERIC_DATE = (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
                r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?(?: ?([AaPp])\.?[Mm]\.?)?)?$")
PARTS = ["first", "second", "year", "hour", "minute", "second_", "ampm"]
ISO_START = r"^\d{4}-\d{1,2}-\d{1,2}"
# An Excel serial day number (1899-12-30 = 0): 20000-80000 is 1954-2119.
EXCEL_SERIAL = r"^\d{5}(\.\d+)?$"
ISO_OUT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class DateEvidence:
    """What the column says about its own date order: counts, and the first row of each kind."""

    header: str
    values: int = 0  # non-empty texts
    numeric: int = 0  # d/m/y or m/d/y shaped
    iso: int = 0
    serial: int = 0
    day_first_rows: int = 0  # only readable day first (first field 13-31, second 1-12)
    first_day_first: tuple[int, str] | None = None
    month_first_rows: int = 0  # only readable month first
    first_month_first: tuple[int, str] | None = None
    example: tuple[int, str] | None = None  # the first numeric date, for the messages
    declared_read: int | None = None  # texts the declared patterns read (patterns only)
    first_unread: tuple[int, str] | None = None  # first text the declared patterns do not read


@dataclass(frozen=True)
class DateDecision:
    """How the file's dates are read, and why, in words (both go to ``ingest_files``)."""

    format: str  # day_first | month_first | iso | excel_serial | a declared pattern list ('|') | none
    evidence: str
    order: str | None = None  # the order numeric dates are read in, None for patterns or none
    patterns: tuple[str, ...] = ()


def _row(found: tuple[int, str] | None) -> str:
    return f"row {found[0]} '{found[1]}'" if found else "?"


def gather(con: duckdb.DuckDBPyConnection, relation: str, text_sql: str, row_sql: str, header: str,
           patterns: tuple[str, ...] = ()) -> DateEvidence:
    """One pass over the date column of `relation` (`text_sql` is its trimmed text)."""
    if patterns:
        listed = ", ".join(literal(p) for p in patterns)
        unread = f"try_strptime(t, [{listed}]) IS NULL AND NOT regexp_matches(t, {literal(ISO_START)})"
        declared = (f", count(*) FILTER (WHERE try_strptime(t, [{listed}]) IS NOT NULL), "
                    f"arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE {unread})")
    else:
        declared = ", NULL, NULL"
    sql = f"""
        WITH v AS (SELECT {row_sql} AS rn, {text_sql} AS t FROM {relation}),
        p AS (SELECT rn, t, {parts_sql('t', skip_iso=True)} AS m FROM v WHERE t IS NOT NULL),
        d AS (
            SELECT rn, t, m.first <> '' AS is_numeric,
                   TRY_CAST(nullif(m.first, '') AS INTEGER) AS a, TRY_CAST(nullif(m.second, '') AS INTEGER) AS b
            FROM p
        )
        SELECT count(*), count(*) FILTER (WHERE is_numeric),
               count(*) FILTER (WHERE NOT is_numeric AND regexp_matches(t, {literal(ISO_START)})),
               count(*) FILTER (WHERE NOT is_numeric AND regexp_full_match(t, {literal(EXCEL_SERIAL)})
                                  AND TRY_CAST(t AS DOUBLE) BETWEEN 20000 AND 80000),
               count(*) FILTER (WHERE is_numeric AND a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12),
               arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE is_numeric AND a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12),
               count(*) FILTER (WHERE is_numeric AND b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12),
               arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE is_numeric AND b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12),
               arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE is_numeric)
               {declared}
        FROM d
    """
    r = con.execute(sql).fetchall()[0]

    def pair(v: list | None) -> tuple[int, str] | None:
        return (int(v[0]), v[1]) if v else None

    return DateEvidence(header=header, values=r[0], numeric=r[1], iso=r[2], serial=r[3],
                        day_first_rows=r[4], first_day_first=pair(r[5]), month_first_rows=r[6],
                        first_month_first=pair(r[7]), example=pair(r[8]),
                        declared_read=r[9], first_unread=pair(r[10]))


def declared_patterns(declared: tuple[str, ...]) -> tuple[str, ...]:
    """The strptime patterns of a registry declaration; () for none or for an order keyword."""
    return declared if declared and declared[0] not in (DAY_FIRST, MONTH_FIRST) else ()


def _pattern_order(patterns: tuple[str, ...]) -> str | None:
    """The day/month order a pattern list reads numeric dates in (None: no numeric day and month)."""
    orders = {DAY_FIRST if p.index("%d") < p.index("%m") else MONTH_FIRST
              for p in patterns if "%d" in p and "%m" in p}
    return orders.pop() if len(orders) == 1 else None


HOW_TO_DECLARE = ("declare it in the registry entry: `date_format: day_first` (Indonesian exports, a Google Forms "
                  "download with 'Stempel waktu') or `date_format: month_first` (a Google Forms download with "
                  "'Timestamp', from an account in the US locale), or strptime patterns such as "
                  "`date_format: '%m/%d/%Y %H:%M:%S'`")


def decide(ev: DateEvidence, declared: tuple[str, ...], source_code: str) -> DateDecision:
    """The file's date decision, or a FileProblem saying why the file cannot be placed for sure.
    Pure: the evidence in, the decision out (tested on its own)."""
    col = f"column '{ev.header}'"
    both = ", ".join(f"{n} date(s) read only {how} (first: {_row(first)})" for n, first, how in (
        (ev.day_first_rows, ev.first_day_first, "day/month"), (ev.month_first_rows, ev.first_month_first, "month/day"))
        if n)
    patterns = declared_patterns(declared)
    order = declared[0] if declared and not patterns else _pattern_order(patterns)
    other = {DAY_FIRST: MONTH_FIRST, MONTH_FIRST: DAY_FIRST}.get(order or "")
    proves = {DAY_FIRST: (ev.day_first_rows, ev.first_day_first), MONTH_FIRST: (ev.month_first_rows,
                                                                                 ev.first_month_first)}
    if declared:
        shown = " | ".join(declared)
        if patterns and ev.values:
            read = (ev.declared_read or 0) + ev.iso + ev.serial
            if read * 2 < ev.values:
                raise FileProblem(
                    f"the dates in {col} do not match the registry's date_format '{shown}' for {source_code}: "
                    f"only {read} of {ev.values} read (first that does not: {_row(ev.first_unread)}); correct "
                    f"date_format (see docs/registry.md)")
        if order and proves[other][0] and not proves[order][0]:
            raise FileProblem(
                f"the dates in {col} contradict the registry's date_format '{shown}' for {source_code}: "
                f"{proves[other][0]} date(s) read only as {other.replace('_', ' ')} (first: {_row(proves[other][1])}) "
                f"and none only as {order.replace('_', ' ')}; if this export is {other.replace('_', '-')}, set "
                f"`date_format: {other}`")
        return DateDecision(format=shown, order=order, patterns=patterns,
                            evidence=f"declared in the registry ({shown})" + (f"; {both}" if both else ""))
    if ev.numeric == 0:
        kinds = [k for k, n in (("iso", ev.iso), ("excel_serial", ev.serial)) if n]
        fmt = "+".join(kinds) or "none"
        return DateDecision(format=fmt, evidence=(
            f"{ev.iso} ISO 8601 and {ev.serial} Excel serial date(s) of {ev.values}: no day/month order to decide"
            if ev.values else "no date in the column"))
    if ev.day_first_rows and ev.month_first_rows:
        raise FileProblem(
            f"the dates in {col} contradict each other: {both}. Correct the wrong rows, or "
            f"{HOW_TO_DECLARE} (rows that do not read that way are then quarantined as unparseable_date)")
    if not ev.day_first_rows and not ev.month_first_rows:
        raise FileProblem(
            f"the day/month order of the dates in {col} cannot be told: in every one of the {ev.numeric} "
            f"date(s) both fields are 12 or less (e.g. {_row(ev.example)}), so it reads as day/month and as "
            f"month/day; {HOW_TO_DECLARE}")
    found = DAY_FIRST if ev.day_first_rows else MONTH_FIRST
    n, first = proves[found]
    field = "first" if found == DAY_FIRST else "second"
    return DateDecision(format=found, order=found, evidence=(
        f"decided from the file: {n} of {ev.numeric} date(s) have a {field} field above 12 (first: {_row(first)}) "
        f"and none reads only the other way"))


def iso_sql(text_sql: str, parts_sql: str, decision: DateDecision) -> str:
    """SQL giving the ISO 8601 text of one date under the file's decision, NULL when it does not
    read. `parts_sql` is `regexp_extract(text, NUMERIC_DATE, PARTS)`, computed once per row."""
    t, m = text_sql, parts_sql
    serial = (f"strftime(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST({t} AS DOUBLE) * 86400) "
              f"AS BIGINT) * 1000000), '{ISO_OUT}')")
    cases = [f"WHEN {t} IS NULL THEN NULL"]
    if decision.patterns:
        listed = ", ".join(literal(p) for p in decision.patterns)
        cases.append(f"WHEN try_strptime({t}, [{listed}]) IS NOT NULL "
                     f"THEN strftime(try_strptime({t}, [{listed}]), '{ISO_OUT}')")
    cases.append(f"WHEN regexp_matches({t}, {literal(ISO_START)}) THEN {t}")
    cases.append(f"WHEN regexp_full_match({t}, {literal(EXCEL_SERIAL)}) AND TRY_CAST({t} AS DOUBLE) BETWEEN 20000 AND 80000 "
                 f"THEN {serial}")
    if decision.order and not decision.patterns:
        day, month = ("first", "second") if decision.order == DAY_FIRST else ("second", "first")
        hour = f"coalesce(TRY_CAST(nullif({m}.hour, '') AS INTEGER), 0)"
        hour = (f"CASE WHEN lower({m}.ampm) = 'p' AND {hour} < 12 THEN {hour} + 12 "
                f"WHEN lower({m}.ampm) = 'a' AND {hour} = 12 THEN 0 ELSE {hour} END")
        year = f"TRY_CAST({m}.year AS INTEGER) + CASE WHEN length({m}.year) = 2 THEN 2000 ELSE 0 END"
        stamp = (f"try(make_timestamp({year}, TRY_CAST({m}.{month} AS INTEGER), TRY_CAST({m}.{day} AS INTEGER), "
                 f"{hour}, coalesce(TRY_CAST(nullif({m}.minute, '') AS INTEGER), 0), "
                 f"coalesce(TRY_CAST(nullif({m}.second_, '') AS DOUBLE), 0)))")
        cases.append(f"WHEN {m}.first <> '' THEN strftime({stamp}, '{ISO_OUT}')")
    return "CASE " + " ".join(cases) + " END"


def needs_parts(decision: DateDecision) -> bool:
    """Whether `iso_sql` reads the numeric parts: only a day/month order does (an ISO or serial
    file, most exports, skips the seven-group regular expression on every row)."""
    return bool(decision.order and not decision.patterns)


def parts_sql(text_sql: str, skip_iso: bool = False) -> str:
    """The d/m/y parts of a text (all '' when it is not d/m/y shaped). `skip_iso`: a text that
    starts ISO-like (which NUMERIC_DATE can never match) gets the empty parts without the regular
    expression, the same value for a fraction of the cost."""
    parts = f"regexp_extract({text_sql}, {literal(NUMERIC_DATE)}, {PARTS!r})"
    if not skip_iso:
        return parts
    empty = "struct_pack(" + ", ".join(f"{p} := ''" for p in PARTS) + ")"
    return f"CASE WHEN regexp_matches({text_sql}, {literal(ISO_START)}) THEN {empty} ELSE {parts} END"
