"""What a dbt test checks, in one line: the test's own description, else its generic test's
doc comment with its arguments, else the leading comment of a singular test's SQL. One home for
the text the Dagster UI shows on each dbt test's asset check (transform/assets.py) and the gate
table of the README and docs/gates.md (quality/gate_table.py)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.settings import DBT_PROJECT_DIR

# What a generic test checks, for the tests without a description of their own.
GENERIC_TEXT = {
    "not_null": "the column holds no NULL",
    "unique": "the column's values are unique",
    "accepted_values": "the column holds only the listed values",
    "relationships": "every value of the column exists in the referenced model",
}


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _leading_comment(sql: str) -> str:
    """The ``--`` lines at the top of a singular test, after any ``{{ config() }}``."""
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped.startswith("{{") and not lines:
            continue
        if not stripped.startswith("--"):
            break
        if not stripped.startswith("-- depends_on:"):
            lines.append(stripped[2:].strip())
    return " ".join(lines)


def generic_macro_text(name: str) -> str:
    """The first sentence of a project generic test's doc comment (tests/generic/<name>.sql)."""
    path = DBT_PROJECT_DIR / "tests" / "generic" / f"{name}.sql"
    if not path.exists():
        return GENERIC_TEXT.get(name, name)
    match = re.search(r"\{#-?(.*?)-?#\}", path.read_text(encoding="utf-8"), re.S)
    text = one_line(match.group(1)) if match else name
    return text.split(". ")[0].rstrip(".")


def _args_text(kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("model", "column_name")}
    parts = []
    for key, value in shown.items():
        if isinstance(value, str) and value.startswith("{{"):
            value = re.sub(r"\{\{\s*get_where_subquery\((.*)\)\s*\}\}", r"\1", value)
        parts.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return "; ".join(parts)


def test_description(node: dict[str, Any]) -> str:
    """One line saying what the dbt test `node` (a manifest node) checks."""
    meta = node.get("test_metadata") or {}
    description = one_line(node.get("description"))
    if not description and meta:
        column = f"`{node['column_name']}`: " if node.get("column_name") else ""
        args = _args_text(meta.get("kwargs") or {})
        description = f"{column}{generic_macro_text(meta['name'])}" + (f" ({args})" if args else "")
    if not description:
        path = DBT_PROJECT_DIR / node["original_file_path"]
        description = _leading_comment(path.read_text(encoding="utf-8")) if path.exists() else ""
    return description
