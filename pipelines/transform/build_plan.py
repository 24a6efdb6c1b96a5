"""What the dbt step builds in a run: a pure decision, tested on its own (tests/test_build_plan.py).

The run's semesters come from its partition range. A semester run passes them to dbt as
`periode_from`/`periode_to` (macros/periode.sql), so every periode model replaces only their rows.
Every semester is rebuilt instead when there is no warehouse yet (the other semesters would have
no rows), when the last build never finished (some models may hold new rows and others old
ones), and on Spark (which ignores the periode vars). The plan is written into the warehouse's
generation stamp (generation.py) when the build starts, and the gates and the publish step read
it from there: the same record that proves the warehouse is the one this run built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ALL = "all"


@dataclass(frozen=True)
class BuildPlan:
    periodes: tuple[str, ...] | None  # the semesters rebuilt; None: every semester
    dbt_vars: dict[str, Any]
    why: str  # one line for the run's log

    @property
    def label(self) -> str:
        """'2025-S1,2025-S2' or 'all', as the generation stamp records it."""
        return ALL if self.periodes is None else ",".join(self.periodes)


def plan_build(periodes: list[str], *, warehouse_exists: bool, interrupted_run: str | None,
               target: str | None, trust_vars: dict[str, Any], data_dir: str) -> BuildPlan:
    """The dbt vars and the semesters a build of `periodes` rewrites."""
    base = {**trust_vars, "data_dir": data_dir}
    if not warehouse_exists:
        return BuildPlan(None, base, "No warehouse yet: building every semester")
    if interrupted_run is not None:
        return BuildPlan(None, base, f"The last dbt build (run {interrupted_run[:8]}) did not finish: "
                                     "rebuilding every model of every semester from the lake")
    with_range = {**base, "periode_from": periodes[0], "periode_to": periodes[-1]}
    if target == "spark":
        return BuildPlan(None, with_range, "Spark rebuilds every semester (macros/periode.sql)")
    return BuildPlan(tuple(periodes), with_range, f"Building semesters {', '.join(periodes)}")


def built_periodes(stamp_periodes: str | None) -> list[str] | None:
    """The semesters a stamp says were rebuilt; None for every semester."""
    if not stamp_periodes or stamp_periodes == ALL:
        return None
    return stamp_periodes.split(",")
