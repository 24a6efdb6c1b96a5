"""Suspicious submissions planted among normal ones, with the ground truth kept aside.

What the data team meets where the survey is compulsory or staff hold the tablet: bursts of
submissions from one kiosk minutes apart (often all 4, or one answer pattern copied), and
straight-lined (all 4) submissions far above the unit's usual rate. Normal rows are turned into
planted ones (the row count stays what ``row_count`` says), and which rows were planted is
written to a sidecar file outside every landing folder: never into the export's columns.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from pipelines.settings import UNSUR_KEYS

# Share of a file's responses turned into burst members (groups of BURST_SIZE from one device).
BURST_SHARE = 0.10
BURST_SIZE = (5, 8)
BURST_GAP_SECONDS = (20, 90)  # between two submissions of a burst
BURST_ALL_FOUR_SHARE = 0.6  # the other bursts repeat one respondent's answers exactly
# Share of a file's responses turned into scattered all-4 submissions.
STRAIGHTLINE_SHARE = 0.12
_EDGE = dt.timedelta(hours=2)  # bursts stay well inside the semester


def truth_path(data_dir: Path, source_code: str, periode: str) -> Path:
    """Where the ground truth of one file goes: beside the landing folders, never in one."""
    return Path(data_dir) / "raw" / "_sample_truth" / source_code / f"{periode}.json"


def plant(rows: list[Any], rng: random.Random, devices: int, has_device: bool,
          start: dt.datetime, end: dt.datetime) -> None:
    """Turn some rows into planted ones in place; sets ``row.planted`` to (kind, device index).
    Bursts need a device id in the export (a burst is judged per device)."""
    n = len(rows)
    free = list(range(n))
    rng.shuffle(free)
    if has_device and n >= 20:
        target = round(n * BURST_SHARE)
        anchors = [i for i in range(n) if start + _EDGE <= rows[i].local <= end - _EDGE]
        while target > 0 and anchors and free:
            size = min(target, rng.randint(*BURST_SIZE))
            if size < BURST_SIZE[0]:
                break
            at = rows[rng.choice(anchors)].local
            device = rng.randrange(devices)
            pattern = dict.fromkeys(UNSUR_KEYS, 4)
            if rng.random() >= BURST_ALL_FOUR_SHARE:
                pattern = dict(rows[rng.choice(free)].scores)
            for _ in range(size):
                if not free:
                    break
                r = rows[free.pop()]
                at += dt.timedelta(seconds=rng.randint(*BURST_GAP_SECONDS))
                r.local = at
                r.scores = dict(pattern)
                r.planted = ("beruntun", device)
            target -= size
    for _ in range(round(n * STRAIGHTLINE_SHARE)):
        if not free:
            break
        r = rows[free.pop()]
        r.scores = dict.fromkeys(UNSUR_KEYS, 4)
        r.planted = ("seragam", None)
    rows.sort(key=lambda r: r.local)


def write_truth(data_dir: Path, source_code: str, periode: str, planted: list[dict[str, Any]]) -> Path:
    path = truth_path(data_dir, source_code, periode)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"source_code": source_code, "periode": periode, "planted": planted}, indent=1),
                    encoding="utf-8")
    return path


def read_truth(data_dir: Path) -> list[dict[str, Any]]:
    """Every planted row of every file under ``data_dir``: source_code, periode, row (1-based data
    row in the export), submission_id, kind, clean (no dirt on it, so its pattern survived)."""
    root = Path(data_dir) / "raw" / "_sample_truth"
    out: list[dict[str, Any]] = []
    for f in sorted(root.rglob("*.json")) if root.is_dir() else []:
        doc = json.loads(f.read_text(encoding="utf-8"))
        out += [{"source_code": doc["source_code"], "periode": doc["periode"], **p} for p in doc["planted"]]
    return out
