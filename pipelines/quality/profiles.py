"""The profiles the GX suites validate: dbt models under ``dbt_project/models/profiles/``.

A profile is a small table the warehouse computes with its other models (one row per loaded
file, per source x periode x unsur, or per row of a mart, which are already small), so a
validation costs the same for 5 000 or 50 million responses. Each is documented and tested like
any other model in the yml beside it; its ``config.meta.gx_keys`` are the columns that say which
row is at fault, shown with every failure. A suite names its profile by the part after
``profile_`` (``meta.dataset: ikm_opd`` -> model ``profile_ikm_opd``, table ``profiles.profile_ikm_opd``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from pipelines.settings import DBT_PROJECT_DIR

PROFILE_MODELS_DIR = DBT_PROJECT_DIR / "models" / "profiles"
SCHEMA = "profiles"  # dbt_project.yml: models/profiles -> +schema: profiles
PREFIX = "profile_"


@dataclass(frozen=True)
class Profile:
    """One profile model: ``dataset`` as suites name it, its model, its keys and description."""

    dataset: str
    model: str
    keys: tuple[str, ...]
    about: str

    @property
    def table(self) -> str:
        return f"{SCHEMA}.{self.model}"

    @property
    def asset(self) -> str:
        """Its Dagster asset key as printed (the dbt assets are keyed <models sub-folder>/<model>)."""
        return f"{SCHEMA}/{self.model}"


@cache
def profiles(directory: Path = PROFILE_MODELS_DIR) -> dict[str, Profile]:
    """dataset -> Profile, from the profile models' ymls (read as files: no dbt parse)."""
    out = {}
    for yml in sorted(directory.glob(f"{PREFIX}*.yml")):
        for model in yaml.safe_load(yml.read_text(encoding="utf-8")).get("models") or []:
            name = model["name"]
            keys = ((model.get("config") or {}).get("meta") or {}).get("gx_keys") or []
            out[name.removeprefix(PREFIX)] = Profile(name.removeprefix(PREFIX), name, tuple(keys),
                                                     " ".join((model.get("description") or "").split()))
    return out


def read_profile(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """The built profile table, in a stable order (every column left to right, the keys first in
    every profile), so the rows a failure shows are the same from run to run."""
    return con.execute(f"SELECT * FROM {profiles()[dataset].table} ORDER BY ALL").df()
