"""Great Expectations on profiles, never on raw rows: rules in JSON files, data from one SQL query.

Design (for the README):

- GX never sees a response. Row-level rules (labels, scores, duplicates) live in dbt SQL, which
  runs inside DuckDB at any volume. GX validates small DataFrames that DuckDB computes with one
  query each, so a validation costs the same for 5 000 or 50 million responses.
- A profile is named SQL in this module (``PROFILES``): one row per loaded file, per source x
  periode x unsur, or per row of a mart (marts are already small). Python holds the SQL.
- A suite is a plain GX 1.x ExpectationSuite JSON file in ``expectations/``; its top-level
  ``meta`` says which profile it validates (``dataset``) and which Dagster asset the blocking
  check attaches to (``asset``, a key as Dagster prints it: ``marts/ikm_opd``). The suite holds the
  rules, so the data team edits thresholds without touching Python; a suite is re-read every run.
- Validation uses one ephemeral GX context per process (no GX project folder, no stores on
  disk), the pandas datasource (GX's SQL datasource fails on DuckDB 2.0), progress bars and
  analytics off. GX is imported on first use, so loading the Dagster code location stays fast.
- Every validation is stored as JSON and the whole set is rendered to one self-contained HTML page,
  ``<data_dir>/warehouse/reports/validation.html``, the equivalent of GX Data Docs (which need a
  file context).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import html
import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
from dagster import ConfigurableResource

from pipelines.settings import EXPECTATIONS_DIR, Paths

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.datasource.fluent import PandasDatasource


@dataclass(frozen=True)
class Profile:
    """A dataset GX can afford: ``sql`` returns a few rows whatever the number of responses.
    ``keys`` are the columns that say which row is at fault (shown with every failure)."""

    sql: str
    keys: tuple[str, ...]
    about: str


PROFILES: dict[str, Profile] = {
    "reconciliation_files": Profile(
        about="One row per landed file version (any status) from marts.reconciliation, with its shares.",
        keys=("source_code", "periode_declared", "file_name"),
        sql="""
            SELECT source_code, periode_declared, file_name, file_sha256, file_status,
                   CAST(rows_read AS BIGINT) AS rows_read,
                   CAST(rows_used AS BIGINT) AS rows_used,
                   CAST(rows_quarantined AS BIGINT) AS rows_quarantined,
                   CAST(rows_duplicate AS BIGINT) AS rows_duplicate,
                   CASE WHEN rows_read > 0 THEN CAST(rows_used AS DOUBLE) / rows_read END AS used_share,
                   CASE WHEN rows_read > 0 THEN CAST(rows_quarantined AS DOUBLE) / rows_read END AS quarantine_share,
                   CASE WHEN rows_read > 0 THEN CAST(rows_duplicate AS DOUBLE) / rows_read END AS duplicate_share
            FROM marts.reconciliation
            ORDER BY source_code, periode_declared, file_name, file_sha256
        """,
    ),
    "answers_by_source_periode_unsur": Profile(
        about="One row per source x declared periode x unsur over every staged answer (used, "
              "quarantined or duplicate): how many answers were scored, missing, invalid, and their spread.",
        keys=("source_code", "periode_declared", "unsur"),
        # From the answer counts (a few rows per source, semester, unsur and distinct answer)
        # joined to their classification: the same figures as grouping the 90 M answer rows of
        # int_answers at 10 M responses, without reading them. A blank cell (NULL raw_value) or
        # an answer without a classification is missing, as in int_answers.
        sql="""
            WITH c AS (
                SELECT c.source_code, c.periode_declared, c.unsur, c.jumlah, v.score,
                       coalesce(v.answer_status, 'missing') AS answer_status
                FROM intermediate.int_answer_counts AS c
                LEFT JOIN intermediate.int_answer_values AS v
                    ON v.periode_declared = c.periode_declared AND v.unsur = c.unsur AND v.raw_value = c.raw_value
            ), totals AS (
                SELECT source_code, periode_declared, unsur,
                       CAST(sum(jumlah) AS BIGINT) AS answers,
                       CAST(coalesce(sum(jumlah) FILTER (WHERE answer_status = 'valid'), 0) AS BIGINT) AS answered,
                       CAST(coalesce(sum(jumlah) FILTER (WHERE answer_status = 'missing'), 0) AS BIGINT) AS missing,
                       CAST(coalesce(sum(jumlah) FILTER (WHERE answer_status = 'invalid'), 0) AS BIGINT) AS invalid,
                       CAST(sum(score * jumlah) / sum(jumlah) FILTER (WHERE score IS NOT NULL) AS DOUBLE) AS mean_score,
                       min(score) AS min_score,
                       max(score) AS max_score,
                       CAST(count(DISTINCT score) AS BIGINT) AS distinct_scores
                FROM c
                GROUP BY source_code, periode_declared, unsur
            )
            SELECT source_code, periode_declared, unsur, answers, answered, missing, invalid,
                   answered / answers AS valid_share,
                   missing / answers AS missing_share,
                   invalid / answers AS invalid_share,
                   mean_score, min_score, max_score, distinct_scores
            FROM totals
            ORDER BY 1, 2, 3
        """,
    ),
    "ikm_opd": Profile(
        about="marts.ikm_opd as published (one row per periode x OPD), plus the gap between ikm x 25 "
              "and nilai_ikm.",
        keys=("periode", "opd_kode"),
        sql="""
            SELECT periode, opd_kode, opd_nama,
                   CAST(jumlah_responden AS BIGINT) AS jumlah_responden,
                   CAST(ikm AS DOUBLE) AS ikm,
                   CAST(nilai_ikm AS DOUBLE) AS nilai_ikm,
                   mutu, kinerja,
                   CAST(abs(ikm * 25 - nilai_ikm) AS DOUBLE) AS selisih_konversi
            FROM marts.ikm_opd
            ORDER BY periode, opd_kode
        """,
    ),
    "ikm_unsur": Profile(
        about="marts.ikm_unsur (one row per periode x OPD x unsur), plus how many unsur its OPD has "
              "and the gap between nrr x 25 and nilai_unsur.",
        keys=("periode", "opd_kode", "unsur"),
        sql="""
            SELECT periode, opd_kode, opd_nama, unsur, unsur_nama,
                   CAST(jumlah_jawaban AS BIGINT) AS jumlah_jawaban,
                   CAST(nrr AS DOUBLE) AS nrr,
                   CAST(nrr_tertimbang AS DOUBLE) AS nrr_tertimbang,
                   CAST(nilai_unsur AS DOUBLE) AS nilai_unsur,
                   mutu,
                   CAST(count(*) OVER (PARTITION BY periode, opd_kode) AS BIGINT) AS unsur_per_opd,
                   CAST(abs(nrr * 25 - nilai_unsur) AS DOUBLE) AS selisih_konversi
            FROM marts.ikm_unsur
            ORDER BY periode, opd_kode, unsur
        """,
    ),
    "ikm_kota": Profile(
        about="marts.ikm_kota (one row per periode): the city headline.",
        keys=("periode",),
        sql="""
            SELECT periode,
                   CAST(jumlah_opd AS BIGINT) AS jumlah_opd,
                   CAST(jumlah_responden AS BIGINT) AS jumlah_responden,
                   CAST(ikm AS DOUBLE) AS ikm,
                   CAST(nilai_ikm AS DOUBLE) AS nilai_ikm,
                   mutu, kinerja,
                   CAST(nilai_ikm_rata_opd AS DOUBLE) AS nilai_ikm_rata_opd
            FROM marts.ikm_kota
            ORDER BY periode
        """,
    ),
}

_CHECK_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_SHOW_ROWS = 20  # offending rows kept per expectation: enough to act on, small enough to store


# ---------------------------------------------------------------- suite files


@dataclass(frozen=True)
class SuiteFile:
    """A suite as the data team wrote it. ``name`` is the file stem so a check, a report section
    and a file are one name; ``dataset`` and ``asset`` come from the suite's top-level meta."""

    path: Path
    name: str
    dataset: str
    asset: str
    description: str
    body: dict[str, Any]


