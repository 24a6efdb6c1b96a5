"""One headless Chromium, driven over the DevTools protocol, for many pages.

Why not `chromium --print-to-pdf` per page: every Laporan page then pays a browser start-up
(1-2 s of both cores), and a semester of 40 OPD prints 41 pages; at six semesters the report
stage took longer than ingest, dbt and the checks together. One browser prints them all.
The UI test drives the Dagster lineage page with the same class (it polls the DOM in real time,
which a `--virtual-time-budget` cannot do while the UI lays the graph out in a Web Worker).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

import requests
from websockets.sync.client import ClientConnection, connect

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class ChromiumError(RuntimeError):
    """The browser did not start, or a page did not load or print."""


class HeadlessChromium:
    """A browser with one page; a context manager. `width` x `height` is the page's viewport."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900, profile: Path | None = None,
                 start_timeout: float = 60, command_timeout: float = 120):
        self.binary, self.width, self.height = binary, width, height
        self._own_profile = profile is None
        self.profile = profile or Path(tempfile.mkdtemp(prefix="skm-chromium-"))
        self.start_timeout, self.command_timeout = start_timeout, command_timeout
        self.proc: subprocess.Popen | None = None
        self.ws: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._events: deque[dict] = deque()

    def __enter__(self) -> HeadlessChromium:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        self.profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={self.profile}", f"--window-size={self.width},{self.height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = self._wait_listening().split(":")[2].split("/")[0]
        pages = [t for t in requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
                 if t["type"] == "page"]
        if not pages:
            raise ChromiumError("chromium opened no page")
        self.ws = connect(pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=30)
        self.send("Emulation.setDeviceMetricsOverride",
                  width=self.width, height=self.height, deviceScaleFactor=1, mobile=False)
        self.send("Page.enable")

    def _wait_listening(self) -> str:
        assert self.proc is not None and self.proc.stderr is not None
        deadline = time.monotonic() + self.start_timeout
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            seen.append(line)
            if m := _LISTENING.search(line):
                return m.group(1)
        rc = self.proc.poll()
        tail = " ".join(s.strip() for s in seen[-2:] if s.strip())
        raise ChromiumError(f"chromium exit {rc}: {tail[:300]}" if rc is not None
                            else f"chromium did not open its DevTools port in {self.start_timeout:.0f} s")

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc = None
        if self._own_profile:
            shutil.rmtree(self.profile, ignore_errors=True)

    def _recv(self, deadline: float) -> dict:
        assert self.ws is not None
        try:
            return json.loads(self.ws.recv(timeout=max(0.0, deadline - time.monotonic())))
        except TimeoutError as exc:
            raise ChromiumError("chromium did not answer in time") from exc

    def send(self, method: str, **params: Any) -> dict:
        """One DevTools command and its result; events that arrive meanwhile are kept for wait_event."""
        assert self.ws is not None
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + self.command_timeout
        while True:
            msg = self._recv(deadline)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise ChromiumError(f"{method}: {msg['error'].get('message', msg['error'])}")
                return msg.get("result", {})
            if "method" in msg:
                self._events.append(msg)

    def wait_event(self, method: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.command_timeout)
        while self._events:
            msg = self._events.popleft()
            if msg["method"] == method:
                return msg.get("params", {})
        while True:
            msg = self._recv(deadline)
            if msg.get("method") == method:
                return msg.get("params", {})

    def goto(self, url: str, wait_load: bool = True) -> None:
        self._events.clear()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise ChromiumError(f"{url}: {result['errorText']}")
        if wait_load:
            self.wait_event("Page.loadEventFired")

    def html(self) -> str:
        result = self.send("Runtime.evaluate", expression="document.documentElement.outerHTML",
                           returnByValue=True)
        return result["result"].get("value", "")

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))

    def print_pdf(self, html: Path, pdf: Path) -> None:
        """`html` printed as the page's CSS asks (@page A4), backgrounds (the mutu colours) included."""
        self.goto(html.resolve().as_uri())
        data = self.send("Page.printToPDF", preferCSSPageSize=True, printBackground=True,
                         displayHeaderFooter=False)["data"]
        pdf.write_bytes(base64.b64decode(data))
