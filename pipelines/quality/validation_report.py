"""The run's GX results as one self-contained HTML page (the equivalent of GX Data Docs, which
need a file context): ``<data_dir>/warehouse/reports/validation.html``. Every check stores its
suite's result as JSON and re-renders the page from the latest result of every suite."""

from __future__ import annotations

import contextlib
import fcntl
import html
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipelines.quality.validation import SuiteResult, now_utc, fmt_value
from pipelines.settings import Paths


def reports_dir(p: Paths) -> Path:
    return p.data_dir / "warehouse" / "reports"


def report_path(p: Paths) -> Path:
    return reports_dir(p) / "validation.html"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the report is for people to open
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Checks may run in parallel processes; each stores its result and re-renders the page."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def record_result(result: SuiteResult, directory: Path, suites: Sequence[str] | None = None) -> Path:
    """Store one suite's result and re-render the page from the latest result of every suite
    (``suites``: the ones that still exist), so the page covers the whole run however the checks
    were scheduled."""
    store = directory / "gx"
    with _locked(directory / ".validation.lock"):
        _atomic_write(store / f"{result.suite}.json", result.to_json())
        results = []
        for f in sorted(store.glob("*.json")):
            if suites is None or f.stem in suites:
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    results.append(SuiteResult.from_json(f.read_text(encoding="utf-8")))
        path = directory / "validation.html"
        render_report(results, path)
    return path


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2933;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .25rem}
.sub{color:#616e7c;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d9e2ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.pass{color:#0b6b3a;font-weight:600}.fail{color:#b42318;font-weight:600}
tr.failed td{background:#fff5f5}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:12px;font-weight:600}
.badge.pass{background:#e3f9e5}.badge.fail{background:#ffe3e3}
.rows td,.rows th{font-size:12px;padding:.15rem .35rem}
.why{color:#616e7c;font-size:12px}
"""


def _badge(ok: bool) -> str:
    return f'<span class="badge {"pass" if ok else "fail"}">{"passed" if ok else "FAILED"}</span>'


def _rows_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    header = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt_value(r.get(h)))}</td>" for h in header) + "</tr>" for r in rows
    )
    return f'<table class="rows"><tr>{head}</tr>{body}</table>'


def _suite_section(r: SuiteResult) -> str:
    passed = sum(e.success for e in r.expectations)
    out = [
        f'<h2 id="{html.escape(r.suite)}">{html.escape(r.suite)} {_badge(r.success)}</h2>',
        f'<p class="sub">profile <code>{html.escape(r.dataset)}</code> ({r.rows} rows) &middot; '
        f'asset <code>{html.escape(r.asset)}</code> &middot; {passed} of {len(r.expectations)} '
        f"expectations passed &middot; validated {html.escape(r.validated_at)}</p>",
    ]
    if r.error:
        out.append(f'<p class="fail">{html.escape(r.error)}</p>')
    if r.expectations:
        out.append("<table><tr><th>status</th><th>expectation</th><th>column</th><th>rule</th>"
                   "<th>observed</th><th>offending rows / unexpected values</th></tr>")
        for e in r.expectations:
            detail = _rows_table(e.offending_rows) or (
                html.escape(", ".join(map(fmt_value, e.unexpected_values))) if e.unexpected_values else "")
            why = f'<div class="why">{html.escape(e.why)}</div>' if e.why else ""
            out.append(
                f'<tr class="{"passed" if e.success else "failed"}"><td>{_badge(e.success)}</td>'
                f"<td><code>{html.escape(e.type)}</code>{why}</td>"
                f"<td><code>{html.escape(e.column or '(table)')}</code></td>"
                f"<td>{html.escape(e.rule)}</td><td>{html.escape(e.observed)}</td><td>{detail}</td></tr>"
            )
        out.append("</table>")
    return "\n".join(out)


def render_report(results: Sequence[SuiteResult], path: Path) -> Path:
    """One page, no external assets: it opens from a file share or an e-mail attachment."""
    ok = all(r.success for r in results)
    summary = "".join(
        f'<tr class="{"passed" if r.success else "failed"}"><td><a href="#{html.escape(r.suite)}">'
        f"{html.escape(r.suite)}</a></td><td><code>{html.escape(r.dataset)}</code></td>"
        f"<td><code>{html.escape(r.asset)}</code></td><td>{r.rows}</td>"
        f"<td>{sum(e.success for e in r.expectations)} / {len(r.expectations)}</td>"
        f"<td>{_badge(r.success)}</td><td>{html.escape(r.validated_at)}</td></tr>"
        for r in results
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SKM data validation</title>
<style>{_CSS}</style></head><body>
<h1>SKM data validation {_badge(ok)}</h1>
<p class="sub">Great Expectations suites from <code>expectations/</code>, run on the profiles dbt
builds (<code>dbt_project/models/profiles/</code>). Rendered {html.escape(now_utc())}.</p>
<table><tr><th>suite</th><th>profile</th><th>asset</th><th>rows</th><th>passed</th><th>status</th>
<th>validated</th></tr>{summary}</table>
{"".join(_suite_section(r) for r in results)}
</body></html>
"""
    _atomic_write(path, page)
    return path
