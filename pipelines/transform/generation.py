"""The working warehouse's generation stamp: which run built it last, and whether it finished.

The dbt step writes ``building`` (with its run id and its build plan's semesters,
build_plan.py) before dbt starts and ``built`` when dbt ended without error. Three readers depend
on it:
- the publish step publishes only a warehouse that *its own run* built to the end, whose gates
  ran in the same run (pipelines/publish/assets.py): together with the run lock
  (pipelines/run_lock.py) it makes "publish exactly what this run audited" hold even if a
  writer ever slipped past the lock;
- the next dbt step: a stamp left at ``building`` means a build was interrupted (killed, or dbt
  failed half-way), so some models may hold new rows and others old ones; that run then rebuilds
  every semester instead of only its own;
- the PII gate and the publish step of the same run (``built_in_run``): which semesters this
  run's build rewrote, so the gate scans and the publish replaces exactly those.
"""

from __future__ import annotations

import datetime as dt

from pipelines.settings import Paths
from pipelines.state_file import read_state, write_state
from pipelines.transform.build_plan import built_periodes


def _path(p: Paths):
    return p.warehouse.with_name("generation.json")


def read_stamp(p: Paths) -> dict:
    return read_state(_path(p))


def _write(p: Paths, stamp: dict) -> None:
    write_state(_path(p), stamp)


def begin_build(p: Paths, run_id: str, periodes: str) -> None:
    _write(p, {"run_id": run_id, "state": "building", "periodes": periodes,
               "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")})


def finish_build(p: Paths, run_id: str) -> None:
    _write(p, {**read_stamp(p), "run_id": run_id, "state": "built",
               "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")})


def interrupted_build(p: Paths) -> dict | None:
    """The stamp of a build that never finished, else None."""
    stamp = read_stamp(p)
    return stamp if stamp.get("state") == "building" else None


def not_built_by(p: Paths, run_id: str) -> str | None:
    """Why the warehouse is not one this run built to the end, or None when it is."""
    stamp = read_stamp(p)
    if not stamp:
        return "the working warehouse has no generation stamp (it was not built by a run of this pipeline)"
    if stamp.get("run_id") != run_id:
        return (f"the working warehouse was last built by run {str(stamp.get('run_id'))[:8]}, not by this run: "
                "its gates were not run on what the warehouse holds now")
    if stamp.get("state") != "built":
        return "this run's dbt build did not finish"
    return None


def built_in_run(p: Paths, run_id: str) -> list[str] | None:
    """The semesters run `run_id`'s dbt step rebuilt, as its build plan recorded them
    (build_plan.py); None means every semester: a plain build, or a run whose dbt step did not
    run (a check or publish run on its own covers everything)."""
    stamp = read_stamp(p)
    if stamp.get("run_id") != run_id:
        return None
    return built_periodes(stamp.get("periodes"))
