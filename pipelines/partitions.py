"""Semester partitions, defined once. Boundaries on 1 January and 1 July, WITA (Asia/Makassar).

A partition key is the semester's first month ("2025-07"); people and every mart say "2025-S2".
`end_offset=1` makes the running semester a partition too, so fieldwork can be refreshed.
"""

from __future__ import annotations

import re

from dagster import TimeWindowPartitionsDefinition

TIMEZONE = "Asia/Makassar"
semester_partitions = TimeWindowPartitionsDefinition(
    start="2023-01",
    cron_schedule="0 0 1 1,7 *",
    fmt="%Y-%m",
    timezone=TIMEZONE,
    end_offset=1,
)
_KEY = re.compile(r"^(\d{4})-(01|07)$")
_LABEL = re.compile(r"^(\d{4})-S([12])$")


def periode_label(partition_key: str) -> str:
    """'2025-07' -> '2025-S2'."""
    m = _KEY.match(partition_key)
    if not m:
        raise ValueError(f"not a semester partition key: {partition_key!r} (expected YYYY-01 or YYYY-07)")
    return f"{m[1]}-S{1 if m[2] == '01' else 2}"


def partition_key(periode: str) -> str:
    """'2025-S2' -> '2025-07'."""
    m = _LABEL.match(periode)
    if not m:
        raise ValueError(f"not a periode label: {periode!r} (expected YYYY-S1 or YYYY-S2)")
    return f"{m[1]}-{'01' if m[2] == '1' else '07'}"
