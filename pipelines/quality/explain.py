"""Why a run stopped, in the operator's terminal: each blocking gate that did not pass with its
source and periode, the file-level problems of the ingest log behind it, and any step that
failed. A blocked `make pipeline` used to end with dbt's "Done. PASS=201 ... ERROR=0" and
"1 blocking asset check failed", the reason only in the log file."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance


# Check metadata worth showing under a failed gate (markdown tables that name rows and files).
DETAIL_KEYS = ("missing", "sample_offending_rows", "findings")


def file_problems(lake: Path) -> list[tuple[str, str]]:
    """(source, message) of every file the ingest log holds as an error now."""
    log = lake / "ingest_files.parquet"
    if not log.exists():
        return []
    con = duckdb.connect()
    try:
        return con.execute(
            "SELECT source_code, message FROM read_parquet(?) WHERE status = 'error' ORDER BY source_code, file_name",
            [str(log)]).fetchall()
    finally:
        con.close()


def _step_failures(instance: DagsterInstance, run_id: str) -> list[str]:
    out = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = getattr(entry.dagster_event.event_specific_data, "error", None)
        message = (error.message.strip().splitlines() or [""])[0] if error else ""
        out.append(f"{entry.dagster_event.step_key}: {message}")
    return out


def _evaluations(instance: DagsterInstance, run_id: str) -> dict:
    """(asset, gate) -> the run's evaluation of that check (the last one)."""
    evaluations = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        evaluations[(evaluation.asset_check_key.asset_key.to_user_string(), evaluation.asset_check_key.name)] = evaluation
    return evaluations


def blocked_gates(instance: DagsterInstance, run_id: str) -> list[tuple[str, str, str]]:
    """(asset, gate, description) of each blocking gate that failed in run `run_id` (the run's
    own evaluations say whether each check was blocking: no code location needed here)."""
    return [(asset, gate, e.description or "failed") for (asset, gate), e in sorted(_evaluations(instance, run_id).items())
            if e.blocking and not e.passed]


def why_run_stopped(instance: DagsterInstance, run_id: str, lake: Path) -> list[str]:
    """The lines to print after run `run_id` did not publish."""
    lines = [f"Run {run_id[:8]} did not publish; the published file is unchanged."]
    evaluations = _evaluations(instance, run_id)
    blocked = [(asset, gate) for asset, gate, _ in blocked_gates(instance, run_id)]
    for asset, gate in blocked:
        lines.append(f"BLOCKED by {gate} ({asset}): {evaluations[(asset, gate)].description or 'failed'}")
        metadata = evaluations[(asset, gate)].metadata
        for key in DETAIL_KEYS:
            value = metadata.get(key)
            text = str(getattr(value, "value", value) or "") if value is not None else ""
            if text and text != "none":
                lines += ["    " + line for line in text.splitlines()]
    problems = file_problems(lake)
    if problems:
        lines.append("File problems in the ingest log (a file refused as a whole is in no mart):")
        lines += [f"    {message}" for _, message in problems]
    failures = _step_failures(instance, run_id)
    if failures:
        lines.append("Steps that failed:")
        lines += [f"    {f}" for f in failures]
    if not blocked and not failures:
        lines.append("No gate failed and no step failed: the run was stopped or interrupted.")
    return lines
