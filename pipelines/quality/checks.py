"""Pipeline gates as Dagster asset checks, beside the dbt tests that dagster-dbt brings in.

Blocking checks sit on marts, and the publish asset depends on every mart, so a failing gate
skips publication in the same run and the published file keeps its bytes. Each check reads the
working warehouse read-only and says which source, periode and rows are at fault.
"""

import datetime as dt

import duckdb
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from pipelines.ingest.assets import RAW_INGEST_FILES
from pipelines.ingest.freshness import freshness_of
from pipelines.pii import any_shape_pattern, shape_patterns
from pipelines.registry import PII_FIELDS
from pipelines.quality.warehouse import warehouse
from pipelines.sql import ident
from pipelines.transform.generation import built_in_run
from pipelines.transform.manifest import mart_key

# Every gate reads the working warehouse (the run context says where): it runs under the run lock
# (pipelines/run_lock.py).
RUN_LOCK = {"run_lock", "skm"}

# Column names that would mean personal data got through, and value shapes of the same.
PII_COLUMN_NAMES = {*PII_FIELDS, "respondent_hash", "telepon", "phone", "nama_responden", "no_telp"}
# Our own identifiers (hashes, response ids) can look like a NIK by chance: not scanned.
IDENTIFIER_SUFFIXES = ("_id", "_sha256", "duplicate_of")
# shape -> pattern: the very patterns the masking macros use (vars.pii_patterns in
# dbt_project.yml, read by pipelines.pii), so a text that masking missed blocks.
PII_VALUE_PATTERNS = shape_patterns()


def gate(mart: str, *, blocking: bool):
    """A pipeline gate on a mart: an asset check under the run lock; its docstring is its
    description (shown in Dagster, the README's gate table and docs/gates.md)."""
    return asset_check(required_resource_keys=RUN_LOCK, asset=mart_key(mart), blocking=blocking)


def _table(rows: list[tuple], header: list[str], limit: int = 10) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in r) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"| ... {len(rows) - limit} more | " + " | " * (len(header) - 1))
    return "\n".join(lines)


def _waivers_text(applied: list[tuple[str, str, str]]) -> str:
    """The waivers a gate applied, as one line for quality_gates.waivers ('' when none)."""
    return "; ".join(f"{source} {periode}: {reason}" for source, periode, reason in applied)


