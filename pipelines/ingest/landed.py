"""What is in the landing folders, as (size, modification time) per file, and what the ingest step
last read from them.

The landing sensor launches a semester for a file it has not seen. A run started elsewhere (`skm
run`, `make demo`, the Materialize button) reads files the sensor never saw; without a record of
them, the first `make dev` after `make demo` relaunched every semester the demo had just
published. So the ingest step writes down the landed files of the semesters it read
(``<data_dir>/warehouse/landed_files.json``), and the sensor counts a file as seen when either
its own cursor or that record has it as it is now."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipelines.ingest.loader import landed_files
from pipelines.registry import Source
from pipelines.settings import Paths
from pipelines.state_file import read_state, write_state


def snapshot(sources: Iterable[Source], data_dir: Path) -> dict[str, str]:
    """'source/relative path' -> 'size:mtime_ns' for every landed file."""
    out: dict[str, str] = {}
    for s in sources:
        for path, name in landed_files(s, data_dir):
            st = path.stat()
            out[f"{s.code}/{name}"] = f"{st.st_size}:{st.st_mtime_ns}"
    return out


def periode_of(key: str) -> str | None:
    """The semester folder of a snapshot key ('code/2025-S2/x.csv' -> '2025-S2'); None for a file
    outside any semester folder."""
    parts = key.split("/")
    return parts[1] if len(parts) > 2 else None


def ingested_path(paths: Paths) -> Path:
    return paths.lake.parent / "landed_files.json"


def read_ingested(paths: Paths) -> dict[str, str]:
    """The landed files as the ingest step last read them ({} before any run)."""
    return {str(k): str(v) for k, v in read_state(ingested_path(paths)).items()}


def record_ingested(paths: Paths, files: dict[str, str], periodes: Iterable[str]) -> None:
    """Replace the record's entries of `periodes` by `files` (a snapshot taken before the
    ingest read them: a file that changes while it is read differs from the record, and the
    sensor launches it again)."""
    keep = set(periodes)
    state = {k: v for k, v in read_ingested(paths).items() if periode_of(k) not in keep}
    state.update({k: v for k, v in files.items() if periode_of(k) in keep})
    write_state(ingested_path(paths), dict(sorted(state.items())))
