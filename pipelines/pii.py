"""The personal-data patterns, as the publication gate reads them.

Their one home is ``vars: pii_patterns:`` in dbt_project/dbt_project.yml: the masking macros
(``mask_personal_text`` for saran, ``mask_personal_data`` for quarantine raw values, DuckDB and
Spark) read them with ``var()``, and the gate (``no_personal_data_in_marts``) reads the same list
here, so a shape that is masked is a shape that blocks, and a text that masking missed blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipelines.settings import DBT_PROJECT_DIR


@dataclass(frozen=True)
class PiiPattern:
    shape: str  # what the gate names: "e-mail", "phone", "NIK", "name"
    pattern: str  # RE2 and Java alike (no lookarounds)
    replacement: str  # RE2 replacement syntax (\1); the Spark macro writes $1


@cache
def pii_patterns(project_dir: Path = DBT_PROJECT_DIR) -> tuple[PiiPattern, ...]:
    doc = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text(encoding="utf-8"))
    return tuple(PiiPattern(**p) for p in doc["vars"]["pii_patterns"])


def shape_patterns(project_dir: Path = DBT_PROJECT_DIR) -> dict[str, str]:
    """shape -> one regular expression (the shape's patterns as alternatives)."""
    by_shape: dict[str, list[str]] = {}
    for p in pii_patterns(project_dir):
        by_shape.setdefault(p.shape, []).append(p.pattern)
    return {shape: "|".join(f"(?:{x})" for x in xs) for shape, xs in by_shape.items()}


def any_shape_pattern(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """Every pattern as one alternative, as the macros' pii_any_pattern(): one pass per value."""
    return "|".join(f"(?:{p.pattern})" for p in pii_patterns(project_dir))