@gate("reconciliation", blocking=True)
def quarantine_rate_under_threshold(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Quarantined share of each source and periode stays under its max_quarantine_rate (the
    source's own quality: block, else the registry's): a burst of unknown labels is how a
    mis-mapped source shows up. A waiver (quality.waivers, gate quarantine_rate_under_threshold)
    lifts it for one source and periode."""
    skm = context.resources.skm
    name = "quarantine_rate_under_threshold"
    q = skm.registry.quality
    with warehouse(skm.paths) as con:
        rates = con.execute(
            """
            SELECT source_code, periode_declared, sum(rows_read) AS rows_read, sum(rows_quarantined) AS quarantined,
                   round(sum(rows_quarantined) / sum(rows_read), 4) AS rate
            FROM marts.reconciliation WHERE file_status = 'loaded'
            GROUP BY ALL HAVING sum(rows_read) > 0 ORDER BY rate DESC, source_code, periode_declared
            """
        ).fetchall()
        judged = [r for r in rates if r[2] >= q.threshold("min_rows_for_rate", r[0])
                  and r[4] > q.threshold("max_quarantine_rate", r[0])]
        applied = [(r[0], r[1], why) for r in judged if (why := q.waiver(r[0], r[1], name))]
        over = [r for r in judged if not q.waiver(r[0], r[1], name)]
        samples = []
        for source, periode, *_ in over[:3]:
            samples += con.execute(
                "SELECT source_code, periode_declared, file_name, row_number, field, raw_value, reason_code "
                "FROM marts.quarantine WHERE source_code = ? AND periode_declared = ? ORDER BY file_name, row_number "
                "LIMIT 5",
                [source, periode],
            ).fetchall()
    desc = (
        "; ".join(f"{s} {p}: {qn} of {n} rows quarantined ({rate:.0%} > {q.threshold('max_quarantine_rate', s):.0%})"
                  for s, p, n, qn, rate in over)
        if over else f"every source and periode under {q.max_quarantine_rate:.0%}"
        + (" (or the threshold the source sets itself)" if q.per_source else "")
    )
    return AssetCheckResult(
        passed=not over,
        description=desc,
        metadata={
            "threshold": q.max_quarantine_rate,
            "source_thresholds": MetadataValue.md(_table(
                [(s, v.get("max_quarantine_rate", ""), v.get("min_rows_for_rate", "")) for s, v in q.per_source.items()],
                ["source", "max_quarantine_rate", "min_rows_for_rate"]) if q.per_source else "none"),
            "rates": MetadataValue.md(_table(rates, ["source", "periode", "rows", "quarantined", "rate"], 50)),
            "sample_offending_rows": MetadataValue.md(
                _table(samples, ["source", "periode", "file", "row", "field", "raw value", "reason"], 15)
                if samples else "none"
            ),
            "waivers_applied": _waivers_text(applied),
        },
    )


def expected_periodes(sources: list, published: list[str], delivered: dict[str, list[str]]) -> dict[str, list[str]]:
    """source -> the published periodes it owes data for: from its declared first_periode, else
    from the first periode it delivered a file in (a source onboarded in 2025-S2 owes nothing for
    2025-S1); a source that never delivered anything owes every periode. Pure, tested."""
    out: dict[str, list[str]] = {}
    for s in sources:
        first = s.first_periode or min(delivered.get(s.code, []), default=None)
        out[s.code] = [p for p in published if first is None or p >= first]
    return out


@gate("ikm_opd", blocking=True)
def every_source_delivered(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Every registry source delivered used rows for every periode being published from its
    first periode on (its first_periode, else its first delivered file), unless waived in
    quality.waivers (gate every_source_delivered). A delivered but unreadable file is named with
    its problem."""
    skm = context.resources.skm
    name = "every_source_delivered"
    sources = skm.registry.sources
    q = skm.registry.quality
    with warehouse(skm.paths) as con:
        published = [r[0] for r in con.execute("SELECT DISTINCT periode FROM marts.ikm_opd ORDER BY 1").fetchall()]
        files = con.execute(
            "SELECT source_code, periode_declared, status, message, rows_read FROM marts.ingest_files "
            "WHERE periode_declared IS NOT NULL AND status IN ('loaded', 'error', 'duplicate_file') "
            "ORDER BY source_code, periode_declared, file_name"
        ).fetchall()
        used = dict(((r[0], r[1]), r[2]) for r in con.execute(
            "SELECT source_code, periode_declared, sum(rows_read) FROM marts.reconciliation "
            "WHERE rows_used > 0 GROUP BY ALL").fetchall())
    delivered: dict[str, list[str]] = {}
    for code, periode, *_ in files:
        delivered.setdefault(code, []).append(periode)
    expected = expected_periodes(sources, published, delivered)
    missing, applied = [], []
    for s in sources:
        for per in expected[s.code]:
            if (s.code, per) in used:
                continue
            if why := q.waiver(s.code, per, name):
                applied.append((s.code, per, why))
                continue
            mine = [f for f in files if f[0] == s.code and f[1] == per]
            errors = [f[3] for f in mine if f[2] == "error"]
            if errors:
                what = f"file delivered but unreadable: {errors[0]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
            elif mine:
                what = f"{sum(f[4] or 0 for f in mine if f[2] == 'loaded')} rows delivered, none usable (see quarantine)"
            elif not delivered.get(s.code):
                what = "no file from this source yet (deliver one, or set its first_periode)"
            else:
                what = "no file"
            missing.append((s.code, per, what))
    later = [(s.code, s.first_periode or min(delivered.get(s.code, []), default="")) for s in sources
             if expected[s.code] != published]
    return AssetCheckResult(
        passed=not missing,
        description=("; ".join(f"{code} {per}: {what}" for code, per, what in missing)
                     + " (deliver or fix the file, or add a waiver under quality.waivers)") if missing
        else f"{len(sources)} sources delivered for {', '.join(published) or 'no periode'}"
             + (f" ({', '.join(f'{c} from {f}' for c, f in later)})" if later else ""),
        metadata={"missing": MetadataValue.md(_table(missing, ["source", "periode", "what"]) if missing else "none"),
                  "expected_from": MetadataValue.md(_table(later, ["source", "first periode"]) if later else "all"),
                  "waivers_applied": _waivers_text(applied)},
    )


@gate("ikm_kota", blocking=True)
def no_personal_data_in_marts(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """No personal data in any mart: no column named like nama/no_hp/email/nik, and no e-mail,
    phone, NIK or stated name in a text column (the patterns of vars.pii_patterns) (of a
    semester run: in the rows of the semesters dbt rebuilt in the run)."""
    skm = context.resources.skm
    periodes = built_in_run(skm.paths, context.run.run_id)
    with warehouse(skm.paths) as con:
        findings, columns = personal_data_in_marts(con, periodes)
    scope = "every semester" if periodes is None else "semesters " + ", ".join(periodes)
    return AssetCheckResult(
        passed=not findings,
        description=("personal data in " + ", ".join(f"{t}.{c} ({why})" for t, c, why in findings))
        if findings else f"{columns} mart columns scanned, none holds personal data",
        metadata={"findings": MetadataValue.md(_table(findings, ["table", "column", "what"]) if findings else "none"),
                  # in the metadata, not the description: the description is published with the
                  # data (quality_gates), which must not change when a run changes nothing
                  "scope": scope},
    )


def personal_data_in_marts(con: duckdb.DuckDBPyConnection,
                           periodes: list[str] | None = None) -> tuple[list[tuple[str, str, str]], int]:
    """(table, column, what) for every finding, and how many mart columns there are. With
    `periodes`, a mart with a `periode` column is scanned in those semesters' rows only (saran
    holds millions of free-text rows; a semester run rewrote only its own)."""
    findings: list[tuple[str, str, str]] = []
    cols = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position"
    ).fetchall()
    scanned: dict[str, list[str]] = {}
    with_periode = {table for table, column, _ in cols if column == "periode"}
    for table, column, dtype in cols:
        if column.lower() in PII_COLUMN_NAMES:
            findings.append((table, column, "column name"))
        if dtype == "VARCHAR" and not column.lower().endswith(IDENTIFIER_SUFFIXES):
            scanned.setdefault(table, []).append(column)
    # One scan per table; per column one regular expression with every shape as an alternative
    # (one pass over saran's millions of rows, not one per shape). Only a column that matches is
    # scanned again to name the shape.
    labels = list(PII_VALUE_PATTERNS)
    any_shape = any_shape_pattern()
    for table, columns in scanned.items():
        where, params = "", []
        if periodes is not None and table in with_periode:
            where, params = f" WHERE periode IN ({', '.join('?' for _ in periodes)})", list(periodes)
        hits = con.execute(
            f'SELECT {", ".join(f"bool_or(regexp_matches({ident(c)}, ?))" for c in columns)} '
            f'FROM marts.{ident(table)}{where}',
            [any_shape] * len(columns) + params,
        ).fetchall()[0]
        for column in (c for c, hit in zip(columns, hits) if hit):
            shapes = con.execute(
                f'SELECT {", ".join("bool_or(regexp_matches(" + ident(column) + ", ?))" for _ in labels)} '
                f'FROM marts.{ident(table)}{where}',
                [PII_VALUE_PATTERNS[label] for label in labels] + params,
            ).fetchall()[0]
            findings += [(table, column, f"{label}-shaped value") for label, hit in zip(labels, shapes) if hit]
    return findings, len(cols)


@gate("ikm_opd", blocking=False)
def index_change_within_bounds(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Warning: an OPD whose Nilai IKM moved more than quality.max_index_change points since the
    previous semester. Shown, carried into the marts; does not block."""
    skm = context.resources.skm
    q = skm.registry.quality
    # an OPD's limit: its sources' own max_index_change (the most lenient of them), else the registry's
    limits: dict[str, float] = {}
    for s in skm.registry.sources:
        limits[s.opd_kode] = max(limits.get(s.opd_kode, 0.0), q.threshold("max_index_change", s.code))
    with warehouse(skm.paths) as con:
        moved = con.execute(
            """
            WITH o AS (
                SELECT periode, opd_kode, nilai_ikm,
                       lag(nilai_ikm) OVER (PARTITION BY opd_kode ORDER BY periode) AS sebelumnya,
                       lag(periode) OVER (PARTITION BY opd_kode ORDER BY periode) AS periode_sebelumnya
                FROM marts.ikm_opd
            )
            SELECT opd_kode, periode_sebelumnya, sebelumnya, periode, nilai_ikm, nilai_ikm - sebelumnya AS selisih
            FROM o WHERE sebelumnya IS NOT NULL ORDER BY abs(selisih) DESC, opd_kode, periode
            """
        ).fetchall()
    moved = [m for m in moved if abs(m[5]) > limits.get(m[0], q.max_index_change)]
    return AssetCheckResult(
        passed=not moved,
        severity=AssetCheckSeverity.WARN,
        description=("; ".join(f"{o}: {a} -> {b} ({d:+.2f} from {pa} to {pb})" for o, pa, a, pb, b, d in moved))
        if moved else f"no OPD moved more than {q.max_index_change} points",
        metadata={"moved": MetadataValue.md(_table(moved, ["OPD", "from", "nilai", "to", "nilai", "change"]))
                  if moved else "none"},
    )


@gate("kecukupan_sampel", blocking=False)
def sample_below_krejcie_morgan(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Warning: a unit (OPD or jenis layanan) and periode whose respondents are fewer than the
    Krejcie & Morgan minimum for its population; also counts the units of unknown population and
    the published indices whose 95 % interval crosses a mutu boundary. Does not block."""
    skm = context.resources.skm
    with warehouse(skm.paths) as con:
        short = con.execute(
            "SELECT periode, level, opd_kode, jenis_layanan, populasi, sampel_minimum, jumlah_responden "
            "FROM marts.kecukupan_sampel WHERE status = 'kurang' ORDER BY periode, opd_kode, level, jenis_layanan"
        ).fetchall()
        status = dict(con.execute("SELECT status, count(*) FROM marts.kecukupan_sampel GROUP BY status").fetchall())
        uncertain = con.execute(
            "SELECT periode, level, opd_kode, jenis_layanan, nilai_ikm, ci_bawah, ci_atas, mutu_ci_bawah, mutu_ci_atas "
            "FROM marts.ketidakpastian_ikm WHERE mutu_pasti = false AND level IN ('kota', 'opd') "
            "ORDER BY periode, level, opd_kode"
        ).fetchall()
        real = con.execute(
            "SELECT periode, level, opd_kode, nilai_ikm_sebelumnya, nilai_ikm, selisih, galat_baku_selisih "
            "FROM marts.ikm_perubahan WHERE perubahan_nyata ORDER BY periode, level, opd_kode"
        ).fetchall()
    return AssetCheckResult(
        passed=not short,
        severity=AssetCheckSeverity.WARN,
        description=(f"{len(short)} unit(s) below the Krejcie & Morgan minimum, first: "
                     f"{short[0][2]} {short[0][3] or ''} {short[0][0]} ({short[0][6]} < {short[0][5]})"
                     if short else "every unit with a known population reaches the Krejcie & Morgan minimum")
        + f"; {status.get('populasi tidak diketahui', 0)} unit(s) of unknown population",
        metadata={
            "units_memadai": status.get("memadai", 0),
            "units_kurang": status.get("kurang", 0),
            "units_populasi_tidak_diketahui": status.get("populasi tidak diketahui", 0),
            "below_minimum": MetadataValue.md(_table(short, ["periode", "level", "OPD", "layanan", "N", "minimum",
                                                             "responden"], 30) if short else "none"),
            "grade_not_certain": MetadataValue.md(_table(uncertain, ["periode", "level", "OPD", "layanan", "nilai",
                                                                     "CI low", "CI high", "mutu low", "mutu high"], 30)
                                                  if uncertain else "none"),
            "real_changes": MetadataValue.md(_table(real, ["periode", "level", "OPD", "before", "now", "change",
                                                           "SE"], 30) if real else "none"),
        },
    )


@gate("ikm_sensitivitas", blocking=False)
def marked_submissions_effect(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Warning: suspicious submissions (respons_ditandai) move an OPD's or the city's Nilai IKM
    by more than kepercayaan.max_marked_effect points, or change its mutu. The policy
    (kepercayaan.kebijakan_ditandai) decides what is published; both values are in
    ikm_sensitivitas. Does not block."""
    skm = context.resources.skm
    limit = skm.registry.trust.max_marked_effect
    with warehouse(skm.paths) as con:
        rules = con.execute("SELECT kode_aturan, count(*) FROM marts.respons_ditandai GROUP BY 1 ORDER BY 1").fetchall()
        rows = con.execute(
            "SELECT periode, level, opd_kode, jumlah_responden, jumlah_ditandai, nilai_ikm_semua, "
            "nilai_ikm_tanpa_ditandai, selisih, kebijakan, mutu_semua, mutu_tanpa_ditandai, mutu_berubah "
            "FROM marts.ikm_sensitivitas WHERE jumlah_ditandai > 0 AND level IN ('kota', 'opd') "
            "ORDER BY abs(selisih) DESC, periode, level, opd_kode"
        ).fetchall()
    over = [r for r in rows if r[11] or (r[7] is not None and abs(float(r[7])) > limit)]
    return AssetCheckResult(
        passed=not over,
        severity=AssetCheckSeverity.WARN,
        description=("; ".join(f"{r[2] or 'kota'} {r[0]}: {r[5]} ({r[9]}) with, {r[6]} ({r[10]}) without "
                               f"{r[4]} marked (policy {r[8]})" for r in over[:5]))
        if over else f"marked responses move no index more than {limit} points",
        metadata={
            "marked_by_rule": MetadataValue.md(_table(rules, ["rule", "rows"]) if rules else "none"),
            "marked_total": sum(n for _, n in rules),
            "both_ways": MetadataValue.md(_table(rows, ["periode", "level", "OPD", "responden", "ditandai", "semua",
                                                        "tanpa ditandai", "selisih", "kebijakan", "mutu semua",
                                                        "mutu tanpa", "mutu berubah"], 30)
                                          if rows else "none"),
        },
    )


@asset_check(required_resource_keys=RUN_LOCK, asset=RAW_INGEST_FILES, blocking=False)
def sources_delivered_on_time(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Warning: a source with no file for a closed semester freshness.days_after_close days after
    it closed (its own freshness: block, else the registry's; default 14), naming the source,
    semester and days overdue; a waiver of every_source_delivered excuses it. Does not block."""
    skm = context.resources.skm
    rows = freshness_of(skm, dt.datetime.now(dt.UTC))
    late = [f for f in rows if f.overdue]
    return AssetCheckResult(
        passed=not late,
        severity=AssetCheckSeverity.WARN,
        description=("; ".join(f"{f.source_code} {f.periode}: {f.days_overdue} day(s) overdue (due {f.due_date})"
                               for f in late))
        if late else f"every source delivered every closed semester (within {skm.registry.freshness.days_after_close}"
                     " days of the close, or its own limit)",
        metadata={
            "overdue": MetadataValue.md(_table([(f.source_code, f.opd_kode, f.periode, f.due_date, f.days_overdue)
                                                for f in late], ["source", "OPD", "periode", "due", "days overdue"],
                                               50) if late else "none"),
            "last_delivery": MetadataValue.md(_table(
                [(f.source_code, f.periode, f.status, f.last_file or "", f.last_delivered_at_utc or "") for f in rows],
                ["source", "periode", "status", "last file", "delivered at (UTC)"], 100) if rows else "none"),
        },
    )


PIPELINE_CHECKS = [
    quarantine_rate_under_threshold,
    every_source_delivered,
    no_personal_data_in_marts,
    index_change_within_bounds,
    sample_below_krejcie_morgan,
    marked_submissions_effect,
    sources_delivered_on_time,
]

