"""What `skm run` shows while Dagster works: steps done of total, the step running, the time.

The run is `dagster asset materialize` in a subprocess (as the schedule and an operator run it);
its log lines stream through here on their way to ``last_run.log``. Each Dagster event line names
the run and the step (`... - <run id> - <step> - STEP_START - ...`): `parse_line` reads them, and
the total comes from the run's own execution plan in the Dagster instance (every step it will
execute, the checks included), not from a guess. In a terminal, rich draws a live bar; elsewhere
(CI, a pipe, a test) each finished step is one plain line: ``[3/14] skm_dbt_models: done (41.2 s)``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# "2026-12-02 20:10:03 +0000 - dagster - DEBUG - <job> - <run id> - <pid> - <step key> - STEP_START - ..."
_EVENT = re.compile(r" - dagster - \w+ - [^ ]+ - (?P<run>[0-9a-f]{8}-[0-9a-f-]{27}) - (?:\d+ - )?(?P<step>[^ ]+) - "
                    r"(?P<event>STEP_START|STEP_SUCCESS|STEP_FAILURE|STEP_SKIPPED) - ")
# "... - <run id> - <step> - Dependencies for step <step> failed: [...]. Not executing."
_NOT_EXECUTED = re.compile(r" - (?P<run>[0-9a-f]{8}-[0-9a-f-]{27}) - (?:\d+ - )?(?P<step>[^ ]+) - Dependencies for "
                           r"step \S+ (?:failed|were not executed)")
_RUN_ID = re.compile(r" - (?P<run>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) - ")
STATUS_WORDS = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped",
                "NOT_EXECUTED": "not run (an earlier step failed)"}


@dataclass(frozen=True)
class StepEvent:
    run_id: str
    step: str
    event: str  # STEP_START | STEP_SUCCESS | STEP_FAILURE | STEP_SKIPPED | NOT_EXECUTED


def parse_line(line: str) -> StepEvent | None:
    """The step event a Dagster log line reports, or None."""
    m = _EVENT.search(line)
    if m:
        return StepEvent(m["run"], m["step"], m["event"])
    m = _NOT_EXECUTED.search(line)
    if m:
        return StepEvent(m["run"], m["step"], "NOT_EXECUTED")
    return None


def run_id_of(line: str) -> str | None:
    m = _RUN_ID.search(line)
    return m["run"] if m else None


@dataclass
class Progress:
    """The run's steps as the log reports them; `total` once the plan is known."""

    total: int | None = None
    started: float = field(default_factory=time.monotonic)
    running: dict[str, float] = field(default_factory=dict)  # step -> when it started
    finished: list[tuple[str, str, float | None]] = field(default_factory=list)  # (step, status, seconds)

    @property
    def done(self) -> int:
        return len(self.finished)

    @property
    def current(self) -> str | None:
        return next(reversed(self.running), None)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def apply(self, event: StepEvent) -> tuple[str, str, float | None] | None:
        """Record the event; returns the (step, status, seconds) it finished, if it did."""
        if event.event == "STEP_START":
            self.running[event.step] = time.monotonic()
            return None
        if any(step == event.step for step, _, _ in self.finished):
            return None  # a step reported twice (skipped, then not executed)
        began = self.running.pop(event.step, None)
        entry = (event.step, STATUS_WORDS[event.event], None if began is None else time.monotonic() - began)
        self.finished.append(entry)
        return entry

    def line(self, entry: tuple[str, str, float | None]) -> str:
        step, status, seconds = entry
        total = self.total if self.total is not None else "?"
        took = f" ({seconds:.1f} s)" if seconds is not None else ""
        return f"[{self.done}/{total}] {step}: {status}{took}, {self.elapsed():.0f} s elapsed"


class PlainDisplay:
    """A line per finished step (not a terminal)."""

    def __init__(self, echo: Callable[[str], None]):
        self.echo = echo

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def started(self, total: int) -> None:
        self.echo(f"The run has {total} steps.")

    def update(self, progress: Progress, finished: tuple[str, str, float | None] | None) -> None:
        if finished is not None:
            self.echo(progress.line(finished))


class LiveDisplay:
    """A rich progress bar in a terminal: steps done of total, the step running, elapsed; a
    finished step that did not succeed stays printed above the bar."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       transient=False)
        self.task = self.bar.add_task("starting Dagster ...", total=None)

    def __enter__(self) -> LiveDisplay:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)

    def started(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def update(self, progress: Progress, finished: tuple[str, str, float | None] | None) -> None:
        if finished is not None and finished[1] != "done":
            self.bar.console.print(progress.line(finished))
        self.bar.update(self.task, completed=progress.done, description=progress.current or "between steps")
