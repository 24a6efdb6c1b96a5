"""One suite on one profile: GX's verdict as plain values (JSON-ready, no GX objects)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from pipelines.quality.gx import batch_definition
from pipelines.quality.profiles import profiles, read_profile
from pipelines.quality.suites import SuiteFile, to_gx_suite

_SHOW_ROWS = 20  # offending rows kept per expectation: enough to act on, small enough to store


@dataclass
class ExpectationOutcome:
    """One expectation's verdict in plain values."""

    type: str
    column: str | None
    rule: str
    success: bool
    observed: str
    unexpected_count: int | None = None
    element_count: int | None = None
    unexpected_values: list[Any] = field(default_factory=list)
    offending_rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    why: str | None = None


@dataclass
class SuiteResult:
    suite: str
    dataset: str
    asset: str
    success: bool
    rows: int
    validated_at: str
    expectations: list[ExpectationOutcome]
    error: str | None = None  # the profile could not be read (missing table)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    def to_json(self) -> str:
        return json.dumps(_plain(asdict(self)), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SuiteResult:
        data = json.loads(text)
        data["expectations"] = [ExpectationOutcome(**e) for e in data["expectations"]]
        return cls(**data)


def _plain(value: Any) -> Any:
    """numpy scalars, tuples, Decimals and NaN out of GX results, so they store as JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(Exception):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def fmt_value(value: Any) -> str:
    """For people: 0.2796 rather than 0.2795969773299748; four decimals keep 88.305 visible."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 4))
    return str(value)


def _condition_text(cond: Any) -> str:
    if not isinstance(cond, dict):
        return str(cond)
    if cond.get("type") in ("and", "or"):
        return f" {cond['type']} ".join(_condition_text(c) for c in cond.get("conditions", []))
    column = cond.get("column", {})
    column = column.get("name") if isinstance(column, dict) else column
    return f"{column} {cond.get('operator')} {cond.get('parameter')!r}"


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def rule_text(kwargs: dict[str, Any]) -> str:
    parts = []
    for key, value in kwargs.items():
        if key in ("column", "column_A", "column_B", "column_list", "result_format"):
            continue
        if key == "row_condition":
            parts.append(f"where {_condition_text(value)}")
        elif key == "value_pairs_set":
            parts.append("pairs " + ", ".join(f"{a}/{b}" for a, b in value))
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts)


def _keys_first(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """GX puts the checked value first; people look for the source, periode or OPD first."""
    return {**{k: row[k] for k in keys if k in row}, **{k: v for k, v in row.items() if k not in keys}}


def _outcome(spec: dict[str, Any], gx_result: Any, keys: Sequence[str]) -> ExpectationOutcome:
    kwargs = spec.get("kwargs") or {}
    res = _plain(gx_result.result or {})
    info = gx_result.exception_info or {}
    # exception_info is {"raised_exception": ...} or {metric id: {...}} when a metric failed
    infos = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    errors = sorted({i.get("exception_message") or "" for i in infos if i.get("raised_exception")})
    error = "; ".join(e for e in errors if e) or None
    if error:
        observed = f"error: {error}"
    elif "observed_value" in res:
        observed = str(res["observed_value"])
    elif res.get("unexpected_count") is not None:
        n, total = res["unexpected_count"], res.get("element_count")
        observed = (f"{n} of {total} rows unexpected" if n
                    else f"all {total} rows as expected" if total else "no rows to check")
    else:
        observed = ""
    return ExpectationOutcome(
        type=spec["type"],
        column=_column_of(kwargs),
        rule=rule_text(kwargs),
        success=bool(gx_result.success and not error),
        observed=observed,
        unexpected_count=res.get("unexpected_count"),
        element_count=res.get("element_count"),
        unexpected_values=(res.get("partial_unexpected_list") or [])[:_SHOW_ROWS],
        offending_rows=[_keys_first(r, keys) for r in (res.get("unexpected_index_list") or [])[:_SHOW_ROWS]],
        error=error,
        why=(spec.get("meta") or {}).get("why"),
    )


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _failed(suite: SuiteFile, error: str, rows: int = 0) -> SuiteResult:
    return SuiteResult(suite.name, suite.dataset, suite.asset, False, rows, now_utc(), [], error=error)


def validate_frame(suite: SuiteFile, df: pd.DataFrame) -> SuiteResult:
    """Validate a profile already in memory (what tests and ``validate_suite`` share)."""
    try:
        gx_suite = to_gx_suite(suite)
    except Exception as exc:  # noqa: BLE001 - GX raises pydantic and its own errors for a bad kwarg
        return _failed(suite, f"{suite.path.name} is not a valid GX suite: {exc}", len(df))
    keys = [k for k in profiles()[suite.dataset].keys if k in df.columns]
    batch = batch_definition(suite.dataset).get_batch(batch_parameters={"dataframe": df})
    # COMPLETE + index columns: GX reports each offending row by its keys, not by a pandas index
    validation = batch.validate(
        gx_suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": keys}
    )
    # GX answers every expectation of a suite it accepted (to_gx_suite), each with its position
    by_position = {r.expectation_config.meta["_position"]: r for r in validation.results}
    outcomes = [_outcome(spec, by_position[i], keys) for i, spec in enumerate(suite.body["expectations"])]
    return SuiteResult(
        suite=suite.name,
        dataset=suite.dataset,
        asset=suite.asset,
        success=all(o.success for o in outcomes),
        rows=len(df),
        validated_at=now_utc(),
        expectations=outcomes,
    )


def validate_suite(suite: SuiteFile, con: duckdb.DuckDBPyConnection) -> SuiteResult:
    """Read the profile dbt built, then GX on it. A profile that cannot be read (not built yet, a
    failed model) is a failed suite with the reason, not a crash: the check and report still say why."""
    try:
        df = read_profile(con, suite.dataset)
    except duckdb.Error as exc:
        return _failed(suite, f"profile {suite.dataset!r} failed: {exc}")
    return validate_frame(suite, df)
