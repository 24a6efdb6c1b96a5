"""Headless Chromium driven over the DevTools protocol, for the UI test.

Why not `chromium --dump-dom --virtual-time-budget`: the Dagster UI lays out graphs of 50 assets
or more in a Web Worker, and virtual time runs out while the worker is still computing (the page
then shows the group boxes and nothing inside them). Here the page runs in real time and the test
polls the DOM until what it waits for is drawn, or a deadline passes.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import requests
from websockets.sync.client import ClientConnection, connect

_LISTENING = re.compile(r"DevTools listening on (ws://[^\s]+)")


class Chromium:
    """One headless browser with one page; use as a context manager."""

    def __init__(self, binary: str, width: int, height: int, profile: Path | None = None):
        self.binary, self.width, self.height = binary, width, height
        self.profile = profile or Path(tempfile.mkdtemp(prefix="chromium-"))
        self.proc: subprocess.Popen | None = None
        self.ws: ClientConnection | None = None
        self._ids = itertools.count(1)

    def __enter__(self) -> "Chromium":
        self.profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", "--remote-debugging-port=0",
             "--remote-allow-origins=*", f"--user-data-dir={self.profile}",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        browser_ws = self._wait_listening(timeout=60)
        port = browser_ws.split(":")[2].split("/")[0]
        pages = [t for t in requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
                 if t["type"] == "page"]
        self.ws = connect(pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=30)
        self.send("Emulation.setDeviceMetricsOverride",
                  width=self.width, height=self.height, deviceScaleFactor=1, mobile=False)
        self.send("Page.enable")
        return self

    def __exit__(self, *exc) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def _wait_listening(self, timeout: float) -> str:
        assert self.proc is not None and self.proc.stderr is not None
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            seen.append(line)
            if m := _LISTENING.search(line):
                return m.group(1)
        raise RuntimeError("Chromium did not open its DevTools port:\n" + "".join(seen[-30:]))

    def send(self, method: str, **params: Any) -> dict:
        """One DevTools command; events arriving meanwhile are dropped (nothing here needs them)."""
        assert self.ws is not None
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)

    def html(self) -> str:
        result = self.send("Runtime.evaluate", expression="document.documentElement.outerHTML",
                           returnByValue=True)
        return result["result"].get("value", "")

    def wait_for(self, drawn: Callable[[str], bool], timeout: float, settle: float = 1.0) -> str:
        """Poll the DOM until `drawn(html)` holds, then once more after `settle` seconds (the graph
        animates into place); returns the last DOM either way, for the test's own assertions."""
        deadline = time.monotonic() + timeout
        dom = self.html()
        while not drawn(dom) and time.monotonic() < deadline:
            time.sleep(0.5)
            dom = self.html()
        if drawn(dom):
            time.sleep(settle)
            dom = self.html()
        return dom

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
