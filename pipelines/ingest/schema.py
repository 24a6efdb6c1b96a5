"""The contract between ingest and dbt: what the raw Parquet lake holds.

Layout under ``Paths.lake`` (``data/warehouse/raw``):

- ``responses/<source_code>/<file_sha256>.parquet``: one file per loaded export, one row per data
  row of the export, every value as text exactly as the export had it (answers not yet scored,
  dates not yet parsed: normalising is dbt's job, driven by seeds). ``responses/_empty.parquet``
  holds the schema with zero rows so that a glob never fails on an empty lake.
- ``ingest_files.parquet``: one row per landed file ever seen, with its status. Only rows of files
  whose status is ``loaded`` count; a corrected re-export marks the file it replaces ``replaced``.
- ``rtl/<file_sha256>.parquet`` and ``rtl_files.parquet``: the OPD's follow-up plans (RTL files,
  pipelines/ingest/rtl.py), every value as text, with the same lineage, and their file log.
- ``sources.parquet``: the registry as a table (source_code, opd_kode, opd_nama, format,
  timezone, landing).

Parquet keeps ingest engine-neutral: DuckDB reads it directly, Spark as external tables.
"""

from __future__ import annotations

from pipelines.rtl_template import RTL_HEADERS
from pipelines.settings import UNSUR_KEYS

LINEAGE_COLUMNS: dict[str, str] = {
    "source_code": "VARCHAR",
    "opd_kode": "VARCHAR",  # registry value unless the source maps an OPD column
    "file_name": "VARCHAR",  # path relative to the source's landing folder
    "file_sha256": "VARCHAR",
    "periode_declared": "VARCHAR",  # the landing sub-folder, e.g. '2025-S1'
    "row_number": "BIGINT",  # 1-based data row within the file (header excluded)
    "source_timezone": "VARCHAR",  # how to read a timestamp without an offset
}
VALUE_COLUMNS: dict[str, str] = {
    "submission_id": "VARCHAR",
    "device_id": "VARCHAR",
    "submitted_at": "VARCHAR",
    "jenis_layanan": "VARCHAR",
    **{f"u_{k}": "VARCHAR" for k in UNSUR_KEYS},
    "jenis_kelamin": "VARCHAR",
    "usia": "VARCHAR",
    "pendidikan": "VARCHAR",
    "pekerjaan": "VARCHAR",
    "saran": "VARCHAR",
    # Salted sha256 of the row's personal data (nama, no_hp, email, nik), NULL when none.
    # The personal data itself is never written.
    "respondent_hash": "VARCHAR",
}
# Written by the loader from a value column under the file's date decision (pipelines/ingest/dates.py):
# the survey time as ISO 8601 text (local time, or with its offset), NULL when it does not read.
DERIVED_COLUMNS: dict[str, str] = {
    "submitted_at_iso": "VARCHAR",
}
RESPONSE_COLUMNS: dict[str, str] = {**LINEAGE_COLUMNS, **VALUE_COLUMNS, **DERIVED_COLUMNS}

INGEST_FILE_COLUMNS: dict[str, str] = {
    "source_code": "VARCHAR",
    "file_name": "VARCHAR",
    "file_sha256": "VARCHAR",
    "periode_declared": "VARCHAR",
    "file_bytes": "BIGINT",
    "status": "VARCHAR",  # loaded | duplicate_file | replaced | error
    "message": "VARCHAR",  # for anything but 'loaded': what is wrong, naming the file
    "rows_read": "BIGINT",  # data rows written to the lake (NULL when unreadable)
    "rows_blank": "BIGINT",  # rows with no value in any mapped column (trailing blank rows): skipped
    "config_sha": "VARCHAR",  # fingerprint of the registry entry the file was read with
    # how the file's dates were read (day_first | month_first | iso | excel_serial | declared
    # patterns) and why: the evidence from the column, or "declared in the registry"
    "date_format": "VARCHAR",
    "date_evidence": "VARCHAR",
    "ingested_at": "TIMESTAMP",
}

SOURCE_COLUMNS: dict[str, str] = {
    "source_code": "VARCHAR",
    "opd_kode": "VARCHAR",
    "opd_nama": "VARCHAR",
    "format": "VARCHAR",
    "timezone": "VARCHAR",
    "landing": "VARCHAR",
}


RTL_COLUMNS: dict[str, str] = {
    "file_name": "VARCHAR",  # relative to the RTL landing folder: '2025-S1/DPMPTSP.xlsx'
    "file_sha256": "VARCHAR",
    "periode_declared": "VARCHAR",  # the periode folder
    "row_number": "BIGINT",  # 1-based data row (header excluded)
    **{f: "VARCHAR" for f in RTL_HEADERS},  # every value as text, exactly as the file had it
}
RTL_FILE_COLUMNS: dict[str, str] = {
    "file_name": "VARCHAR",
    "file_sha256": "VARCHAR",
    "periode_declared": "VARCHAR",
    "file_bytes": "BIGINT",
    "status": "VARCHAR",  # loaded | duplicate_file | error
    "message": "VARCHAR",  # for anything but 'loaded': what is wrong, naming the file
    "rows_read": "BIGINT",  # data rows written to the lake
    "rows_blank": "BIGINT",  # rows with no value in any column: skipped
    "ingested_at": "TIMESTAMP",
}


def ddl(columns: dict[str, str]) -> str:
    return ", ".join(f'"{c}" {t}' for c, t in columns.items())
