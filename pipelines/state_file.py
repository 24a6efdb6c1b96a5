"""Small JSON state files beside the warehouse (the run lock's holder, the generation stamp):
read forgivingly, written atomically, so a reader never sees half a file."""

from __future__ import annotations

import json
import os
from pathlib import Path


def read_state(path: Path) -> dict:
    """The file's object, or {} when it is missing or unreadable (never written, or torn)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(path: Path, state: dict) -> None:
    """Write through a temporary file and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)
