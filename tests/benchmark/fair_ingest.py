"""The fair reference, part 1: landed files -> the Parquet lake -> ``stg_raw__ingest_files`` and
``stg_raw__responses``, hand-written, no orchestration (issue #19).

The same required work as the pipeline's ingest step and staging models, written for speed rather
than for the pipeline's generality (one landing layout, the registry formats the benchmark estate
uses: template and mapped CSV in UTF-8 or a declared 8-bit encoding, JSON arrays and
newline-delimited JSON with flat keys, xlsx):

- **sha256** of every landed file (``hashlib``, several files at once);
- **read + lake**: one parse per file straight into its Parquet file
  (``lake/responses/<source>/<sha256>.parquet``) with the lineage columns (source, OPD, file,
  sha256, periode folder, row number) and every value as trimmed text; the delimiter is taken
  from the header line (no sniffer), JSON is read typed (``read_json`` with VARCHAR columns), the
  respondent hash is the same keyed HMAC as the loader's (the installation's key), blank rows are
  counted and skipped;
- **normalise** (timed with the quarantine work in ``fair.py``): each file's date decision from the
  whole column in one grouped pass over the lake (day/month order proven by a field above 12, ISO,
  as ``pipelines/ingest/dates.py`` decides), the survey time in WITA and its periode, the
  demographic labels through the seeds (each distinct text looked up once).

Output tables, named and shaped like the pipeline's dbt models so that ``fair_rows`` and
``fair_marts`` read them as they would read the models: ``stg_raw__ingest_files``,
``stg_raw__responses``, and every seed of ``dbt_project/seeds`` as a table of its own name.
What differs by nature: ``ingested_at`` / ``file_ingested_at`` are this run's own time.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ingest.loader import config_sha
from pipelines.ingest.readers import cell_text
from pipelines.ingest.secret import hmac_sha256_sql
from pipelines.registry import PII_FIELDS, Source, normalise_header
from pipelines.settings import REPO_ROOT, UNSUR_KEYS
from pipelines.sql import ident, literal

SEEDS = REPO_ROOT / "dbt_project" / "seeds"
VALUE_FIELDS = ("submission_id", "device_id", "submitted_at", "jenis_layanan", *(f"u_{u}" for u in UNSUR_KEYS),
                "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran")
EDGE = "' \t\r\n\u00a0'"
# d/m/y or m/d/y, as pipelines/ingest/dates.py reads them (its NUMERIC_DATE)
NUMERIC_DATE = (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
                r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?(?: ?([AaPp])\.?[Mm]\.?)?)?$")
ISO_START = r"^\d{4}-\d{1,2}-\d{1,2}"


@dataclass
class Landed:
    source: Source
    path: Path
    name: str  # relative to the landing folder: '<periode>/<file>'
    periode: str
    sha: str = ""
    size: int = 0


def _text(expr: str) -> str:
    return f"nullif(trim(CAST({expr} AS VARCHAR), {EDGE}), '')"


def landed(sources: list[Source], data_dir: Path) -> list[Landed]:
    out = []
    for s in sources:
        root = s.landing_dir(data_dir)
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            for f in sorted(folder.iterdir()):
                if f.is_file() and not f.name.startswith(".") and not f.name.endswith(".tmp"):
                    out.append(Landed(s, f, f"{folder.name}/{f.name}", folder.name))
    return out


def hash_files(files: list[Landed]) -> None:
    def one(f: Landed) -> None:
        h = hashlib.sha256()
        with f.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        f.sha, f.size = h.hexdigest(), f.path.stat().st_size

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(one, files))


def _header_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        return f.readline().lstrip("\ufeff").rstrip("\r\n")


def _relation(f: Landed, tmpdir: Path) -> tuple[str, dict[str, str]]:
    """(FROM clause numbering the rows in file order, canonical field -> SQL column)."""
    s = f.source
    if s.format == "csv":
        path, encoding = f.path, (s.options.get("encoding") or "utf-8")
        if encoding.lower().replace("-", "") not in ("utf8",):
            path = tmpdir / f"{f.sha}.csv"
            with f.path.open(encoding=encoding, newline="") as src, path.open("w", encoding="utf-8", newline="") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        header = _header_line(path, "utf-8")
        delim = s.options.get("delimiter") or max((",", ";", "\t"), key=header.count)
        headers = next(csv.reader([header], delimiter=delim))
        wanted = s.header_map
        mapping: dict[str, str] = {}
        for i, h in enumerate(headers):
            field = wanted.get(normalise_header(h))
            if field and field not in mapping:
                mapping[field] = ident(f"c{i}")
        names = "[" + ", ".join(f"'c{i}'" for i in range(len(headers))) + "]"
        rel = (f"(SELECT row_number() OVER () AS rn, * FROM read_csv({literal(str(path))}, all_varchar = true, "
               f"header = false, skip = 1, delim = {literal(delim)}, quote = '\"', names = {names}))")
        return rel, mapping
    if s.format == "json":
        if s.options.get("record_path"):
            raise ValueError(f"{s.code}: a record_path is not in the fair reference")
        keys = list(dict.fromkeys(s.columns.values()))
        with f.path.open("rb") as fh:
            first = fh.read(64).lstrip()
        fmt = "array" if first.startswith(b"[") else "newline_delimited"
        # typed read: a flat key as VARCHAR; a nested one's top-level key as JSON, the rest extracted
        tops = list(dict.fromkeys(k.split(".", 1)[0] for k in keys))
        nested = {k.split(".", 1)[0] for k in keys if "." in k}
        cols = "{" + ", ".join(f"{literal(t)}: '{'JSON' if t in nested else 'VARCHAR'}'" for t in tops) + "}"
        rel = (f"(SELECT row_number() OVER () AS rn, * FROM read_json({literal(str(f.path))}, format = '{fmt}', "
               f"columns = {cols}, maximum_object_size = 16777216))")

        def expr(k: str) -> str:
            if "." not in k:
                return ident(k)
            top, rest = k.split(".", 1)
            return f"json_extract_string({ident(top)}, {literal('$.' + rest)})"

        return rel, {field: expr(k) for field, k in s.columns.items()}
    if s.format == "xlsx":
        import pandas as pd
        import python_calamine

        wb = python_calamine.CalamineWorkbook.from_path(str(f.path))
        sheet = s.sheet or wb.sheet_names[0]
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        wanted = s.header_map
        # the header row: declared, else the first of 30 naming three registry columns (title rows above)
        start = (s.options["header_row"] - 1 if s.options.get("header_row") else
                 next(i for i, r in enumerate(rows[:30]) if sum(normalise_header(c) in wanted for c in r) >= 3))
        headers = [str(h or "") for h in rows[start]]
        width = len(headers)

        body = rows[start + 1:]  # formula cells without a saved value: not in the benchmark estate
        table = pd.DataFrame({f"c{i}": pd.Series([cell_text(r[i]) if i < len(r) else None for r in body], dtype=object)
                              for i in range(width)})
        name = f"xlsx_{f.sha[:12]}"
        _XLSX[name] = table
        mapping = {}
        for i, h in enumerate(headers):
            field = wanted.get(normalise_header(h))
            if field and field not in mapping:
                mapping[field] = ident(f"c{i}")
        return f"(SELECT row_number() OVER () AS rn, * FROM {name})", mapping
    raise ValueError(f"{s.code}: format {s.format} is not in the fair reference")


_XLSX: dict[str, object] = {}


def _lake_sql(f: Landed, rel: str, mapping: dict[str, str], key: bytes) -> str:
    s = f.source
    values = []
    for col in VALUE_FIELDS:
        field = col.removeprefix("u_")
        values.append(f"{_text(mapping[field]) if field in mapping else 'CAST(NULL AS VARCHAR)'} AS {col}")
    pii = [_text(mapping[p]) for p in PII_FIELDS if p in mapping]
    if pii:
        joined = "concat_ws('|', " + ", ".join(f"coalesce({p}, '')" for p in pii) + ")"
        rh = f"CASE WHEN {' AND '.join(p + ' IS NULL' for p in pii)} THEN NULL ELSE {hmac_sha256_sql(joined, key)} END"
    else:
        rh = "CAST(NULL AS VARCHAR)"
    opd = _text(mapping["opd_kode"]) if "opd_kode" in mapping else literal(s.opd_kode)
    inner = (f"SELECT {literal(s.code)} AS source_code, {opd} AS opd_kode, {literal(f.name)} AS file_name, "
             f"{literal(f.sha)} AS file_sha256, {literal(f.periode)} AS periode_declared, "
             f"CAST(rn AS BIGINT) AS row_number, {literal(s.timezone)} AS source_timezone, "
             + ", ".join(values) + f", {rh} AS respondent_hash FROM {rel}")
    blank = " OR ".join(f"{c} IS NOT NULL" for c in VALUE_FIELDS)
    return f"SELECT * FROM ({inner}) WHERE {blank}"


def write_lake(con: duckdb.DuckDBPyConnection, files: list[Landed], lake: Path, key: bytes) -> list[dict]:
    """One parse per file into its Parquet file, two files at a time; the log rows."""
    (lake / "responses").mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix="fair-"))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    seen: dict[str, str] = {}
    log: list[dict] = []
    jobs: list[tuple[Landed, dict]] = []
    for f in files:
        rec = {"source_code": f.source.code, "file_name": f.name, "file_sha256": f.sha, "periode_declared": f.periode,
               "file_bytes": f.size, "status": "loaded", "message": None, "rows_read": None, "rows_blank": None,
               "config_sha": config_sha(f.source), "ingested_at": now}
        if f.sha in seen:
            rec["status"] = "duplicate_file"
            rec["message"] = f"{f.source.landing}/{f.name}: same content as {seen[f.sha]}; not loaded again"
        else:
            seen[f.sha] = f"{f.source.code}/{f.name}"
            jobs.append((f, rec))
        log.append(rec)

    def run(job: tuple[Landed, dict]) -> None:
        f, rec = job
        cur = con.cursor()
        try:
            rel, mapping = _relation(f, tmpdir)
            for name, table in list(_XLSX.items()):
                if name in rel:
                    cur.register(name, table)
            target = lake / "responses" / f.source.code / f"{f.sha}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            total = cur.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0] if f.source.format == "xlsx" else None
            written = cur.execute(f"COPY ({_lake_sql(f, rel, mapping, key)}) TO ? (FORMAT parquet)",
                                  [str(target)]).fetchall()[0][0]
            if total is None:  # the parse counted its rows: blank rows are the numbering's gaps
                total = cur.execute("SELECT coalesce(max(row_number), 0) FROM read_parquet(?)",
                                    [str(target)]).fetchall()[0][0]
            rec["rows_read"], rec["rows_blank"] = int(written), int(total) - int(written)
        except Exception as exc:  # noqa: BLE001 - recorded on the file, as the pipeline does
            rec["status"], rec["message"] = "error", f"{f.source.landing}/{f.name}: {exc}"
        finally:
            cur.close()

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(run, jobs))
    _XLSX.clear()
    for p in tmpdir.iterdir():
        p.unlink()
    tmpdir.rmdir()
    return log


def load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted(SEEDS.glob("*.csv")):
        con.execute(f"CREATE OR REPLACE TABLE {ident(path.stem)} AS SELECT * FROM read_csv(?, header = true)",
                    [str(path)])


def _date_decisions(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """Each file's day/month order from its whole date column, as pipelines/ingest/dates.py
    decides it (no declared date_format in the benchmark estate): a first field above 12 proves
    day first, a second field above 12 month first; ISO needs no decision."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fair_dates AS
        WITH v AS (
            SELECT file_sha256, row_number AS rn, submitted_at AS t,
                   CASE WHEN regexp_matches(submitted_at, {literal(ISO_START)}) THEN {{'first': '', 'second': ''}}
                        ELSE regexp_extract(submitted_at, {literal(NUMERIC_DATE)}, ['first', 'second']) END AS m
            FROM read_parquet({literal(str(lake / 'responses' / '*' / '*.parquet'))})
            WHERE submitted_at IS NOT NULL
        ),
        d AS (SELECT file_sha256, rn, t, m.first <> '' AS num, TRY_CAST(nullif(m.first, '') AS INT) AS a,
                     TRY_CAST(nullif(m.second, '') AS INT) AS b FROM v)
        SELECT file_sha256, count(*) AS n_values, count(*) FILTER (WHERE num) AS n_numeric,
               count(*) FILTER (WHERE NOT num AND regexp_matches(t, {literal(ISO_START)})) AS n_iso,
               count(*) FILTER (WHERE num AND a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12) AS n_day_first,
               arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE num AND a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12) AS first_day_first,
               count(*) FILTER (WHERE num AND b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12) AS n_month_first,
               arg_min([CAST(rn AS VARCHAR), t], rn) FILTER (WHERE num AND b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12) AS first_month_first
        FROM d GROUP BY ALL
    """)


def _decide(row: tuple, declared: tuple[str, ...]) -> tuple[str | None, str, str | None]:
    """(order, format, evidence) or (None, 'error', message), the words of dates.decide. A
    declared order (a template source is day first unless it says otherwise) is taken as
    declared; declared strptime patterns are outside the benchmark estate."""
    _sha, values, numeric, iso, dfr, first_df, mfr, first_mf = row
    if declared:
        if declared[0] not in ("day_first", "month_first"):
            return None, "error", "declared date patterns are not in the fair reference"
        order, other = declared[0], ("month_first" if declared[0] == "day_first" else "day_first")
        proves = {"day_first": dfr, "month_first": mfr}
        if proves[other] and not proves[order]:
            return None, "error", f"the dates contradict the registry's date_format '{order}'"
        both = ", ".join(f"{n} date(s) read only {how} (first: row {first[0]} '{first[1]}')" for n, first, how in (
            (dfr, first_df, "day/month"), (mfr, first_mf, "month/day")) if n)
        return order, order, f"declared in the registry ({order})" + (f"; {both}" if both else "")
    if numeric == 0:
        return "iso", ("iso" if iso else "none"), (
            f"{iso} ISO 8601 and 0 Excel serial date(s) of {values}: no day/month order to decide")
    if (dfr and mfr) or not (dfr or mfr):
        return None, "error", "the day/month order of the dates cannot be told"
    order = "day_first" if dfr else "month_first"
    n, first = (dfr, first_df) if dfr else (mfr, first_mf)
    field = "first" if dfr else "second"
    return order, order, (f"decided from the file: {n} of {numeric} date(s) have a {field} field above 12 "
                          f"(first: row {first[0]} '{first[1]}') and none reads only the other way")


def build_staging(con: duckdb.DuckDBPyConnection, lake: Path, log: list[dict], sources: list[Source]) -> None:
    """stg_raw__ingest_files and stg_raw__responses from the lake and the log."""
    declared = {s.code: s.date_format for s in sources}
    _date_decisions(con, lake)
    rows = {r[0]: r for r in con.execute("SELECT * FROM fair_dates").fetchall()}
    for rec in log:
        if rec["status"] == "loaded":
            row = rows.get(rec["file_sha256"], (rec["file_sha256"], 0, 0, 0, 0, None, 0, None))
            order, fmt, evidence = _decide(row, declared[rec["source_code"]])
            if order is None:
                rec["status"], rec["message"] = "error", f"{rec['file_name']}: {evidence}"
                rec["date_format"] = rec["date_evidence"] = None
            else:
                rec["date_format"], rec["date_evidence"] = fmt, evidence
                rec["order"] = order
        rec.setdefault("date_format", None)
        rec.setdefault("date_evidence", None)
    cols = ["source_code", "file_name", "file_sha256", "periode_declared", "file_bytes", "status", "message",
            "rows_read", "rows_blank", "config_sha", "date_format", "date_evidence", "ingested_at"]
    con.execute("CREATE OR REPLACE TABLE stg_raw__ingest_files (source_code VARCHAR, file_name VARCHAR, "
                "file_sha256 VARCHAR, periode_declared VARCHAR, file_bytes BIGINT, status VARCHAR, message VARCHAR, "
                "rows_read BIGINT, rows_blank BIGINT, config_sha VARCHAR, date_format VARCHAR, date_evidence VARCHAR, "
                "ingested_at TIMESTAMP, is_loaded BOOLEAN, date_order VARCHAR)")
    con.executemany("INSERT INTO stg_raw__ingest_files VALUES (" + ", ".join("?" for _ in range(15)) + ")",
                    [tuple(r[c] for c in cols) + (r["status"] == "loaded", r.get("order")) for r in log])

    m = "m"
    hour = f"coalesce(TRY_CAST(nullif({m}.hour, '') AS INTEGER), 0)"
    hour = (f"CASE WHEN lower({m}.ampm) = 'p' AND {hour} < 12 THEN {hour} + 12 "
            f"WHEN lower({m}.ampm) = 'a' AND {hour} = 12 THEN 0 ELSE {hour} END")
    year = f"TRY_CAST({m}.year AS INTEGER) + CASE WHEN length({m}.year) = 2 THEN 2000 ELSE 0 END"

    def stamp(day: str, month: str) -> str:
        return (f"try(make_timestamp({year}, TRY_CAST({m}.{month} AS INTEGER), TRY_CAST({m}.{day} AS INTEGER), "
                f"{hour}, coalesce(TRY_CAST(nullif({m}.minute, '') AS INTEGER), 0), "
                f"coalesce(TRY_CAST(nullif({m}.second_, '') AS DOUBLE), 0)))")

    offset = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$"
    local_iso = ("coalesce(try_strptime(t, '%Y-%m-%d %H:%M:%S'), try_strptime(t, '%Y-%m-%d %H:%M:%S.%f'), "
                 "try_strptime(t, '%Y-%m-%d %H:%M'), try_strptime(t, '%Y-%m-%d'), "
                 "try_strptime(t, '%Y-%m-%dT%H:%M:%S'), try_strptime(t, '%Y-%m-%dT%H:%M:%S.%f'), "
                 "try_strptime(t, '%Y-%m-%dT%H:%M'))")
    parts = "['first', 'second', 'year', 'hour', 'minute', 'second_', 'ampm']"

    # the dbt macro normalise_label, for both sides of each label lookup
    norm = "nullif(trim(regexp_replace(regexp_replace(lower({x}), '[\\s\\x{{00A0}}]+', ' ', 'g'), ' ?([/-]) ?', '\\1', 'g')), '')"

    def label(seed: str, target: str, column: str) -> str:
        return (f"{column}_values AS (SELECT v.raw, l.{target} FROM (SELECT DISTINCT {column}_raw AS raw FROM t2 "
                f"WHERE {column}_raw IS NOT NULL) AS v JOIN {seed} AS l ON {norm.format(x='l.label')} = "
                f"{norm.format(x='v.raw')})")

    usia_norm = "regexp_replace(" + norm + ", ' ?(tahun|thn|th)$', '')"
    unsur_cols = ", ".join(f"r.u_{u}" for u in UNSUR_KEYS)
    # response_id is a generated column (computed when read): 45 distinct characters a row do not
    # compress, and writing them doubled the cost of writing the staged rows (15 s against 7 s at
    # 10 M); the rows are keyed by their rowid in fair_rows, and only the rows a mart publishes
    # ever spell their id out
    text = ["source_code", "opd_kode", "file_name", "file_sha256", "periode_declared"]
    ddl = (["response_id VARCHAR GENERATED ALWAYS AS (source_code || ':' || left(file_sha256, 16) || ':' "
            "|| CAST(row_number AS VARCHAR)) VIRTUAL"] + [f"{c} VARCHAR" for c in text]
           + ["row_number BIGINT", "file_ingested_at TIMESTAMP"]
           + [f"{c} VARCHAR" for c in ("source_timezone", "submission_id", "device_id", "submitted_at")]
           + ["submitted_at_wita TIMESTAMP", "periode VARCHAR", "jenis_layanan VARCHAR"]
           + [f"u_{u} VARCHAR" for u in UNSUR_KEYS]
           + ["jenis_kelamin_raw VARCHAR", "jenis_kelamin VARCHAR", "usia_raw VARCHAR", "usia INTEGER",
              "usia_kelompok VARCHAR", "pendidikan_raw VARCHAR", "pendidikan VARCHAR", "pekerjaan_raw VARCHAR",
              "pekerjaan VARCHAR", "saran VARCHAR", "respondent_hash VARCHAR"])
    con.execute(f"CREATE OR REPLACE TABLE stg_raw__responses ({', '.join(ddl)})")
    con.execute(f"""
        INSERT INTO stg_raw__responses BY NAME
        WITH t1 AS (
            SELECT r.*, f.ingested_at AS file_ingested_at, f.date_order,
                   CASE WHEN f.date_order IN ('day_first', 'month_first')
                        THEN regexp_extract(r.submitted_at, {literal(NUMERIC_DATE)}, {parts}) END AS m
            FROM read_parquet({literal(str(lake / 'responses' / '*' / '*.parquet'))}) AS r
            JOIN stg_raw__ingest_files AS f ON f.file_sha256 = r.file_sha256 AND f.source_code = r.source_code
            WHERE f.is_loaded
        ),
        t15 AS (
            SELECT *, CASE WHEN submitted_at IS NULL THEN NULL
                           WHEN regexp_matches(submitted_at, {literal(ISO_START)}) THEN submitted_at
                           WHEN m.first <> '' AND date_order = 'day_first' THEN strftime({stamp('first', 'second')}, '%Y-%m-%d %H:%M:%S')
                           WHEN m.first <> '' AND date_order = 'month_first' THEN strftime({stamp('second', 'first')}, '%Y-%m-%d %H:%M:%S')
                      END AS t
            FROM t1
        ),
        t2 AS (
            SELECT r.source_code, r.opd_kode, r.file_name, r.file_sha256, r.periode_declared, r.row_number,
                   r.file_ingested_at, r.source_timezone, r.submission_id, r.device_id, r.submitted_at,
                   CASE WHEN regexp_matches(t, {literal(offset)}) THEN timezone('Asia/Makassar', TRY_CAST(t AS TIMESTAMPTZ))
                        WHEN coalesce(r.source_timezone, 'Asia/Makassar') = 'Asia/Makassar' THEN {local_iso}
                        WHEN r.source_timezone IN (SELECT name FROM pg_timezone_names())
                            THEN timezone('Asia/Makassar', timezone(r.source_timezone, {local_iso}))
                   END AS submitted_at_wita,
                   r.jenis_layanan, {unsur_cols},
                   r.jenis_kelamin AS jenis_kelamin_raw, r.usia AS usia_raw, r.pendidikan AS pendidikan_raw,
                   r.pekerjaan AS pekerjaan_raw, r.saran, r.respondent_hash
            FROM t15 AS r
        ),
        {label('jenis_kelamin_labels', 'jenis_kelamin', 'jenis_kelamin')},
        {label('pendidikan_labels', 'pendidikan', 'pendidikan')},
        {label('pekerjaan_labels', 'pekerjaan', 'pekerjaan')},
        usia_values AS (
            SELECT v.raw, v.usia, coalesce(uk.usia_kelompok, ul.usia_kelompok) AS usia_kelompok
            FROM (SELECT raw, CASE WHEN regexp_full_match(n, '[0-9]{{1,3}}(\\.0+)?( ?(tahun|thn|th))?')
                                   THEN TRY_CAST(regexp_extract(n, '^[0-9]+', 0) AS INTEGER) END AS usia
                  FROM (SELECT raw, {norm.format(x='raw')} AS n
                        FROM (SELECT DISTINCT usia_raw AS raw FROM t2 WHERE usia_raw IS NOT NULL))) AS v
            LEFT JOIN usia_kelompok AS uk ON v.usia BETWEEN uk.usia_min AND uk.usia_max
            LEFT JOIN usia_kelompok_labels AS ul ON v.usia IS NULL AND {usia_norm.format(x='ul.label')} = {usia_norm.format(x='v.raw')}
        )
        SELECT p.source_code, p.opd_kode, p.file_name, p.file_sha256, p.periode_declared, p.row_number,
               p.file_ingested_at, p.source_timezone, p.submission_id, p.device_id, p.submitted_at, p.submitted_at_wita,
               CAST(year(p.submitted_at_wita) AS VARCHAR) || CASE WHEN month(p.submitted_at_wita) <= 6 THEN '-S1' ELSE '-S2' END AS periode,
               p.jenis_layanan, {', '.join(f'p.u_{u}' for u in UNSUR_KEYS)},
               p.jenis_kelamin_raw, coalesce(jk.jenis_kelamin, 'Tidak diketahui') AS jenis_kelamin,
               p.usia_raw, us.usia, coalesce(us.usia_kelompok, 'Tidak diketahui') AS usia_kelompok,
               p.pendidikan_raw, coalesce(pd.pendidikan, 'Tidak diketahui') AS pendidikan,
               p.pekerjaan_raw, coalesce(pk.pekerjaan, 'Tidak diketahui') AS pekerjaan,
               p.saran, p.respondent_hash
        FROM t2 AS p
        LEFT JOIN jenis_kelamin_values AS jk ON jk.raw = p.jenis_kelamin_raw
        LEFT JOIN usia_values AS us ON us.raw = p.usia_raw
        LEFT JOIN pendidikan_values AS pd ON pd.raw = p.pendidikan_raw
        LEFT JOIN pekerjaan_values AS pk ON pk.raw = p.pekerjaan_raw
    """)
    con.execute("ALTER TABLE stg_raw__ingest_files DROP COLUMN date_order")


def ingest(con: duckdb.DuckDBPyConnection, sources: list[Source], data_dir: Path, lake: Path,
           key: bytes) -> tuple[dict[str, float], list[dict]]:
    """sha256 and read + lake; returns seconds per step and the file log."""
    t0 = time.perf_counter()
    files = landed(sources, data_dir)
    hash_files(files)
    t1 = time.perf_counter()
    log = write_lake(con, files, lake, key)
    t2 = time.perf_counter()
    return {"sha256": round(t1 - t0, 3), "read_and_lake": round(t2 - t1, 3)}, log


if __name__ == "__main__":  # a quick look: python -m tests.benchmark.fair_ingest ESTATE OUT.duckdb
    import sys

    from pipelines.ingest.secret import pii_key
    from pipelines.registry import load_registry

    est, out = Path(sys.argv[1]), Path(sys.argv[2])
    c = duckdb.connect(str(out))
    load_seeds(c)
    secs, lg = ingest(c, load_registry(est / "sources.yml"), est, out.parent / "fair_lake", pii_key(est))
    t = time.perf_counter()
    build_staging(c, out.parent / "fair_lake", lg, load_registry(est / "sources.yml"))
    secs["staging"] = round(time.perf_counter() - t, 3)
    print(json.dumps(secs))
