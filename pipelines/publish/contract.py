"""The data contract of the published file, generated from the dbt .yml descriptions.

`python -m pipelines.publish.contract` writes docs/data-contract.md: every published table and
column with its description, how to connect a BI tool, and example SQL for the usual dashboard
questions. The descriptions live once, beside the models (dbt docs shows the same text); the
page is regenerated rather than written by hand, and tests/test_contract.py fails when the page
is stale or a published column has no description."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT

CONTRACT_PATH = REPO_ROOT / "docs" / "data-contract.md"
MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"

# Tables the publish step adds itself (not dbt models).
PUBLISH_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "quality_gates": (
        "Every quality gate of the run that published this file, with its outcome: a warning that did not block "
        "publication is visible here.",
        {
            "asset": "The asset the gate guards (e.g. marts/ikm_opd).",
            "gate": "Gate name (a dbt test or a Dagster asset check).",
            "blocking": "True when a failure stops publication.",
            "status": "passed | failed | not run.",
            "severity": "ERROR (blocking) or WARN.",
            "description": "What the gate found, naming source, file and periode where it applies.",
            "waivers": "The registry's waivers (quality.waivers) this gate applied, as 'source periode: reason; ...'; "
                       "NULL when none. A waived source and periode did not count against the gate.",
        },
    ),
    "_published_sources": (
        "One row per source and semester it owes a file for, as of this publication: its newest landed file and "
        "when it arrived, or whether it is overdue (no file freshness.days_after_close days after the semester "
        "closed; README 'Alerts and freshness'). The running semester is listed once a file is in.",
        {
            "source_code": "The registry source.",
            "opd_kode": "Its OPD.",
            "periode": "The semester (YYYY-S1 / YYYY-S2).",
            "status": "delivered | not_due (running, or within the days after the close) | overdue | waived "
                      "(a waiver of every_source_delivered).",
            "overdue": "True when status is overdue.",
            "days_overdue": "Days since the due date (0 unless overdue), at publication.",
            "due_date": "The last day (WITA) the file was due on: the semester's last day plus days_after_close.",
            "last_file": "The newest file in the source's semester folder (relative to its landing folder); NULL "
                         "when none.",
            "last_delivered_at_utc": "When that file was written into the landing folder (its modification time, "
                                     "UTC); NULL when none.",
        },
    ),
    "_published": (
        "One row: when this file was published and by which Dagster run.",
        {"published_at_utc": "Publication time (UTC).", "run_id": "The Dagster run id."},
    ),
}

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Nilai IKM kota per semester, with mutu and kinerja",
     "SELECT periode, jumlah_responden, nilai_ikm, mutu, kinerja\nFROM ikm_kota\nORDER BY periode;"),
    ("OPD ranking of the latest semester",
     "SELECT peringkat, opd_nama, nilai_ikm, mutu, jumlah_responden\nFROM ikm_opd\n"
     "WHERE periode = (SELECT max(periode) FROM ikm_opd)\nORDER BY peringkat;"),
    ("The three weakest unsur of each OPD (improvement priorities)",
     "SELECT periode, opd_nama, unsur_nama, nilai_unsur, mutu\nFROM (\n"
     "  SELECT *, row_number() OVER (PARTITION BY periode, opd_kode ORDER BY nilai_unsur, urutan) AS r\n"
     "  FROM ikm_unsur\n) WHERE r <= 3\nORDER BY periode, opd_nama, r;"),
    ("Answer distribution (1-4) per unsur for one OPD",
     "SELECT unsur_nama, skor_1, skor_2, skor_3, skor_4, jumlah_tidak_menjawab\nFROM ikm_unsur\n"
     "WHERE periode = '2025-S2' AND opd_kode = 'DPMPTSP'\nORDER BY urutan;"),
    ("Nilai IKM per jenis layanan",
     "SELECT opd_nama, jenis_layanan, jumlah_responden, nilai_ikm, mutu\nFROM ikm_layanan\n"
     "WHERE periode = '2025-S2'\nORDER BY opd_kode, nilai_ikm;"),
    ("Respondent profile (small groups are NULL, see `disembunyikan`)",
     "SELECT dimensi, kategori, jumlah_responden, persen, disembunyikan\nFROM profil_responden\n"
     "WHERE periode = '2025-S2' AND level = 'kota'\nORDER BY dimensi, kategori;"),
    ("Did every landed file reconcile?",
     "SELECT source_code, file_name, rows_read, rows_used, rows_quarantined, rows_duplicate, is_balanced\n"
     "FROM reconciliation\nWHERE NOT is_balanced OR rows_quarantined > 0\nORDER BY rows_quarantined DESC;"),
    ("Why rows were quarantined, per source",
     "SELECT source_code, reason_code, count(*) AS rows\nFROM quarantine\nGROUP BY ALL\nORDER BY rows DESC;"),
)


@dataclass
class Table:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    source: str = ""


def published_tables() -> dict[str, Table]:
    """Every table of the published file as the .yml files beside the marts describe it (every
    mart is published), plus the tables the publish step adds."""
    tables: dict[str, Table] = {}
    for yml in sorted(MARTS_DIR.glob("*.yml")):
        doc = yaml.safe_load(yml.read_text()) or {}
        for model in doc.get("models", []):
            cols = {c["name"]: " ".join(str(c.get("description", "")).split()) for c in model.get("columns", [])}
            for name, text in ((model.get("meta") or {}).get("published_columns") or {}).items():
                cols[name] = " ".join(str(text).split())
            tables[model["name"]] = Table(model["name"], " ".join(str(model.get("description", "")).split()), cols,
                                          f"dbt_project/models/marts/{model['name']}.sql")
    for name, (description, cols) in PUBLISH_TABLES.items():
        tables[name] = Table(name, description, dict(cols), "pipelines/publish")
    return tables


def render(tables: dict[str, Table]) -> str:
    out = [
        "# Data contract: `data/published/skm.duckdb`",
        "",
        "Generated by `python -m pipelines.publish.contract` from the `.yml` files beside the dbt marts "
        "(`dbt_project/models/marts/`); do not edit by hand. Every table below is in the published file, "
        "every column is described; `tests/test_pipeline_e2e.py` checks both against a real published file.",
        "",
        "The file is a DuckDB database written in storage version v1.4.0, so DuckDB 1.4 and newer (the "
        "version inside most BI drivers) can open it. Open it **read-only**. Each publication builds a new "
        "file and swaps it in atomically: an open connection keeps answering from the file it opened and "
        "sees the new data after reconnecting. Numbers are DECIMAL, rounded half up as published; counts are "
        "BIGINT; periode labels are `YYYY-S1` (January-June) and `YYYY-S2` (July-December), WITA. Every table "
        "and column carries the description below as its comment (`COMMENT ON`), which Superset, DBeaver and "
        "Harlequin show beside it (`SELECT table_name, column_name, comment FROM duckdb_columns()`).",
        "",
        "## Tables",
        "",
        "| table | what one row is |",
        "|---|---|",
    ]
    for t in tables.values():
        out.append(f"| [`{t.name}`](#{t.name.strip('_').replace('_', '-')}) | {t.description.split('. ')[0].rstrip('.')}. |")
    for t in tables.values():
        out += ["", f"## {t.name}", "", t.description, "", f"Built by `{t.source}`.", "",
                "| column | description |", "|---|---|"]
        out += [f"| `{c}` | {d.replace('|', '/')} |" for c, d in t.columns.items()]
    out += ["", "## Example SQL", ""]
    for title, sql in EXAMPLES:
        out += [f"**{title}**", "", "```sql", sql, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/data-contract.md is stale")
    args = parser.parse_args(argv)
    text = render(published_tables())
    if args.check:
        current = CONTRACT_PATH.read_text() if CONTRACT_PATH.exists() else ""
        if current != text:
            print(f"{CONTRACT_PATH} is stale: run python -m pipelines.publish.contract", file=sys.stderr)
            return 1
        return 0
    CONTRACT_PATH.parent.mkdir(parents=True, exist_ok=True)
    CONTRACT_PATH.write_text(text)
    print(f"wrote {CONTRACT_PATH.relative_to(REPO_ROOT)} ({len(published_tables())} tables)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
