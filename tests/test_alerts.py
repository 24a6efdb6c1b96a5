"""Alerts as they leave: a real SMTP server (aiosmtpd) and a real HTTP webhook receiver on
127.0.0.1 get the e-mail and the JSON post of a publication (through the code location's own
run-status sensor) and of a blocked run (through what `skm run` calls), each naming what the
reader needs; a run's alert goes out once whoever sends it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import random
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, build_run_status_sensor_context

from pipelines.alerts import compose_run_stopped, notify_cli_run, notify_run_outcome, run_periodes, sources_named
from pipelines.context import SkmContext
from tests.cli_run import dagster_home
from tests.conftest import copy_estate
from tests.pipeline_run import run_pipeline


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping every message it accepts (plain SMTP, no TLS)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.port = free_port()
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                box.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        # mailto:// is plain SMTP (mailtos:// is TLS); from= and to= are the envelope
        return f"mailto://127.0.0.1:{self.port}?from=skm@bontangkota.go.id&to=data@bontangkota.go.id"

    def text(self, message: email.message.EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()


class Webhook:
    """An HTTP server on 127.0.0.1 keeping every JSON body posted to it (apprise's json://)."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append({"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/skm-alerts"


@pytest.fixture(scope="module")
def receivers():
    box, hook = Mailbox(), Webhook()
    box.controller.start()
    hook.thread.start()
    yield box, hook
    box.controller.stop()
    hook.server.shutdown()


@pytest.fixture(scope="module")
def estate(sample_run, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the session's published estate, alerts going to the two receivers."""
    assert sample_run.success
    root = tmp_path_factory.mktemp("alerts")
    return copy_estate(sample_run.data_dir, root / "data"), dagster_home(root)


def test_run_periodes_and_sources_named_from_tags_and_gate_texts():
    assert run_periodes({"dagster/asset_partition_range_start": "2025-01",
                         "dagster/asset_partition_range_end": "2025-07"}) == ["2025-S1", "2025-S2"]
    assert run_periodes({"dagster/partition": "2025-07"}) == ["2025-S2"]
    assert sources_named(["dishub_kiosk 2025-S2: 40 of 100 rows quarantined"],
                         ["dishub", "dishub_kiosk", "rsud_paper"]) == ["dishub_kiosk"]
    alert = compose_run_stopped("1a2b3c4d5e6f", ["2025-S2"], [], [], ["Steps that failed:", "    dbt: boom"])
    assert (alert.kind, alert.title) == ("failed", "SKM run 1a2b3c4d failed (2025-S2)")
    assert "Dagster run 1a2b3c4d5e6f" in alert.body


@pytest.mark.slow
def test_a_publication_sends_the_periode_file_and_city_index_by_mail_and_webhook(estate, receivers):
    data_dir, _ = estate
    box, hook = receivers
    skm = SkmContext(data_dir=str(data_dir), alert_urls=f"{box.url} {hook.url}")
    instance = DagsterInstance.ephemeral()
    result = run_pipeline(instance=instance, skm=skm, partitions=("2025-07", "2025-07"))
    assert result.success
    published = data_dir / "published" / "skm.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        nilai, mutu, kinerja, n = con.execute(
            "SELECT nilai_ikm, mutu, kinerja, jumlah_responden FROM ikm_kota WHERE periode = '2025-S2'").fetchone()
    # the code location's own sensor, as the daemon evaluates it when the run succeeds
    from pipelines.sensors import build_alert_sensors

    on_success = next(s for s in build_alert_sensors() if s.name == "alert_on_publication")
    success_event = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_SUCCESS)
    on_success(build_run_status_sensor_context(sensor_name=on_success.name, dagster_event=success_event,
                                               dagster_instance=instance, dagster_run=result.dagster_run,
                                               resources={"skm": skm}))
    assert len(box.messages) == 1 and len(hook.posts) == 1
    mail, post = box.messages[0], hook.posts[0]
    headline = f"Nilai IKM Kota Bontang 2025-S2: {nilai:.2f} (mutu {mutu}, {kinerja}) - {n} responden"
    assert mail["Subject"] == f"SKM 2025-S2 published: Nilai IKM Kota Bontang {nilai:.2f} ({mutu})"
    assert mail["To"] == "data@bontangkota.go.id"
    for text in (box.text(mail), post["message"]):
        assert "Periode: 2025-S2" in text
        assert f"Published file: {published}" in text
        assert headline in text
        assert f"Dagster run {result.run_id}" in text
    assert (post["title"], post["type"], post["path"]) == (mail["Subject"], "success", "/skm-alerts")
    # the published file says when each source last delivered: its one file of each semester
    with duckdb.connect(str(published), read_only=True) as con:
        got = {(c, p): (st, f, at) for c, p, st, f, at in con.execute(
            "SELECT source_code, periode, status, last_file, last_delivered_at_utc FROM _published_sources").fetchall()}
    for source in skm.registry.sources:
        for periode in ("2025-S1", "2025-S2"):
            (landed,) = (data_dir / source.landing / periode).iterdir()
            at = dt.datetime.fromtimestamp(landed.stat().st_mtime, dt.UTC).replace(tzinfo=None)
            assert got[(source.code, periode)] == ("delivered", f"{periode}/{landed.name}", at)
    # the same run's end seen again (the CLI and the daemon both saw it): nothing sent twice
    assert notify_run_outcome(skm, instance, result.run_id) is None
    assert len(box.messages) == 1 and len(hook.posts) == 1


