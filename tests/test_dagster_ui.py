"""The real thing: `dagster dev` (webserver + daemon) on a small estate, driven through the
webserver's GraphQL API the way the UI drives it, and the asset graph rendered by headless Chromium.

The tests share one server (module fixture) and run in order: the sensor's first tick, a run
launched through the API, a file dropped into a landing folder, the UI's lineage page (Chromium
driven over the DevTools protocol, pipelines/report/laporan/chromium.py). Artefacts
(server log, DOM, screenshot) are kept in artifacts/ui/.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from pipelines.report.laporan.chromium import HeadlessChromium
from pipelines.registry import load_registry
from pipelines.settings import REPO_ROOT
from tests.conftest import make_data_dir
from tests.dagster_server import DagsterServer

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "artifacts" / "ui"
SENSOR_INTERVAL = 5
RUN_TIMEOUT = 300  # one run takes 20-40 s; generous for a busy 2-core CI machine
FIRST_TICK_TIMEOUT = 360  # the sensor's first tick launches every landed semester
JOB = "skm_semester"
SENSOR = "landing_sensor"
GROUPS = ("ingest", "transform", "publish", "report")
# The lineage page zooms the graph to fit the viewport's WIDTH and draws no asset node below 15 %
# zoom (group boxes only); it draws only the nodes inside the viewport. Every group expanded, our
# assets lay out about 7200 px wide: at 1600 px wide the zoom is 14 % and the nodes vanish; 2200 px
# leaves a 1660 px wide viewport (23 %). The height grows with the models (~95 assets with the
# follow-up and saran theme marts): 3200 px keeps the ingest group at the bottom in view.
WINDOW = (2200, 3200)
# One asset per stage, as the graph labels them (the last part of the asset key).
STAGE_ASSETS = ("responses", "ikm_opd", "published_warehouse", "laporan_skm")
GRAPH_TIMEOUT = 180  # seconds for the page to draw every asset node


class Estate:
    def __init__(self, data_dir: Path, server: DagsterServer, tmp: Path):
        self.data_dir = data_dir
        self.server = server
        self.tmp = tmp

    @property
    def published(self) -> Path:
        return self.data_dir / "published" / "skm.duckdb"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("dagster_ui")
    data_dir = make_data_dir(tmp / "estate", rows=30)
    server = DagsterServer(data_dir, tmp / "dagster_home", ARTIFACTS / "dagster-dev.log",
                           env={"SKM_SENSOR_INTERVAL": str(SENSOR_INTERVAL)})
    try:
        server.start()
        server.wait_ready("skm", timeout=180)
        yield Estate(data_dir, server, tmp)
    finally:
        server.stop()  # the whole process group, whatever happened


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def explain(server: DagsterServer, runs: list[dict]) -> str:
    lines = []
    for r in runs:
        lines.append(f"{r['runId']} {r['status']} partition={r['tags'].get('dagster/partition')}")
        if r["status"] != "SUCCESS":
            lines += [f"    {m}" for m in server.failure_messages(r["runId"])]
    return "\n".join(lines) + f"\n(server log: {server.log_path})"


def landed_semesters(data_dir: Path) -> set[str]:
    return {d.name for s in load_registry(data_dir / "sources.yml") if s.landing_dir(data_dir).is_dir()
            for d in s.landing_dir(data_dir).iterdir() if d.is_dir() and any(d.iterdir())}


# --- 1. the sensor's first tick ----------------------------------------------------------------------


def test_sensor_first_tick_runs_every_landed_semester(estate: Estate):
    server = estate.server
    semesters = landed_semesters(estate.data_dir)
    assert semesters == {"2025-S1", "2025-S2"}
    runs = server.wait_until_idle(FIRST_TICK_TIMEOUT, min_runs=len(semesters))
    assert sorted(r["tags"].get("skm/periode") for r in runs) == sorted(semesters), explain(server, runs)
    assert all(r["jobName"] == JOB and r["tags"].get("skm/trigger") == "new-file"
               and r["tags"].get("dagster/sensor_name") == SENSOR for r in runs), runs
    assert all(r["status"] == "SUCCESS" for r in runs), "sensor runs did not all succeed:\n" + explain(server, runs)


# --- 2. a run launched through the API, as the UI's button does -------------------------------------


def test_run_launched_through_graphql_publishes_a_new_snapshot(estate: Estate):
    server = estate.server
    server.wait_until_idle(FIRST_TICK_TIMEOUT)
    before = sha256(estate.published)

    run_id = server.launch_run(JOB, {"dagster/partition": "2025-07"})
    run = server.wait_for_run(run_id, RUN_TIMEOUT)
    assert run["status"] == "SUCCESS", explain(server, [run])
    assert run["tags"]["dagster/partition"] == "2025-07"

    assert estate.published.exists()
    assert sha256(estate.published) != before
    con = duckdb.connect(str(estate.published), read_only=True)
    try:
        assert con.execute("SELECT run_id FROM _published").fetchall() == [(run_id,)]
    finally:
        con.close()


# --- 3. a file dropped into a landing folder ----------------------------------------------------------


def test_sensor_launches_a_dropped_file_once(estate: Estate):
    server = estate.server
    server.wait_until_idle(FIRST_TICK_TIMEOUT)
    known = {r["runId"] for r in server.runs()}

    # Another seed's export of a CSV source, landed for 2025-S2 under a new name: new bytes, new rows.
    sources = load_registry(estate.data_dir / "sources.yml")
    source = next(s for s in sources if s.format == "csv")
    other = make_data_dir(estate.tmp / "other_seed", rows=30, seed=8)
    export = next((source.landing_dir(other) / "2025-S2").glob("*.csv"))
    target = source.landing_dir(estate.data_dir) / "2025-S2" / f"{export.stem}_susulan.csv"
    dropped_at = time.time()
    shutil.copy(export, target)

    deadline = time.monotonic() + 6 * SENSOR_INTERVAL + 30
    while True:
        new = [r for r in server.runs() if r["runId"] not in known]
        if new or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(new) == 1, f"expected one run for {target.name}, got {new}\n(server log: {server.log_path})"
    run = new[0]
    assert run["creationTime"] >= dropped_at - 1
    assert run["tags"].get("skm/trigger") == "new-file"
    assert run["tags"].get("skm/periode") == "2025-S2"
    assert run["tags"].get("skm/sources") == source.code
    assert run["tags"].get("dagster/partition") == "2025-07"

    run = server.wait_for_run(run["runId"], RUN_TIMEOUT)
    assert run["status"] == "SUCCESS", explain(server, [run])
    con = duckdb.connect(str(estate.published), read_only=True)
    try:
        status = con.execute("SELECT status FROM ingest_files WHERE source_code = ? AND file_name = ?",
                             [source.code, f"2025-S2/{target.name}"]).fetchall()
    finally:
        con.close()
    assert status == [("loaded",)]

    # At least one full tick after the run finished: skipped, nothing launched for the same file.
    deadline = time.monotonic() + 3 * SENSOR_INTERVAL + 30
    while True:
        later = [t for t in server.sensor_ticks(SENSOR) if t["timestamp"] > run["endTime"] and t["endTimestamp"]]
        if later or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert later, f"no sensor tick within {3 * SENSOR_INTERVAL + 30}s after the run ended"
    assert all(t["status"] == "SKIPPED" and not t["runIds"] for t in later), later
    assert [r["runId"] for r in server.runs() if r["runId"] not in known] == [run["runId"]]


# --- 4. the asset graph in a real browser -------------------------------------------------------------


class _GraphText(HTMLParser):
    """Text drawn inside the SVG graph: every `<foreignObject>` (asset nodes and group boxes)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.stack.append(tag)
        self.depth += tag == "foreignobject"

    def handle_endtag(self, tag):
        if tag in self.VOID or tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            self.depth -= t == "foreignobject"
            if t == tag:
                break

    def handle_data(self, data):
        if self.depth > 0 and data.strip():
            self.texts.append(data.strip())


