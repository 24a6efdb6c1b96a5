"""``python -m pipelines.sample_data``: write demo exports into the data folder.

``--if-missing`` lets ``make data`` run on every ``make demo`` without clobbering exports a
person put there (real or edited ones).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines.registry import load_registry
from pipelines.sample_data.generate import DEFAULT_PERIODES, default_registry, write_sample
from pipelines.context import SkmContext


def _registry_for(out: Path) -> Path:
    """The run context's registry file when one is set (SKM_REGISTRY), as everywhere else in the
    project; then out/sources.yml; then the repo's."""
    configured = SkmContext.from_env().registry_file
    return Path(configured) if configured else default_registry(out)


def _existing_exports(out: Path, registry: Path) -> list[Path]:
    found: list[Path] = []
    for source in load_registry(registry):
        root = source.landing_dir(out)
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.sample_data",
        description="Write seeded sample SKM exports for every registry source and periode.",
    )
    parser.add_argument("--out", type=Path, default=None, help="data folder (default: SKM_DATA_DIR or data/)")
    parser.add_argument("--rows", type=int, default=400, help="responses per source and periode, +-10%% (default 400)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--periodes", nargs="+", default=list(DEFAULT_PERIODES), metavar="PERIODE",
                        help="e.g. 2025-S1 2025-S2")
    parser.add_argument("--suspicious", nargs="+", default=[], metavar="SOURCE",
                        help="plant suspicious submissions (bursts, straight-lining) in these sources' files; "
                             "the ground truth goes to raw/_sample_truth/, never into the exports")
    parser.add_argument("--if-missing", action="store_true",
                        help="do nothing when any source's landing folder already holds a file")
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be 0 or more")

    out: Path = (args.out or SkmContext.from_env().paths.data_dir).resolve()
    registry = _registry_for(out)
    if args.if_missing:
        existing = _existing_exports(out, registry)
        if existing:
            print(f"sample data: {len(existing)} export file(s) already under {out}, nothing written (--if-missing)")
            return 0
    try:
        written = write_sample(out, registry, rows=args.rows, seed=args.seed, periodes=args.periodes,
                               suspicious=args.suspicious)
    except ValueError as exc:
        parser.error(str(exc))
    for w in written:
        extra = f", {w.invalid} invalid" if w.invalid else ""
        extra += f", {w.duplicates} duplicate" if w.duplicates else ""
        extra += f", {w.planted} planted suspicious" if w.planted else ""
        print(f"wrote {w.path.relative_to(out)} ({w.responses} responses{extra})")
    total = sum(w.responses for w in written)
    n_sources = len({w.source_code for w in written})
    print(f"sample data: {len(written)} files, {total} responses, {n_sources} sources x {len(args.periodes)} "
          f"periodes, seed {args.seed}, in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
