"""Semester partitions, defined once. Boundaries on 1 January and 1 July, WITA (Asia/Makassar).

A partition key is the semester's first month ("2025-07"); people and every mart say "2025-S2".
`end_offset=1` makes the running semester a partition too, so fieldwork can be refreshed.
"""

from __future__ import annotations

import re
from pathlib import Path

from dagster import DagsterInstance, PartitionKeyRange, TimeWindowPartitionsDefinition

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


def periodes_of(key_range: PartitionKeyRange) -> list[str]:
    """Every periode label of a partition range, in order ('2025-01'...'2025-07' -> S1, S2)."""
    keys = semester_partitions.get_partition_keys_in_range(key_range)
    return [periode_label(k) for k in keys]


# The semesters the dbt asset rebuilt in a run, as a run tag: "2025-S1,2025-S2", or "all" for a
# plain build. Checks that scan marts read it to scan only those semesters' rows (the rows of
# the other semesters were not rewritten and passed when they were); shown on the run in the UI.
BUILT_PERIODES_TAG = "skm/built_periodes"


def built_periodes(instance: DagsterInstance, run_id: str) -> list[str] | None:
    """The semesters run `run_id` rebuilt, from its tags as they are now (the dbt asset adds the tag
    during the run); None means every semester (a plain build, or a run in which dbt did not run:
    a check or publish run on its own covers everything)."""
    run = instance.get_run_by_id(run_id)
    value = run.tags.get(BUILT_PERIODES_TAG) if run else None
    if not value or value == "all":
        return None
    return value.split(",")


def landed_partition_range(data_dir: Path, landing_dirs: list[Path]) -> tuple[str, str] | None:
    """First and last semester with a landed file: what `make demo` materialises."""
    found = sorted(
        d.name for root in landing_dirs if root.is_dir() for d in root.iterdir()
        if d.is_dir() and _LABEL.match(d.name) and any(d.iterdir())
    )
    if not found:
        return None
    return partition_key(found[0]), partition_key(found[-1])


def main() -> None:
    """Prints the landed range as Dagster's CLI wants it (`2025-01...2025-07`)."""
    from pipelines.registry import load_registry
    from pipelines.settings import paths

    p = paths()
    rng = landed_partition_range(p.data_dir, [s.landing_dir(p.data_dir) for s in load_registry(p.registry)])
    if rng is None:
        raise SystemExit("no landed files under any source's landing folder")
    print(f"{rng[0]}...{rng[1]}")


if __name__ == "__main__":
    main()