def suite_paths(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def load_suite(path: Path) -> SuiteFile:
    """Read and sanity-check one suite file; errors name the file, since a person edits it."""
    body = json.loads(path.read_text(encoding="utf-8"))
    meta = body.get("meta") or {}
    name = body.get("name")
    problems = []
    if name != path.stem:
        problems.append(f'"name" is {name!r}, expected the file name {path.stem!r}')
    if not _CHECK_NAME.match(path.stem):
        problems.append("the file name may hold only letters, digits and _")
    if meta.get("dataset") not in PROFILES:
        problems.append(f'meta.dataset {meta.get("dataset")!r} is not one of {sorted(PROFILES)}')
    if not meta.get("asset"):
        problems.append('meta.asset (the Dagster asset key the check attaches to, e.g. "marts/ikm_opd") is missing')
    if not isinstance(body.get("expectations"), list) or not body["expectations"]:
        problems.append('"expectations" must be a non-empty list')
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return SuiteFile(path, name, meta["dataset"], meta["asset"], meta.get("description", ""), body)


def to_gx_suite(suite: SuiteFile) -> ExpectationSuite:
    """The file as a GX ExpectationSuite (GX checks every expectation's type and kwargs here).
    Each expectation carries its position in meta so results come back in file order."""
    import great_expectations as gx

    expectations = [{**e, "meta": {**(e.get("meta") or {}), "_position": i}}
                    for i, e in enumerate(suite.body["expectations"])]
    return gx.ExpectationSuite(name=suite.name, expectations=expectations, meta=suite.body.get("meta") or {})


# ---------------------------------------------------------------- GX, once per process


_DATASOURCE_LOCK = threading.Lock()


def _datasource() -> PandasDatasource:
    with _DATASOURCE_LOCK:  # the warm-up thread may be creating it right now
        return _create_datasource()


@cache
def _create_datasource() -> PandasDatasource:
    """One ephemeral context for the process: creating one is the slow part of GX, and nothing in
    it needs to outlive the process (results are stored by ``record_result``)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,  # offline machines; and nothing about the data leaves
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    return context.data_sources.add_pandas("skm_profiles")


def warm_up() -> threading.Thread:
    """Create the context on a daemon thread. ``import great_expectations`` alone takes 3-4 s; a
    run that starts this when it starts pays it while ingest and dbt run (the Dagster process
    mostly waits on dbt's subprocess then), not in front of the first suite."""
    thread = threading.Thread(target=_datasource, name="gx-warm-up", daemon=True)
    thread.start()
    return thread


class GreatExpectationsResource(ConfigurableResource):
    """The suites' GX context as a Dagster resource (one per process, see ``_datasource``)."""

    def warm_up(self) -> None:
        """Start creating the context now, in the background (``warm_up``): the dbt asset calls
        this as it starts dbt, whose own start-up keeps the Dagster process idle for seconds."""
        warm_up()

    def validate(self, suite: SuiteFile, con: duckdb.DuckDBPyConnection) -> SuiteResult:
        return validate_suite(suite, con)


_batch_definitions: dict[str, BatchDefinition] = {}


def _batch_definition(dataset: str) -> BatchDefinition:
    if dataset not in _batch_definitions:
        asset = _datasource().add_dataframe_asset(dataset)
        _batch_definitions[dataset] = asset.add_batch_definition_whole_dataframe("whole")
    return _batch_definitions[dataset]


# ---------------------------------------------------------------- results


@dataclass
class ExpectationOutcome:
    """One expectation's verdict in plain values (JSON-ready, no GX objects)."""

    type: str
    column: str | None
    rule: str
    success: bool
    observed: str
    unexpected_count: int | None = None
    element_count: int | None = None
    unexpected_values: list[Any] = field(default_factory=list)
    offending_rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    why: str | None = None


@dataclass
class SuiteResult:
    suite: str
    dataset: str
    asset: str
    success: bool
    rows: int
    validated_at: str
    expectations: list[ExpectationOutcome]
    error: str | None = None  # the profile could not be computed (missing table, bad SQL)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    def to_json(self) -> str:
        return json.dumps(_plain(asdict(self)), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SuiteResult:
        data = json.loads(text)
        data["expectations"] = [ExpectationOutcome(**e) for e in data["expectations"]]
        return cls(**data)


def _plain(value: Any) -> Any:
    """numpy scalars, tuples, Decimals and NaN out of GX results, so they store as JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(Exception):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def fmt_value(value: Any) -> str:
    """For people: 0.2796 rather than 0.2795969773299748; four decimals keep 88.305 visible."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 4))
    return str(value)


def _condition_text(cond: Any) -> str:
    if not isinstance(cond, dict):
        return str(cond)
    if cond.get("type") in ("and", "or"):
        return f" {cond['type']} ".join(_condition_text(c) for c in cond.get("conditions", []))
    column = cond.get("column", {})
    column = column.get("name") if isinstance(column, dict) else column
    return f"{column} {cond.get('operator')} {cond.get('parameter')!r}"


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def _rule_text(kwargs: dict[str, Any]) -> str:
    parts = []
    for key, value in kwargs.items():
        if key in ("column", "column_A", "column_B", "column_list", "result_format"):
            continue
        if key == "row_condition":
            parts.append(f"where {_condition_text(value)}")
        elif key == "value_pairs_set":
            parts.append("pairs " + ", ".join(f"{a}/{b}" for a, b in value))
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts)


def _keys_first(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """GX puts the checked value first; people look for the source, periode or OPD first."""
    return {**{k: row[k] for k in keys if k in row}, **{k: v for k, v in row.items() if k not in keys}}


def _outcome(spec: dict[str, Any], gx_result: Any, keys: Sequence[str]) -> ExpectationOutcome:
    kwargs = spec.get("kwargs") or {}
    res = _plain(gx_result.result or {}) if gx_result is not None else {}
    info = (gx_result.exception_info or {}) if gx_result is not None else {}
    # exception_info is {"raised_exception": ...} or {metric id: {...}} when a metric failed
    infos = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    errors = sorted({i.get("exception_message") or "" for i in infos if i.get("raised_exception")})
    error = "; ".join(e for e in errors if e) or (None if gx_result is not None else "no result from GX")
    if error:
        observed = f"error: {error}"
    elif "observed_value" in res:
        observed = str(res["observed_value"])
    elif res.get("unexpected_count") is not None:
        n, total = res["unexpected_count"], res.get("element_count")
        observed = (f"{n} of {total} rows unexpected" if n
                    else f"all {total} rows as expected" if total else "no rows to check")
    else:
        observed = ""
    return ExpectationOutcome(
        type=spec["type"],
        column=_column_of(kwargs),
        rule=_rule_text(kwargs),
        success=bool(gx_result is not None and gx_result.success and not error),
        observed=observed,
        unexpected_count=res.get("unexpected_count"),
        element_count=res.get("element_count"),
        unexpected_values=(res.get("partial_unexpected_list") or [])[:_SHOW_ROWS],
        offending_rows=[_keys_first(r, keys) for r in (res.get("unexpected_index_list") or [])[:_SHOW_ROWS]],
        error=error,
        why=(spec.get("meta") or {}).get("why"),
    )


# ---------------------------------------------------------------- validation


def build_profile(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    return con.execute(PROFILES[dataset].sql).df()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _failed(suite: SuiteFile, error: str, rows: int = 0) -> SuiteResult:
    return SuiteResult(suite.name, suite.dataset, suite.asset, False, rows, _now(), [], error=error)


def validate_frame(suite: SuiteFile, df: pd.DataFrame) -> SuiteResult:
    """Validate a profile already in memory (what tests and ``validate_suite`` share)."""
    try:
        gx_suite = to_gx_suite(suite)
    except Exception as exc:  # noqa: BLE001 - GX raises pydantic and its own errors for a bad kwarg
        return _failed(suite, f"{suite.path.name} is not a valid GX suite: {exc}", len(df))
    keys = [k for k in PROFILES[suite.dataset].keys if k in df.columns]
    batch = _batch_definition(suite.dataset).get_batch(batch_parameters={"dataframe": df})
    # COMPLETE + index columns: GX reports each offending row by its keys, not by a pandas index
    validation = batch.validate(
        gx_suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": keys}
    )
    by_position = {r.expectation_config.meta.get("_position"): r for r in validation.results}
    outcomes = [_outcome(spec, by_position.get(i), keys) for i, spec in enumerate(suite.body["expectations"])]
    return SuiteResult(
        suite=suite.name,
        dataset=suite.dataset,
        asset=suite.asset,
        success=all(o.success for o in outcomes),
        rows=len(df),
        validated_at=_now(),
        expectations=outcomes,
    )


def validate_suite(suite: SuiteFile, con: duckdb.DuckDBPyConnection) -> SuiteResult:
    """Profile with one DuckDB query, then GX on the small result. A profile that cannot be
    computed is a failed suite (with the reason), not a crash: the check and report still say why."""
    try:
        df = build_profile(con, suite.dataset)
    except duckdb.Error as exc:
        return _failed(suite, f"profile {suite.dataset!r} failed: {exc}")
    return validate_frame(suite, df)


# ---------------------------------------------------------------- report


def reports_dir(p: Paths) -> Path:
    return p.data_dir / "warehouse" / "reports"


def report_path(p: Paths) -> Path:
    return reports_dir(p) / "validation.html"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the report is for people to open
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Checks may run in parallel processes; each stores its result and re-renders the page."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def record_result(result: SuiteResult, directory: Path, suites: Sequence[str] | None = None) -> Path:
    """Store one suite's result and re-render the page from the latest result of every suite
    (``suites``: the ones that still exist), so the page covers the whole run however the checks
    were scheduled."""
    store = directory / "gx"
    with _locked(directory / ".validation.lock"):
        _atomic_write(store / f"{result.suite}.json", result.to_json())
        results = []
        for f in sorted(store.glob("*.json")):
            if suites is None or f.stem in suites:
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    results.append(SuiteResult.from_json(f.read_text(encoding="utf-8")))
        path = directory / "validation.html"
        render_report(results, path)
    return path


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2933;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .25rem}
.sub{color:#616e7c;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d9e2ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.pass{color:#0b6b3a;font-weight:600}.fail{color:#b42318;font-weight:600}
tr.failed td{background:#fff5f5}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:12px;font-weight:600}
.badge.pass{background:#e3f9e5}.badge.fail{background:#ffe3e3}
.rows td,.rows th{font-size:12px;padding:.15rem .35rem}
.why{color:#616e7c;font-size:12px}
"""


def _badge(ok: bool) -> str:
    return f'<span class="badge {"pass" if ok else "fail"}">{"passed" if ok else "FAILED"}</span>'


def _rows_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    header = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt_value(r.get(h)))}</td>" for h in header) + "</tr>" for r in rows
    )
    return f'<table class="rows"><tr>{head}</tr>{body}</table>'


def _suite_section(r: SuiteResult) -> str:
    passed = sum(e.success for e in r.expectations)
    out = [
        f'<h2 id="{html.escape(r.suite)}">{html.escape(r.suite)} {_badge(r.success)}</h2>',
        f'<p class="sub">profile <code>{html.escape(r.dataset)}</code> ({r.rows} rows) &middot; '
        f'asset <code>{html.escape(r.asset)}</code> &middot; {passed} of {len(r.expectations)} '
        f"expectations passed &middot; validated {html.escape(r.validated_at)}</p>",
    ]
    if r.error:
        out.append(f'<p class="fail">{html.escape(r.error)}</p>')
    if r.expectations:
        out.append("<table><tr><th>status</th><th>expectation</th><th>column</th><th>rule</th>"
                   "<th>observed</th><th>offending rows / unexpected values</th></tr>")
        for e in r.expectations:
            detail = _rows_table(e.offending_rows) or (
                html.escape(", ".join(map(fmt_value, e.unexpected_values))) if e.unexpected_values else "")
            why = f'<div class="why">{html.escape(e.why)}</div>' if e.why else ""
            out.append(
                f'<tr class="{"passed" if e.success else "failed"}"><td>{_badge(e.success)}</td>'
                f"<td><code>{html.escape(e.type)}</code>{why}</td>"
                f"<td><code>{html.escape(e.column or '(table)')}</code></td>"
                f"<td>{html.escape(e.rule)}</td><td>{html.escape(e.observed)}</td><td>{detail}</td></tr>"
            )
        out.append("</table>")
    return "\n".join(out)


def render_report(results: Sequence[SuiteResult], path: Path) -> Path:
    """One page, no external assets: it opens from a file share or an e-mail attachment."""
    ok = all(r.success for r in results)
    summary = "".join(
        f'<tr class="{"passed" if r.success else "failed"}"><td><a href="#{html.escape(r.suite)}">'
        f"{html.escape(r.suite)}</a></td><td><code>{html.escape(r.dataset)}</code></td>"
        f"<td><code>{html.escape(r.asset)}</code></td><td>{r.rows}</td>"
        f"<td>{sum(e.success for e in r.expectations)} / {len(r.expectations)}</td>"
        f"<td>{_badge(r.success)}</td><td>{html.escape(r.validated_at)}</td></tr>"
        for r in results
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SKM data validation</title>
<style>{_CSS}</style></head><body>
<h1>SKM data validation {_badge(ok)}</h1>
<p class="sub">Great Expectations suites from <code>expectations/</code>, run on profiles the warehouse
computes (one query each). Rendered {html.escape(_now())}.</p>
<table><tr><th>suite</th><th>profile</th><th>asset</th><th>rows</th><th>passed</th><th>status</th>
<th>validated</th></tr>{summary}</table>
{"".join(_suite_section(r) for r in results)}
</body></html>
"""
    _atomic_write(path, page)
    return path
