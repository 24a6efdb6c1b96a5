"""The suite files in ``expectations/``: plain GX 1.x ExpectationSuite JSON, one per file.

A suite's top-level ``meta`` says which profile it validates (``dataset``, see ``profiles``) and
which Dagster asset the blocking check attaches to (``asset``, a key as Dagster prints it:
``marts/ikm_opd``). The suite holds the rules, so the data team edits thresholds without touching
Python; a suite is re-read every run. Values that have a home elsewhere are not copied into a
suite but named, and filled in when the file is read:

- ``{"seed": "unsur", "column": "unsur"}`` as a ``value_set``: the values of a dbt seed's column;
  ``{"seed": "mutu_categories", "columns": ["mutu", "kinerja"]}`` as a ``value_pairs_set``.
- ``{"pattern": "periode"}`` as a ``regex``: the periode label's pattern (pipelines/periode.py).
- an expectation of type ``expect_column_values_to_agree_with_mutu`` (kwargs ``column``,
  ``mutu_column``): one ``expect_column_values_to_be_between`` per mutu band of
  ``pipelines.mutu.bands()`` (the seed ``mutu_categories``): the rows of mutu A hold a value from
  its lower bound to 100.00, of B from 76.61 to 88.30, and so on; the lowest band is open below,
  as the marts classify (``join_mutu``): the floor of the scale is the dbt test of the range.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines import mutu
from pipelines.quality.profiles import profiles
from pipelines.periode import LABEL_PATTERN
from pipelines.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
MUTU_BANDS = "expect_column_values_to_agree_with_mutu"
_CHECK_NAME = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class SuiteFile:
    """A suite as the data team wrote it, its references filled in. ``name`` is the file stem so
    a check, a report section and a file are one name; ``dataset`` and ``asset`` come from the
    suite's top-level meta; ``body["expectations"]`` are the GX expectations it stands for."""

    path: Path
    name: str
    dataset: str
    asset: str
    description: str
    body: dict[str, Any]


def suite_paths(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def seed_values(seed: str, columns: str | list[str]) -> list[Any]:
    """A seed column's values in file order (a list of pairs for two columns)."""
    with (SEEDS_DIR / f"{seed}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if isinstance(columns, str):
        return [r[columns] for r in rows]
    return [[r[c] for c in columns] for r in rows]


def _fill(value: Any) -> Any:
    if isinstance(value, dict) and "seed" in value:
        return seed_values(value["seed"], value.get("column") or value["columns"])
    if value == {"pattern": "periode"}:
        return f"^{LABEL_PATTERN}$"
    return value


def mutu_band_expectations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """``expect_column_values_to_agree_with_mutu`` as one range expectation per band."""
    kwargs = dict(spec.get("kwargs") or {})
    column, mutu_column = kwargs.pop("column"), kwargs.pop("mutu_column", "mutu")
    why = (spec.get("meta") or {}).get("why", f"{column} and {mutu_column} agree")
    lowest = mutu.bands()[0]
    out = []
    for band in reversed(mutu.bands()):  # A first, as people read the table
        bounds = {"max_value": float(band.highest_shown)}
        if band != lowest:
            bounds = {"min_value": float(band.lower), **bounds}
        shown = (f"{band.lower:.2f} to " if band != lowest else "up to ") + f"{band.highest_shown:.2f}"
        out.append({
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": column, **bounds, **kwargs,
                       "row_condition": {"type": "comparison", "column": {"name": mutu_column},
                                         "operator": "==", "parameter": band.mutu}},
            "meta": {**(spec.get("meta") or {}),
                     "why": f"{why}: mutu {band.mutu} means {shown} "
                            "(seeds/mutu_categories.csv, lower bounds on the rounded value)."},
        })
    return out


def expand(expectations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file's expectations with their references filled in (see the module docstring)."""
    out = []
    for spec in expectations:
        if spec.get("type") == MUTU_BANDS:
            out += mutu_band_expectations(spec)
            continue
        spec = copy.deepcopy(spec)
        spec["kwargs"] = {k: _fill(v) for k, v in (spec.get("kwargs") or {}).items()}
        out.append(spec)
    return out


def load_suite(path: Path) -> SuiteFile:
    """Read and sanity-check one suite file; errors name the file, since a person edits it."""
    body = json.loads(path.read_text(encoding="utf-8"))
    meta = body.get("meta") or {}
    name = body.get("name")
    problems = []
    if name != path.stem:
        problems.append(f'"name" is {name!r}, expected the file name {path.stem!r}')
    if not _CHECK_NAME.match(path.stem):
        problems.append("the file name may hold only letters, digits and _")
    if meta.get("dataset") not in profiles():
        problems.append(f'meta.dataset {meta.get("dataset")!r} is not one of {sorted(profiles())} '
                        "(the models in dbt_project/models/profiles/)")
    if not meta.get("asset"):
        problems.append('meta.asset (the Dagster asset key the check attaches to, e.g. "marts/ikm_opd") is missing')
    if not isinstance(body.get("expectations"), list) or not body["expectations"]:
        problems.append('"expectations" must be a non-empty list')
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    try:
        body = {**body, "expectations": expand(body["expectations"])}
    except (KeyError, TypeError, OSError) as exc:
        raise ValueError(f"{path}: a reference to a seed or the mutu bands is wrong: {exc!r}") from exc
    return SuiteFile(path, name, meta["dataset"], meta["asset"], meta.get("description", ""), body)


def to_gx_suite(suite: SuiteFile) -> ExpectationSuite:
    """The file as a GX ExpectationSuite (GX checks every expectation's type and kwargs here).
    Each expectation carries its position in meta so results come back in file order."""
    import great_expectations as gx

    expectations = [{**e, "meta": {**(e.get("meta") or {}), "_position": i}}
                    for i, e in enumerate(suite.body["expectations"])]
    return gx.ExpectationSuite(name=suite.name, expectations=expectations, meta=suite.body.get("meta") or {})
