"""`skm run` reads Dagster's log lines as they stream: the step events, in both of Dagster's line
shapes (with and without the process id), and the steps a failed dependency kept from running."""

from __future__ import annotations

import re

from pipelines.cli.progress import PlainDisplay, Progress, StepEvent, parse_line, run_id_of

RUN = "6e60c7b0-2f72-4ac0-ac36-d9b69a10859d"
LINES = [
    f"2026-12-02 20:42:04 +0000 - dagster - DEBUG - __ASSET_JOB - {RUN} - 8376 - raw_lake - STEP_START - "
    'Started execution of step "raw_lake".',
    f"2026-12-02 20:42:07 +0000 - dagster - DEBUG - __ASSET_JOB - {RUN} - 8376 - raw_lake - STEP_SUCCESS - "
    'Finished execution of step "raw_lake" in 2.9s.',
    f"2026-12-02 20:42:09 +0000 - dagster - ERROR - __ASSET_JOB - {RUN} - 8376 - "
    "marts__reconciliation_quarantine_rate_under_threshold - STEP_FAILURE - Execution of step failed.",
    f"2026-12-02 20:10:03 +0000 - dagster - ERROR - __ASSET_JOB - {RUN} - published_warehouse - Dependencies for "
    "step published_warehouse failed: ['marts__reconciliation_quarantine_rate_under_threshold']. Not executing.",
    f"2026-12-02 20:10:03 +0000 - dagster - DEBUG - __ASSET_JOB - {RUN} - 8376 - ENGINE_EVENT - Finished steps.",
    "  File \"/x/execute_plan.py\", line 243, in dagster_event_sequence_for_step",
]


def test_step_events_are_read_from_both_line_shapes():
    assert [parse_line(line) for line in LINES] == [
        StepEvent(RUN, "raw_lake", "STEP_START"),
        StepEvent(RUN, "raw_lake", "STEP_SUCCESS"),
        StepEvent(RUN, "marts__reconciliation_quarantine_rate_under_threshold", "STEP_FAILURE"),
        StepEvent(RUN, "published_warehouse", "NOT_EXECUTED"),
        None,
        None,
    ]
    assert run_id_of(LINES[4]) == RUN and run_id_of(LINES[5]) is None


def test_each_finished_step_is_one_numbered_line_of_the_planned_total():
    printed: list[str] = []
    display = PlainDisplay(printed.append)
    progress = Progress(total=3)
    for line in LINES:
        event = parse_line(line)
        if event is not None:
            display.update(progress, progress.apply(event))
    # a step reported twice (skipped, then not executed) counts once
    display.update(progress, progress.apply(StepEvent(RUN, "published_warehouse", "STEP_SKIPPED")))
    assert [re.sub(r"( \([\d.]+ s\))?, \d+ s elapsed$", "", p) for p in printed] == [
        "[1/3] raw_lake: done",
        "[2/3] marts__reconciliation_quarantine_rate_under_threshold: FAILED",
        "[3/3] published_warehouse: not run (an earlier step failed)",
    ]
    assert progress.done == 3 and progress.current is None
