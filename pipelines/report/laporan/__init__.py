"""The Laporan SKM: one self-contained HTML page (and a PDF when Chromium is installed) per
periode for the city and for each OPD, built from the published file only."""

from pipelines.report.laporan.build import ReportFile, build_reports, build_reports_from, report_context
from pipelines.publish.disclosure import MIN_GROUP
from pipelines.report.laporan.fmt import angka, suppress_counts

__all__ = ["MIN_GROUP", "ReportFile", "angka", "build_reports", "build_reports_from", "report_context",
           "suppress_counts"]
