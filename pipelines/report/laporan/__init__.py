"""The Laporan SKM: one self-contained HTML page (and a PDF when Chromium is installed) per
periode for the city and for each OPD, built from the published file only. The rules it shows
come from below the report stage: the mutu bands (pipelines.mutu), the periode
(pipelines.periode), the suppression of small groups (pipelines.publish.disclosure)."""

from pipelines.report.laporan.build import ReportFile, build_reports, build_reports_from, report_context
from pipelines.report.laporan.fmt import angka, suppress_counts

__all__ = ["ReportFile", "angka", "build_reports", "build_reports_from", "report_context", "suppress_counts"]
