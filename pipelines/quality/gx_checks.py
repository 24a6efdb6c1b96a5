"""One blocking Dagster asset check per suite file in ``expectations/``.

The suite files decide what exists (a new file is a new check after the code location reloads)
and where it attaches (its ``meta.asset``); the rules themselves are re-read at every run, so a
threshold edited in JSON applies to the next run. Like the pipeline gates in ``checks.py``, a
check reads the working warehouse read-only and names the source, periode or OPD at fault; the
whole run's results land in one HTML page whose path is in every check's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dagster import AssetCheckResult, AssetChecksDefinition, AssetKey, MetadataValue, asset_check

from pipelines.quality.gx import GreatExpectationsResource
from pipelines.quality.profiles import profiles
from pipelines.quality.suites import load_suite, suite_paths
from pipelines.quality.validation import ExpectationOutcome, SuiteResult, fmt_value
from pipelines.context import SkmContext
from pipelines.quality.validation_report import record_result, reports_dir
from pipelines.quality.warehouse import warehouse
from pipelines.run_lock import RunLock
from pipelines.settings import EXPECTATIONS_DIR

_SHOWN_FAILURES = 5  # in the one-line description; the metadata table has them all
_SHOWN_ROWS = 3  # offending rows per failure in the description


def _cell(value: Any) -> str:
    return fmt_value(value).replace("|", "\\|").replace("\n", " ")


def _row_text(row: dict[str, Any], column: str | None) -> str:
    """'dishub_kiosk 2025-S1 pengaduan (valid_share=0.3)': keys first, the checked value after."""
    checked = {c.strip() for c in (column or "").split(",")}
    keys = " ".join(fmt_value(v) for k, v in row.items() if k not in checked)
    values = ", ".join(f"{k}={fmt_value(v)}" for k, v in row.items() if k in checked)
    return f"{keys} ({values})" if keys and values else keys or values


def _failure_text(f: ExpectationOutcome) -> str:
    text = f"{f.type}({f.column or 'table'}) {f.rule}".rstrip() + f": {f.observed}"
    if f.offending_rows:
        more = len(f.offending_rows) - _SHOWN_ROWS
        text += " at " + "; ".join(_row_text(r, f.column) for r in f.offending_rows[:_SHOWN_ROWS])
        text += f"; and {more} more" if more > 0 else ""
    elif f.unexpected_values:
        text += " e.g. " + ", ".join(map(_cell, f.unexpected_values[:_SHOWN_ROWS]))
    return text


def describe(result: SuiteResult) -> str:
    n = len(result.expectations)
    if result.error:
        return f"{result.suite}: {result.error}"
    if result.success:
        return f"{result.suite}: all {n} expectations passed on {result.rows} rows of {result.dataset}"
    failures = result.failures
    head = f"{result.suite}: {len(failures)} of {n} expectations failed on {result.dataset}: "
    body = " | ".join(_failure_text(f) for f in failures[:_SHOWN_FAILURES])
    more = len(failures) - _SHOWN_FAILURES
    return head + body + (f" | and {more} more" if more > 0 else "")


def failures_markdown(result: SuiteResult) -> str:
    if result.error:
        return f"profile failed: {_cell(result.error)}"
    if result.success:
        return "none"
    lines = ["| expectation | column | rule | observed | offending rows |", "|---|---|---|---|---|"]
    for f in result.failures:
        rows = "<br>".join(_cell(_row_text(r, f.column)) for r in f.offending_rows[:10])
        if not rows and f.unexpected_values:
            rows = ", ".join(map(_cell, f.unexpected_values[:10]))
        lines.append(f"| {f.type} | {_cell(f.column)} | {_cell(f.rule)} | {_cell(f.observed)} | {rows} |")
    return "\n".join(lines)


def build_gx_check(path: Path, known_suites: tuple[str, ...] = ()) -> AssetChecksDefinition:
    suite = load_suite(path)

    @asset_check(
        asset=AssetKey.from_user_string(suite.asset),  # "marts/ikm_opd", as the dbt assets are keyed
        # the profile table it reads, built by dbt after the marts: the check runs after it
        additional_deps=[AssetKey.from_user_string(profiles()[suite.dataset].asset)],
        name=f"gx_{suite.name}",
        blocking=True,
        description=f"Great Expectations suite expectations/{path.name} on the profile "
                    f"{profiles()[suite.dataset].table}. "
                    f"{suite.description}",
    )
    def _gx_check(gx: GreatExpectationsResource, run_lock: RunLock,  # noqa: ARG001 - held
                  skm: SkmContext) -> AssetCheckResult:
        current = load_suite(path)  # the file as it is now: rules edited since load apply
        with warehouse(skm.paths) as con:
            result = gx.validate(current, con)
        report = record_result(result, reports_dir(skm.paths), suites=known_suites or None)
        return AssetCheckResult(
            passed=result.success,
            description=describe(result),
            metadata={
                "suite": MetadataValue.path(str(path)),
                "profile_rows": result.rows,
                "expectations": len(result.expectations),
                "failed_expectations": len(result.failures) + (1 if result.error else 0),
                "failures": MetadataValue.md(failures_markdown(result)),
                "report": MetadataValue.path(str(report)),
            },
        )

    return _gx_check


def build_gx_checks(directory: Path = EXPECTATIONS_DIR) -> list[AssetChecksDefinition]:
    files = suite_paths(directory)
    names = tuple(p.stem for p in files)
    return [build_gx_check(p, names) for p in files]


GX_CHECKS = build_gx_checks()
