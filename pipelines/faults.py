"""Named pause points for the crash and overlap tests, and nothing else.

The guarantees (publish only what this run audited; a plain next run recovers from a ``kill -9``
at any moment) are shown by tests that stop a real run at a known moment: during ingest, during
dbt, during publish. Timing a kill from outside would be a race on a busy machine, so the run
itself says where it is: with ``SKM_PAUSE_AT=<point>`` and ``SKM_PAUSE_FILE=<path>`` set, the run
writes ``<path>.paused`` when it reaches the point and waits there until ``<path>.release``
exists. Unset (always, outside those tests), a pause point is one dictionary lookup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = ("ingest", "dbt", "publish")


def pause_point(name: str) -> None:
    if name not in POINTS:  # a misspelt point would never pause, and its test would wait forever
        raise ValueError(f"unknown pause point {name!r} (one of {', '.join(POINTS)})")
    if os.environ.get("SKM_PAUSE_AT") != name:
        return
    base = Path(os.environ["SKM_PAUSE_FILE"])
    base.with_name(base.name + ".paused").write_text(str(os.getpid()))
    release = base.with_name(base.name + ".release")
    while not release.exists():
        time.sleep(0.05)
