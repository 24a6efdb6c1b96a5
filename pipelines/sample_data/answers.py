"""Answer scales, the score model and how a score is written in each export style.

Scores are drawn as integers first and written afterwards, so the "true" score of every row is
known and the dirt injected on top is countable.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

from pipelines.settings import UNSUR_KEYS

# The 2017 answer words per unsur, index 0 = score 1 (see the methodology note).
SCALES: Mapping[str, tuple[str, str, str, str]] = {
    "persyaratan": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "prosedur": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    "waktu": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    "biaya": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    "produk": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "kompetensi": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    "perilaku": ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    "sarana": ("Buruk", "Cukup", "Baik", "Sangat baik"),
    "pengaduan": ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
}
GENERIC_SCALE: tuple[str, str, str, str] = ("Tidak baik", "Kurang baik", "Baik", "Sangat baik")

# The fifth, unscored option: a missing answer, never a zero.
MISSING_LABELS: tuple[str, ...] = ("Tidak tahu", "Tidak berlaku")
# Values that no normalisation may accept: these rows must be quarantined.
INVALID_LABELS: tuple[str, ...] = ("Lumayan",)
INVALID_NUMBERS: tuple[int, ...] = (7, 0)  # 7 sits above 4 on a numeric keypad

# Label variants that still carry a score: (label, unsur it replaces, score it means).
# None as unsur/score: the row's own label with odd casing and spacing.
LABEL_VARIANTS: tuple[tuple[str, str | None, int | None], ...] = (
    ("case_space", None, None),
    ("Dikekola dengan baik", "pengaduan", 4),
    ("Tidak sopan dan tidak ramah", "perilaku", 1),
    ("Sangat wajar", "biaya", 4),
)

_NOISE_SD = 0.55  # answer-to-answer noise around a respondent's mean
_RESPONDENT_SD = 0.30  # how much one respondent is happier or grumpier than the average


def _clamp_score(x: float) -> int:
    return min(4, max(1, math.floor(x + 0.5)))


def sample_scores(rng: random.Random, means: Mapping[str, float], free: bool,
                  straightline_share: float) -> dict[str, int]:
    """A respondent-level shift makes answers of one person correlate, as in real surveys; a
    share of respondents tick 4 everywhere; biaya for a free service is nearly always 4."""
    if rng.random() < straightline_share:
        return dict.fromkeys(UNSUR_KEYS, 4)
    shift = rng.gauss(0.0, _RESPONDENT_SD)
    scores: dict[str, int] = {}
    for u in UNSUR_KEYS:
        if u == "biaya" and free:
            r = rng.random()
            scores[u] = 4 if r < 0.93 else 3 if r < 0.99 else 2
        else:
            scores[u] = _clamp_score(means[u] + shift + rng.gauss(0.0, _NOISE_SD))
    return scores


def word_label(unsur: str, score: int, generic: bool) -> str:
    return (GENERIC_SCALE if generic else SCALES[unsur])[score - 1]


def numbered(score: int, label: str) -> str:
    """The "4 - Sangat sesuai" option style of some form builders."""
    return f"{score} - {label}"


def mangle_case_space(rng: random.Random, label: str) -> str:
    """Odd casing and spacing as typed or pasted by hand, e.g. "  sangat SESUAI". Always
    differs from the input so the variant is really there."""
    words = []
    for w in label.split(" "):
        pick = rng.randrange(3)
        words.append(w.lower() if pick == 0 else w.upper() if pick == 1 else w.capitalize())
    sep = "  " if rng.random() < 0.3 else " "
    text = "  " + sep.join(words) + (" " if rng.random() < 0.5 else "")
    return text
