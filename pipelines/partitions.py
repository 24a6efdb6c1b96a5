"""Semester partitions, defined once. Boundaries on 1 January and 1 July, WITA (Asia/Makassar).

A partition key is the semester's first month ("2025-07"); people and every mart say "2025-S2"
(pipelines/periode.py converts). `end_offset=1` makes the running semester a partition too, so
fieldwork can be refreshed.
"""

from __future__ import annotations

from pathlib import Path

from dagster import PartitionKeyRange, TimeWindowPartitionsDefinition

from pipelines.periode import TIMEZONE, Periode

semester_partitions = TimeWindowPartitionsDefinition(
    start="2023-01",
    cron_schedule="0 0 1 1,7 *",
    fmt="%Y-%m",
    timezone=TIMEZONE,
    end_offset=1,
)


def periodes_of(key_range: PartitionKeyRange) -> list[str]:
    """Every periode label of a partition range, in order ('2025-01'...'2025-07' -> S1, S2): the
    run's semesters, as every step that needs them computes them from its own partition range."""
    keys = semester_partitions.get_partition_keys_in_range(key_range)
    return [Periode.from_partition_key(k).label for k in keys]


def landed_partition_range(data_dir: Path, landing_dirs: list[Path]) -> tuple[str, str] | None:
    """First and last semester with a landed file: what `make demo` materialises."""
    found = sorted(
        Periode.parse(d.name) for root in landing_dirs if root.is_dir() for d in root.iterdir()
        if d.is_dir() and Periode.is_label(d.name) and any(d.iterdir())
    )
    if not found:
        return None
    return found[0].partition_key, found[-1].partition_key

