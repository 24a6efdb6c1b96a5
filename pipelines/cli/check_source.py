"""`skm check-source <code> <file>`: read one export through its registry entry, as the pipeline
would, without touching the lake, the warehouse or the published file.

Everything happens in a temporary folder: the file is copied into a scratch data folder (with the
real registry), the real loader reads it (the same readers, header matching, date decision and
personal-data hashing, under a throw-away key) and the real dbt models clean it and compute the
index. So the dry run cannot disagree with a real run: no rule is written a second time for it.
What it prints: how the file was read (encoding, delimiter, sheet, header row), each canonical
field with the header it maps to and the headers left unmapped, the date order decided and why,
the first rows as canonical values, the quarantine per reason with examples, and the Nilai IKM it
would give.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.loader import FileRecord, ingest, match_headers
from pipelines.ingest.readers import READERS, FileProblem
from pipelines.periode import Periode
from pipelines.registry import CANONICAL_FIELDS, PII_FIELDS, Source, load_registry, load_trust
from pipelines.settings import DBT_PROJECT_DIR, UNSUR_KEYS

# Only what the report needs: the index, the quarantine and the reconciliation, with their parents.
DBT_SELECT = ["+ikm_opd", "+quarantine", "+reconciliation"]


@dataclass
class SourceCheck:
    source: Source
    file: Path
    periode: str
    periode_why: str
    record: FileRecord | None = None
    facts: dict[str, str] = field(default_factory=dict)
    mapped: dict[str, str] = field(default_factory=dict)  # canonical field -> header
    unmapped: list[str] = field(default_factory=list)
    first_rows: list[dict[str, object]] = field(default_factory=list)
    reconciliation: dict[str, int] = field(default_factory=dict)
    quarantine: list[tuple[str, int, list[tuple]]] = field(default_factory=list)  # reason, rows, examples
    ikm: tuple | None = None  # (nilai_ikm, mutu, kinerja, jumlah_responden)
    dbt_error: str | None = None

    @property
    def loaded(self) -> bool:
        return self.record is not None and self.record.status == "loaded"


def find_source(registry: Path, code: str) -> Source:
    sources = {s.code: s for s in load_registry(registry)}
    if code not in sources:
        close = difflib.get_close_matches(code, sources, n=1, cutoff=0.5)
        raise SystemExit(f"{registry}: no source {code!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                         + f"; the sources are: {', '.join(sources)}")
    return sources[code]


def _read_facts(source: Source, path: Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """How the reader read the file, and its header matching. A file-level problem is left for
    the loader to report (it is the same reader)."""
    con = duckdb.connect()
    try:
        raw = READERS[source.format](con, source, path, "check_raw")
    except FileProblem:
        con.close()
        return {}, {}, []
    try:
        facts = dict(raw.facts)
        if source.format == "csv":
            target = raw.temp_files[0] if raw.temp_files else path
            delim = source.options.get("delimiter")
            if not delim:
                found = con.execute("SELECT Delimiter FROM sniff_csv(?)", [str(target)]).fetchone()
                delim = found[0] if found else "?"
            facts["delimiter"] = {"\t": "tab", ",": "comma (,)", ";": "semicolon (;)"}.get(delim, repr(delim))
            facts.setdefault("header_row", "1")
        if source.format == "json" and source.options.get("record_path"):
            facts["record_path"] = str(source.options["record_path"])
        mapped = match_headers(source, raw)
        used = set(mapped.values())
        unmapped = [h for h in raw.headers if h not in used] if not raw.is_json else []
        return facts, mapped, unmapped
    finally:
        for t in raw.temp_files:
            t.unlink(missing_ok=True)
        con.close()


def _periode(file: Path, given: str | None) -> tuple[str, str]:
    if given:
        if not Periode.is_label(given):
            raise SystemExit(f"--periode {given!r}: expected YYYY-S1 or YYYY-S2")
        return given, "given with --periode"
    if Periode.is_label(file.parent.name):
        return file.parent.name, f"from the file's folder ({file.parent.name}/)"
    return "", ""


def _periode_from_dates(lake: Path, source: Source) -> str | None:
    """The semester most of the file's dates fall in (for a file not yet in a periode folder)."""
    con = duckdb.connect()
    try:
        row = con.execute(
            "SELECT year(ts) AS y, CASE WHEN month(ts) <= 6 THEN 1 ELSE 2 END AS s, count(*) "
            "FROM (SELECT TRY_CAST(left(replace(submitted_at_iso, 'T', ' '), 19) AS TIMESTAMP) AS ts "
            "FROM read_parquet(?)) WHERE ts IS NOT NULL GROUP BY y, s ORDER BY 3 DESC, 1, 2 LIMIT 1",
            [str(lake / "responses" / source.code / "*.parquet")]).fetchone()
        return Periode(row[0], row[1]).label if row else None
    finally:
        con.close()


