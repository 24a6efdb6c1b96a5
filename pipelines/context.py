"""The run context: every setting of a deployment, validated once and handed to each step.

Dagster gets it as the resource ``skm`` (``SkmContext``); the command line and the scripts build
the same object with ``SkmContext.from_env()``; tests build it on a temporary folder
(``SkmContext(data_dir=str(tmp_path))``) without touching the environment. Nothing below this
module reads ``os.environ`` for a setting: the environment is read here, once, by the names in
``ENVIRONMENT``.

Two things stay outside on purpose: the pseudonymisation salt (``SKM_PII_SALT``, a secret: resource
config is shown in the Dagster UI, so pipelines/ingest/secret.py reads it from the environment or
its file), and the fault-injection hooks of the tests (``SKM_PAUSE_AT``, pipelines/faults.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr

from pipelines.registry import Registry, load
from pipelines.settings import REPO_ROOT, Paths

# environment variable -> setting. The README's settings table is generated from this and the
# field descriptions (tests/test_context.py keeps them equal).
ENVIRONMENT: dict[str, str] = {
    "SKM_DATA_DIR": "data_dir",
    "SKM_REGISTRY": "registry_file",
    "SKM_DBT_TARGET": "dbt_target",
    "SKM_KOTA_NAMA": "kota_nama",
    "SKM_LAPORAN_PDF": "laporan_pdf",
    "SKM_LAPORAN_BROWSERS": "laporan_browsers",
    "SKM_CHROMIUM": "chromium",
    "SKM_XLSX_MAX_ROWS": "xlsx_max_rows",
    "SKM_INGEST_WORKERS": "ingest_workers",
    "SKM_INGEST_MEMORY_LIMIT": "ingest_memory_limit",
    "SKM_REFRESH_CRON": "refresh_cron",
    "SKM_SENSOR_INTERVAL": "sensor_interval_seconds",
    "SKM_ALERT_URLS": "alert_urls",
}


class SkmContext(ConfigurableResource):
    """Where the data lives and how this deployment runs. Built once; every asset, check, sensor
    and command reads its paths, its registry and its options from here."""

    data_dir: str = Field(default=str(REPO_ROOT / "data"),
                          description="The data folder: landing folders, sources.yml, the warehouse, the published file.")
    registry_file: str | None = Field(default=None, description="The registry file, if not <data_dir>/sources.yml.")
    dbt_target: str | None = Field(default=None, description="The dbt target: duckdb (default) or spark.")
    kota_nama: str = Field(default="Kota Bontang", description="The city's name as the Laporan SKM prints it.")
    laporan_pdf: bool = Field(default=True, description="Print the Laporan to PDF with headless Chromium (0 for HTML only).")
    laporan_browsers: int = Field(default=0, ge=0, description="Chromium processes printing PDFs at once (0: up to 2).")
    chromium: str | None = Field(default=None, description="The Chromium executable, if not `chromium` on PATH.")
    xlsx_max_rows: int = Field(default=1000, ge=1, description="Rows per sheet of the XLSX export before it says 'see the CSV'.")
    ingest_workers: int = Field(default=0, ge=0, description="Files read at once by the ingest step (0: one per core).")
    ingest_memory_limit: str = Field(default="1GB", description="DuckDB memory limit of the ingest step.")
    refresh_cron: str = Field(default="0 6 * * 1",
                              description="When the running semester is refreshed during fieldwork (WITA).")
    sensor_interval_seconds: int = Field(default=30, ge=1, description="How often the landing sensor looks for new files.")
    alert_urls: str | None = Field(default=None, description=(
        "Where alerts go, beside the registry's alerts.urls: apprise URLs separated by commas or spaces "
        "(mailtos://user:pass@smtp.example.go.id?to=data@example.go.id, json://host:port/path, slack://...)."))

    _registry: tuple[str | None, Registry] | None = PrivateAttr(default=None)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> SkmContext:
        """The context the environment describes (unset variables keep their defaults)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {field: env[var] for var, field in ENVIRONMENT.items() if env.get(var)}
        if "laporan_pdf" in values:
            values["laporan_pdf"] = values["laporan_pdf"] not in ("0", "false", "no")
        return cls(**{**values, **overrides})

    @property
    def paths(self) -> Paths:
        data_dir = Path(self.data_dir).resolve()
        return Paths(data_dir, Path(self.registry_file).resolve() if self.registry_file else None)

    @property
    def registry(self) -> Registry:
        """The registry file, read and validated once, and again only when its text changes (a
        long-lived process, `dagster dev` or a test session, sees an edited registry at once)."""
        path = self.paths.registry
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = None  # missing or unreadable: load() says so, naming the file
        if self._registry is None or text is None or self._registry[0] != text:
            self._registry = (text, load(path))
        return self._registry[1]

    @property
    def alert_targets(self) -> tuple[str, ...]:
        """Every apprise URL alerts go to: the registry's `alerts.urls`, then `alert_urls`; none: alerts off."""
        # split before each scheme://, so that a comma inside a URL (mailto's to=a@b,c@d) stays
        extra = [u.strip(" ,") for u in re.split(r"[\s,]+(?=[A-Za-z][A-Za-z0-9+.-]*://)", self.alert_urls or "")]
        extra = [u for u in extra if u]
        return tuple(dict.fromkeys([*self.registry.alert_urls, *extra]))

    def dbt_env(self) -> dict[str, str]:
        """What a dbt subprocess started outside Dagster needs to find this data folder."""
        return {"SKM_DATA_DIR": str(self.paths.data_dir)}


def settings_markdown() -> str:
    """The README's table of settings (between `<!-- settings -->` markers), from the fields."""
    lines = ["| environment variable | setting | default | what it is |", "|---|---|---|---|"]
    fields = SkmContext.model_fields
    for var, name in ENVIRONMENT.items():
        f = fields[name]
        default = "repository's `data/`" if name == "data_dir" else f"`{f.default}`" if f.default is not None else "-"
        lines.append(f"| `{var}` | `{name}` | {default} | {f.description} |")
    return "\n".join(lines) + "\n"
