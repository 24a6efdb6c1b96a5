"""The ingest stage in Dagster: one step that brings the raw lake up to date with every landed
export and tells, per source and per file, what it found."""

from collections import Counter

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from pipelines.ingest.landed import record_ingested, snapshot
from pipelines.ingest.loader import IngestResult, ingest
from pipelines.ingest.rtl import RtlFile, ingest_rtl
from pipelines.partitions import periodes_of, semester_partitions
from pipelines.context import SkmContext
from pipelines.run_lock import RunLock

RAW_RESPONSES = AssetKey(["raw", "responses"])
RAW_INGEST_FILES = AssetKey(["raw", "ingest_files"])
RAW_SOURCES = AssetKey(["raw", "sources"])
RAW_RTL = AssetKey(["raw", "rtl"])
RAW_RTL_FILES = AssetKey(["raw", "rtl_files"])


def _markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _metadata(result: IngestResult) -> dict:
    current = [f for f in result.files if f.status not in ("replaced", "removed")]
    per_source: dict[str, Counter] = {}
    for f in current:
        c = per_source.setdefault(f.source_code, Counter())
        c["files"] += 1
        c[f.status] += 1
        c["rows"] += f.rows_read or 0
    table = _markdown_table(
        ["source", "files", "loaded", "duplicate files", "errors", "rows"],
        [[s, c["files"], c["loaded"], c["duplicate_file"], c["error"], c["rows"]] for s, c in sorted(per_source.items())],
    )
    problems = [f.message for f in current if f.status != "loaded"]
    return {
        "rows_loaded": MetadataValue.int(sum(f.rows_read or 0 for f in current if f.status == "loaded")),
        "files_loaded": MetadataValue.int(sum(1 for f in current if f.status == "loaded")),
        "files_with_errors": MetadataValue.int(sum(1 for f in current if f.status == "error")),
        "per_source": MetadataValue.md(table),
        "file_problems": MetadataValue.md("\n".join(f"- {m}" for m in problems) or "none"),
    }


@multi_asset(
    specs=[
        AssetSpec(RAW_RESPONSES, group_name="ingest",
                  description="Every loaded export's rows, canonical columns as text, with source, file, "
                              "sha256 and row number (Parquet lake under data/warehouse/raw/responses)."),
        AssetSpec(RAW_INGEST_FILES, group_name="ingest",
                  description="One row per landed file: loaded, duplicate_file, replaced, removed or error "
                              "with a message naming the file and what is wrong."),
        AssetSpec(RAW_SOURCES, group_name="ingest", description="The source registry (data/sources.yml) as a table."),
        AssetSpec(RAW_RTL, group_name="ingest",
                  description="Every row of the OPD's follow-up plans (RTL files under data/rtl/<periode>/), as "
                              "text, with file, sha256 and row number; re-read whole by every run."),
        AssetSpec(RAW_RTL_FILES, group_name="ingest",
                  description="One row per landed RTL file: loaded, duplicate_file or error with its message."),
    ],
    partitions_def=semester_partitions,
    backfill_policy=BackfillPolicy.single_run(),
)
def raw_lake(context: AssetExecutionContext, skm: SkmContext, run_lock: RunLock):  # noqa: ARG001 - held
    """Reads the landing folders of the run's semesters; new or changed files only (by sha256)."""
    p = skm.paths
    sources = list(skm.registry.sources)
    periodes = periodes_of(context.partition_key_range)
    context.log.info(f"Ingesting {', '.join(periodes)}")
    landed = snapshot(sources, p.data_dir)  # before reading: a file changed meanwhile is read again
    result = ingest(sources, p.data_dir, p.lake, periodes=periodes, workers=skm.ingest_workers,
                    memory_limit=skm.ingest_memory_limit)
    for f in result.files:
        if f.status == "error":
            context.log.warning(f.message)
    record_ingested(p, landed, periodes)  # the landing sensor does not relaunch these files
    # the plans are a few dozen rows: every periode's, every run (pipelines/ingest/rtl.py)
    rtl = ingest_rtl(skm.registry.rtl_landing, p.data_dir, p.lake)
    for f in rtl:
        if f.status != "loaded":
            context.log.warning(f.message)
    meta = _metadata(result)
    yield MaterializeResult(asset_key=RAW_RESPONSES, metadata=meta)
    yield MaterializeResult(asset_key=RAW_INGEST_FILES, metadata={"files": MetadataValue.int(len(result.files))})
    yield MaterializeResult(asset_key=RAW_SOURCES, metadata={"sources": MetadataValue.int(len(sources))})
    yield MaterializeResult(asset_key=RAW_RTL, metadata=_rtl_metadata(rtl))
    yield MaterializeResult(asset_key=RAW_RTL_FILES, metadata={"files": MetadataValue.int(len(rtl))})


def _rtl_metadata(files: list[RtlFile]) -> dict:
    return {
        "rows_loaded": MetadataValue.int(sum(f.rows_read or 0 for f in files if f.status == "loaded")),
        "files_loaded": MetadataValue.int(sum(1 for f in files if f.status == "loaded")),
        "files_with_errors": MetadataValue.int(sum(1 for f in files if f.status == "error")),
        "file_problems": MetadataValue.md("\n".join(f"- {f.message}" for f in files if f.message) or "none"),
    }