def _dbt(data: Path, trust_vars: dict) -> str | None:
    """dbt run of the models the report reads, on the scratch warehouse; the error text or None."""
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt) if dbt.exists() else "dbt", "build", "--select", *DBT_SELECT, "--exclude-resource-type", "test",
           "--exclude-resource-type", "unit_test", "--vars", json.dumps(trust_vars),
           "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
           "--target-path", str(data / "dbt" / "target"), "--log-path", str(data / "dbt" / "logs")]
    env = {**os.environ, "SKM_DATA_DIR": str(data), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "SKM_DBT_TARGET": "duckdb"}
    done = subprocess.run(cmd, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return "\n".join(line for line in done.stdout.splitlines() if "Error" in line or "error" in line)[-2000:] \
            or done.stdout[-2000:]
    return None


def _results(check: SourceCheck, data: Path) -> None:
    con = duckdb.connect(str(data / "warehouse" / "skm.duckdb"), read_only=True)
    try:
        src, per = check.source.code, check.periode
        rec = con.execute(
            "SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined), sum(rows_duplicate) "
            "FROM marts.reconciliation WHERE source_code = ?", [src]).fetchone()
        check.reconciliation = dict(zip(("read", "used", "quarantined", "duplicate"), (int(v or 0) for v in rec)))
        for reason, n in con.execute(
                "SELECT reason_code, count(DISTINCT row_number) FROM marts.quarantine WHERE source_code = ? "
                "GROUP BY 1 ORDER BY 2 DESC, 1", [src]).fetchall():
            examples = con.execute(
                "SELECT file_name, row_number, field, raw_value FROM marts.quarantine "
                "WHERE source_code = ? AND reason_code = ? ORDER BY row_number, field LIMIT 3", [src, reason]).fetchall()
            check.quarantine.append((reason, n, examples))
        check.ikm = con.execute(
            "SELECT nilai_ikm, mutu, kinerja, jumlah_responden FROM marts.ikm_opd WHERE opd_kode = ? AND periode = ?",
            [check.source.opd_kode, per]).fetchone()
    finally:
        con.close()


def check_source(registry: Path, code: str, file: Path, periode: str | None = None) -> SourceCheck:
    """Read `file` as source `code` would be read, in a scratch folder; nothing else is touched."""
    source = find_source(registry, code)
    file = file.resolve()
    if not file.is_file():
        raise SystemExit(f"{file}: no such file")
    per, why = _periode(file, periode)
    check = SourceCheck(source, file, per, why)
    check.facts, check.mapped, check.unmapped = _read_facts(source, file)
    with tempfile.TemporaryDirectory(prefix="skm-check-source-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        shutil.copy(registry, data / "sources.yml")
        lake = data / "warehouse" / "raw"
        landing = source.landing_dir(data)
        if not per:
            # not in a periode folder and none given: read it once to see where its dates fall
            staged = landing / "2000-S1" / file.name
            staged.parent.mkdir(parents=True)
            shutil.copy(file, staged)
            ingest([source], data, lake, key=b"check-source")
            per = _periode_from_dates(lake, source) or "2000-S1"
            check.periode, check.periode_why = per, "from the file's dates (use --periode to set it)"
            shutil.rmtree(landing)
            shutil.rmtree(lake)
        target = landing / per / file.name
        target.parent.mkdir(parents=True)
        shutil.copy(file, target)
        result = ingest([source], data, lake, key=b"check-source")
        check.record = next((r for r in result.files if r.source_code == source.code), None)
        if not check.loaded:
            return check
        con = duckdb.connect()
        try:
            cols = ["row_number", "submitted_at", "submitted_at_iso", "jenis_layanan", *(f"u_{k}" for k in UNSUR_KEYS),
                    "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran", "respondent_hash"]
            rel = con.execute(f"SELECT {', '.join(cols)} FROM read_parquet(?) ORDER BY row_number LIMIT 5",
                              [str(lake / "responses" / source.code / "*.parquet")])
            check.first_rows = [dict(zip(cols, r)) for r in rel.fetchall()]
        finally:
            con.close()
        check.dbt_error = _dbt(data, load_trust(data / "sources.yml").dbt_vars())
        if check.dbt_error is None:
            _results(check, data)
    return check


def render(check: SourceCheck) -> str:
    """The report, as plain text (the CLI prints it; tests read it)."""
    s, out = check.source, []
    out.append(f"check-source {s.code} ({s.opd_kode}, format {s.format}): {check.file}")
    out.append(f"  periode {check.periode or '?'} {check.periode_why}; nothing was written to the lake or warehouse")
    if check.facts:
        out.append("  read as: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in check.facts.items()))
    rec = check.record
    if rec is None:
        out.append("  NOT READ: the loader did not list the file")
        return "\n".join(out)
    if rec.status != "loaded":
        out.append(f"  REFUSED ({rec.status}): {rec.message}")
    out.append("  columns:")
    wanted = [f for f in (*CANONICAL_FIELDS, *PII_FIELDS) if f in s.columns]
    for f in wanted:
        header = check.mapped.get(f)
        note = " (personal data: hashed, never loaded)" if f in PII_FIELDS else ""
        out.append(f"    {f:<14} <- {header!r}{note}" if header else f"    {f:<14} <- NOT FOUND (registry says {s.columns[f]!r})")
    if check.unmapped:
        out.append("  headers left unmapped (not read): " + ", ".join(repr(h) for h in check.unmapped))
    if rec.date_format:
        out.append(f"  dates: {rec.date_format}: {rec.date_evidence}")
    if not check.loaded:
        return "\n".join(out)
    out.append(f"  rows: {rec.rows_read} read, {rec.rows_blank} blank skipped")
    if check.first_rows:
        out.append("  first rows as canonical values:")
        for r in check.first_rows:
            out.append("    " + "; ".join(f"{k}={v}" for k, v in r.items() if v is not None))
    if check.dbt_error:
        out.append(f"  dbt failed on the scratch warehouse:\n{check.dbt_error}")
        return "\n".join(out)
    c = check.reconciliation
    out.append(f"  reconciliation: {c['read']} read = {c['used']} used + {c['quarantined']} quarantined + "
               f"{c['duplicate']} duplicate")
    if check.quarantine:
        out.append("  quarantine per reason:")
        for reason, n, examples in check.quarantine:
            shown = "; ".join(f"{f} row {r} {fld}={v!r}" for f, r, fld, v in examples)
            out.append(f"    {reason}: {n} row(s), e.g. {shown}")
    if check.ikm:
        nilai, mutu, kinerja, n = check.ikm
        out.append(f"  Nilai IKM {s.opd_kode} {check.periode} from this file alone: {nilai:.2f} "
                   f"(mutu {mutu}, {kinerja}), {n} responden")
    else:
        out.append(f"  no Nilai IKM: no usable row of {check.periode}")
    return "\n".join(out)
