"""Seeded sample OPD exports for demos and tests: ``generate(data_dir)`` writes one realistic file
per registry source and periode, with a small, countable amount of dirt (see the constants)."""

from pipelines.sample_data.generate import (
    DIRT_KINDS_JSON,
    DIRT_KINDS_NUMBERS_CSV,
    DIRT_KINDS_WORDS,
    DIRT_KINDS_XLSX,
    DIRT_MIN_ROWS,
    DIRTY_ROW_RATE,
    DUPLICATES_PER_JSON_FILE,
    INVALID_ROW_RATE,
    ROW_COUNT_SPREAD,
    DirtCounts,
    WrittenFile,
    dirt_counts,
    generate,
    row_count,
    write_sample,
)

__all__ = [
    "DIRT_KINDS_JSON",
    "DIRT_KINDS_NUMBERS_CSV",
    "DIRT_KINDS_WORDS",
    "DIRT_KINDS_XLSX",
    "DIRT_MIN_ROWS",
    "DIRTY_ROW_RATE",
    "DUPLICATES_PER_JSON_FILE",
    "INVALID_ROW_RATE",
    "ROW_COUNT_SPREAD",
    "DirtCounts",
    "WrittenFile",
    "dirt_counts",
    "generate",
    "row_count",
    "write_sample",
]