def graph_texts(dom: str) -> list[str]:
    p = _GraphText()
    p.feed(dom)
    return p.texts


def shows(label: str, name: str) -> bool:
    """The zoomed-out graph middle-truncates long names: 'publish…_warehouse'."""
    if label == name:
        return True
    head, sep, tail = label.partition("…")
    return bool(sep) and name.startswith(head) and name.endswith(tail) and len(head) + len(tail) < len(name)


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def wait_for(page: HeadlessChromium, drawn, timeout: float, settle: float = 1.0) -> str:
    """Poll the DOM until `drawn(html)` holds, then once more after `settle` seconds (the graph
    animates into place); returns the last DOM either way, for the test's own assertions."""
    deadline = time.monotonic() + timeout
    dom = page.html()
    while not drawn(dom) and time.monotonic() < deadline:
        time.sleep(0.5)
        dom = page.html()
    if drawn(dom):
        time.sleep(settle)
        dom = page.html()
    return dom


ASSET_NODES = "query { assetNodes { assetKey { path } groupName } }"


def test_asset_graph_renders_in_chromium(estate: Estate):
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed (`make chromium` installs it)")
    server = estate.server
    nodes = server.graphql(ASSET_NODES)["assetNodes"]
    names = [n["assetKey"]["path"][-1] for n in nodes]
    assert set(GROUPS) == {n["groupName"] for n in nodes}
    assert set(STAGE_ASSETS) <= set(names)
    # The community sign-up dialog covers the page on a fresh instance: dismiss it as its Skip does.
    server.graphql("mutation { setNuxSeen }")

    # The global asset lineage page, with every group expanded (groups start collapsed).
    expanded = ",".join(f"global@global:{g}" for g in GROUPS)
    url = f"{server.url}/asset-groups?expanded={quote(expanded, safe='@:,')}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def drawn(dom: str) -> bool:
        texts = graph_texts(dom)
        return all(g in texts for g in GROUPS) and len(texts) >= len(GROUPS) + len(names)

    shot = ARTIFACTS / "asset-graph.png"
    shot.unlink(missing_ok=True)
    # The UI lays out 50 assets or more in a Web Worker: on a busy 2-core machine that takes a while.
    with HeadlessChromium(browser, *WINDOW, profile=estate.tmp / "chromium") as page:
        page.goto(url, wait_load=False)
        dom = wait_for(page, drawn, timeout=GRAPH_TIMEOUT)
        (ARTIFACTS / "asset-graph.html").write_text(dom)
        page.screenshot(shot)

    texts = graph_texts(dom)
    for group in GROUPS:
        assert group in texts, f"group {group!r} not drawn; graph text: {texts}"
    for name in STAGE_ASSETS:
        assert any(shows(t, name) for t in texts), f"asset {name!r} not drawn; graph text: {texts}"
    labels = list(texts)
    for group in GROUPS:
        labels.remove(group)
    assert len(labels) == len(names), f"{len(labels)} nodes drawn for {len(names)} assets: {labels}"
    assert all(any(shows(t, n) for n in names) for t in labels), labels

    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == WINDOW
    assert shot.stat().st_size > 50_000  # a drawn graph, not a blank page