@pytest.mark.slow
def test_a_blocked_run_sends_the_gate_source_periode_and_where_to_look(estate, receivers, monkeypatch):
    """As `skm run` sends it (pipelines/cli/run.py): the newest run of its Dagster instance,
    the settings from the environment."""
    data_dir, home = estate
    box, hook = receivers
    before_mail, before_posts = len(box.messages), len(hook.posts)
    f = next((data_dir / "raw/dishub_kiosk/2025-S2").iterdir())
    lines = f.read_text().splitlines()
    rng = random.Random(3)
    f.write_text("\n".join(re.sub(r'"q_waktu": \d', '"q_waktu": "??"', line) if rng.random() < 0.4 else line
                           for line in lines) + "\n")
    skm = SkmContext(data_dir=str(data_dir))
    started = dt.datetime.now(dt.UTC)
    with DagsterInstance.from_config(str(home)) as instance:
        result = run_pipeline(instance=instance, skm=skm, partitions=("2025-07", "2025-07"))
        assert not result.success
    monkeypatch.setenv("SKM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SKM_ALERT_URLS", f"{box.url},{hook.url}")
    log = home / "last_run.log"
    printed = notify_cli_run(home, started, log)
    assert len(printed) == 1 and printed[0].startswith("Alert sent to 2 target(s): SKM run"), printed
    assert len(box.messages) == before_mail + 1 and len(hook.posts) == before_posts + 1
    mail, post = box.messages[-1], hook.posts[-1]
    # 40 % of the kiosk's answers unreadable: the quarantine gate blocks (and the GX profile of the staged rows)
    assert re.fullmatch(rf"SKM run {result.run_id[:8]} blocked by (.+, )?quarantine_rate_under_threshold(, .+)? "
                        r"\(2025-S2\)", mail["Subject"]), mail["Subject"]
    for text in (box.text(mail), post["message"]):
        assert re.search(r"^Gate\(s\): .*quarantine_rate_under_threshold \(marts/reconciliation\)", text, re.M), text
        assert "Source(s): dishub_kiosk" in text
        assert "Periode: 2025-S2" in text
        assert "BLOCKED by quarantine_rate_under_threshold (marts/reconciliation): dishub_kiosk 2025-S2:" in text
        assert f"Dagster run {result.run_id}" in text and f"the log: {log}" in text
    assert post["type"] == "failure"
    print(box.text(mail))  # what the data team reads (pytest -s)
    # the daemon's failure sensor seeing the same run sends nothing more; with the run's claim
    # removed (as if `skm run` had not seen it), it sends the same message
    from pipelines.sensors import build_alert_sensors

    on_failure = next(s for s in build_alert_sensors() if s.name == "alert_on_run_failure")
    claim = data_dir / "warehouse" / "alerts" / result.run_id
    assert claim.exists()
    with DagsterInstance.from_config(str(home)) as instance:
        failure_event = next(e.dagster_event for e in instance.all_logs(result.run_id)
                             if e.dagster_event and e.dagster_event.event_type == DagsterEventType.RUN_FAILURE)

        def evaluate() -> None:
            on_failure(build_run_status_sensor_context(
                sensor_name=on_failure.name, dagster_event=failure_event, dagster_instance=instance,
                dagster_run=instance.get_run_by_id(result.run_id),
                resources={"skm": SkmContext(data_dir=str(data_dir), alert_urls=f"{box.url} {hook.url}")},
            ).for_run_failure())

        evaluate()
        assert len(box.messages) == before_mail + 1 and len(hook.posts) == before_posts + 1
        claim.unlink()
        evaluate()
        assert len(box.messages) == before_mail + 2 and len(hook.posts) == before_posts + 2
    assert box.messages[-1]["Subject"] == mail["Subject"]
    # the same message, but for the log of `skm run`, which the daemon's run has not
    assert box.text(box.messages[-1]).splitlines() == [line for line in box.text(mail).splitlines()
                                                       if not line.startswith("    the log: ")]


def test_a_target_that_cannot_be_reached_is_named_without_its_password():
    from pipelines.alerts import Alert, send

    closed = free_port()  # nothing listens there
    ok, line = send(Alert("SKM run 1a2b3c4d failed (2025-S2)", "body", "failed"),
                    [f"json://skm:rahasia-sekali@127.0.0.1:{closed}/skm"])
    assert not ok
    assert line.startswith("Alert 'SKM run 1a2b3c4d failed (2025-S2)' NOT delivered to 1 of 1 target(s): json://")
    assert f"127.0.0.1:{closed}" in line and "rahasia-sekali" not in line
