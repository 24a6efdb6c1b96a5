"""The Laporan SKM and the exports as a Dagster asset, after publication.

It reads the PUBLISHED file only (read-only), so what it writes is exactly what was audited and
published: for each semester of the run, the exports (Parquet + XLSX) under
``published/exports/<periode>/``, the open data for a Satu Data portal (CSV, datapackage.json,
MS-Keg, MS-Ind) under ``published/opendata/<periode>/`` and the reports (HTML, and PDF when
Chromium is installed) under ``published/laporan/<periode>/``. A missing Chromium never fails the asset: the PDF is recorded as
skipped."""

import time
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue, asset

from pipelines.context import SkmContext
from pipelines.partitions import periodes_of
from pipelines.publish.assets import PUBLISH_STEP
from pipelines.report.exports import ExportedTable, write_exports_from, xlsx_path
from pipelines.report.laporan.build import LaporanOptions, ReportFile, build_reports_from
from pipelines.report.opendata import OpenDataFile, write_opendata_from
from pipelines.run_lock import RunLock


@asset(
    deps=[AssetKey("published_warehouse")],
    group_name="report",
    **PUBLISH_STEP,
    description="Laporan SKM per semester (kota and each OPD; HTML, PDF when Chromium is installed), the "
                "exports of the published tables (Parquet, XLSX) and the open data (CSV, datapackage.json, "
                "MS-Keg, MS-Ind), all read from data/published/skm.duckdb.",
)
def laporan_skm(context: AssetExecutionContext, skm: SkmContext,
                run_lock: RunLock) -> MaterializeResult:  # noqa: ARG001 - held
    p = skm.paths
    if not p.published.exists():
        raise Failure(description=f"No published file at {p.published}: publish (published_warehouse) first.")
    periodes = periodes_of(context.partition_key_range)
    exports_root, laporan_root = p.published.parent / "exports", p.published.parent / "laporan"
    opendata_root = p.published.parent / "opendata"
    started = time.perf_counter()
    con = duckdb.connect(str(p.published), read_only=True)
    try:
        exports = write_exports_from(con, exports_root, periodes, skm.xlsx_max_rows, skm.kota_nama)
        t_exports = time.perf_counter() - started
        opendata = write_opendata_from(con, opendata_root, periodes, skm.kota_nama)
        t_opendata = time.perf_counter() - started - t_exports
        options = LaporanOptions(kota_nama=skm.kota_nama, pdf=skm.laporan_pdf, chromium=skm.chromium,
                                 browsers=skm.laporan_browsers)
        # one periode at a time, each timed: the cost per report (make bench) is per semester
        reports, seconds_by_periode = {}, {}
        for per in periodes:
            t_per = time.perf_counter()
            reports.update(build_reports_from(con, laporan_root, [per], options))
            seconds_by_periode[per] = round(time.perf_counter() - t_per, 3)
    finally:
        con.close()
    elapsed = time.perf_counter() - started

    lines, meta = _file_listing(periodes, exports, reports, exports_root, opendata)
    missing = [per for per in periodes if not exports.get(per)]
    all_reports = [r for rs in reports.values() for r in rs]
    pdf_written = sum(r.pdf is not None for r in all_reports)
    not_written = sorted({r.pdf_status for r in all_reports if r.pdf is None})
    for status in not_written:
        context.log.warning(f"PDF not written for some reports: {status}")
    if missing:
        context.log.warning(f"No published data for {', '.join(missing)}: nothing written for it.")
    return MaterializeResult(metadata={
        "laporan_dir": MetadataValue.path(str(laporan_root)),
        "exports_dir": MetadataValue.path(str(exports_root)),
        "opendata_dir": MetadataValue.path(str(opendata_root)),
        "periodes": MetadataValue.text(", ".join(per for per in periodes if per not in missing) or "none"),
        "periodes_without_data": MetadataValue.text(", ".join(missing) or "none"),
        "files": MetadataValue.md("\n".join(lines)),
        "reports_html": MetadataValue.int(len(all_reports)),
        "reports_pdf": MetadataValue.int(pdf_written),
        "pdf_status": MetadataValue.text("; ".join(not_written) or "all written"),
        "export_files": MetadataValue.int(sum(len(v) + (1 if v else 0) for v in exports.values())),
        "seconds_exports": MetadataValue.float(round(t_exports, 2)),
        "seconds_opendata": MetadataValue.float(round(t_opendata, 2)),
        "seconds_total": MetadataValue.float(round(elapsed, 2)),
        "seconds_by_periode": MetadataValue.json(seconds_by_periode),
        "reports_by_periode": MetadataValue.json({per: len(rs) for per, rs in reports.items()}),
        **meta,
    })


def _file_listing(periodes: list[str], exports: dict[str, list[ExportedTable]], reports: dict[str, list[ReportFile]],
                  exports_root: Path, opendata: dict[str, list[OpenDataFile]]) -> tuple[list[str], dict]:
    """The materialisation's table of every file written (markdown lines) and the rows per
    exported table (`rows_<periode>_<table>`)."""
    lines = ["| periode | berkas | baris / responden | catatan |", "|---|---|---|---|"]
    meta: dict = {}
    for per in periodes:
        for e in exports.get(per, []):
            lines.append(f"| {per} | {e.parquet} | {e.rows} | {e.table}, filter {e.filter} |")
            meta[f"rows_{per}_{e.table}"] = MetadataValue.int(e.rows)
        if exports.get(per):
            sheet_rows = sum(e.xlsx_rows for e in exports[per])
            lines.append(f"| {per} | {xlsx_path(exports_root, per)} | {sheet_rows} | XLSX, "
                         f"{len(exports[per])} lembar |")
        for f in opendata.get(per, []):
            lines.append(f"| {per} | {f.path} | {'-' if f.rows is None else f.rows} | data terbuka: {f.what} |")
        for r in reports.get(per, []):
            lines.append(f"| {per} | {r.html} | {r.jumlah_responden} | laporan {r.unit} (HTML) |")
            lines.append(f"| {per} | {r.pdf or '-'} | {r.jumlah_responden} | laporan {r.unit} (PDF: {r.pdf_status}) |")
    return lines, meta
