"""Starts and stops a real `dagster dev` (webserver + daemon) for integration tests, and talks to
its GraphQL API. Everything listens on 127.0.0.1 only; the whole process group is killed on stop."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from pipelines.settings import REPO_ROOT

VENV_BIN = Path(sys.executable).parent
INSTANCE_YAML = REPO_ROOT / "pipelines" / "instance" / "dagster.yaml"
WORKSPACE = REPO_ROOT / "workspace.yaml"
ACTIVE_STATUSES = {"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "MANAGED", "CANCELING"}

WORKSPACE_QUERY = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation { name repositories { name } }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""

RUNS_QUERY = """
query Runs($filter: RunsFilter, $limit: Int) {
  runsOrError(filter: $filter, limit: $limit) {
    __typename
    ... on Runs { results { runId jobName status creationTime startTime endTime tags { key value } } }
    ... on PythonError { message }
  }
}
"""


LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId status tags { key value } } }
    ... on PythonError { message stack }
    ... on Error { message }
  }
}
"""

SENSOR_TICKS = """
query Ticks($selector: SensorSelector!, $limit: Int) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor {
      minIntervalSeconds
      sensorState { status ticks(limit: $limit) { tickId status timestamp endTimestamp runIds skipReason error { message } } }
    }
    ... on Error { message }
  }
}
"""

RUN_FAILURES = """
query RunFailures($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      eventConnection(limit: 10000) {
        events {
          __typename
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { message }
        }
      }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DagsterServer:
    """`dagster dev -w workspace.yaml` in its own process group, logging to `log_path`."""

    def __init__(self, data_dir: Path, dagster_home: Path, log_path: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.dagster_home = dagster_home
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self._log = None

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> DagsterServer:
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        shutil.copy(INSTANCE_YAML, self.dagster_home / "dagster.yaml")
        env = {
            **os.environ,
            "DAGSTER_HOME": str(self.dagster_home),
            "SKM_DATA_DIR": str(self.data_dir),
            "PATH": str(VENV_BIN) + os.pathsep + os.environ.get("PATH", ""),
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env.pop("SKM_REGISTRY", None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "dagster"), "dev", "-w", str(WORKSPACE), "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: webserver, daemon, code server, run workers
        )
        return self

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM to the whole group, then SIGKILL to whatever is left of it."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.2)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self._log is not None:
            self._log.close()
        self.proc = None

    def __enter__(self) -> DagsterServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    # --- API ---------------------------------------------------------------------------------------
    def graphql(self, query: str, variables: dict[str, Any] | None = None, timeout: float = 30) -> dict:
        r = requests.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=timeout)
        r.raise_for_status()
        body = r.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def wait_ready(self, location: str = "skm", timeout: float = 180) -> None:
        """Until /server_info answers and `location` is LOADED without a load error."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if requests.get(f"{self.url}/server_info", timeout=2).ok:
                    ws = self.graphql(WORKSPACE_QUERY)["workspaceOrError"]
                    entries = {e["name"]: e for e in ws.get("locationEntries", [])}
                    entry = entries.get(location)
                    last = repr(entry)
                    if entry and entry["loadStatus"] == "LOADED":
                        loc = entry["locationOrLoadError"] or {}
                        if loc.get("__typename") == "PythonError":
                            raise RuntimeError(f"code location {location!r} failed to load: {loc['message']}\n"
                                               f"{''.join(loc.get('stack') or [])}")
                        if loc.get("__typename") == "RepositoryLocation":
                            return
            except requests.RequestException as e:
                last = str(e)
            time.sleep(0.5)
        raise TimeoutError(f"dagster dev not ready after {timeout}s ({last})\n{self.log_tail()}")

    def runs(self, tags: dict[str, str] | None = None, limit: int = 100) -> list[dict]:
        flt: dict[str, Any] = {}
        if tags:
            flt["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        data = self.graphql(RUNS_QUERY, {"filter": flt, "limit": limit})["runsOrError"]
        if data["__typename"] != "Runs":
            raise RuntimeError(f"runsOrError: {data}")
        for run in data["results"]:
            run["tags"] = {t["key"]: t["value"] for t in run["tags"]}
        return data["results"]

    def wait_until_idle(self, timeout: float, min_runs: int = 0) -> list[dict]:
        """Until at least `min_runs` runs exist and none is queued or in progress; returns all runs."""
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            runs = self.runs()
            if len(runs) >= min_runs and not any(r["status"] in ACTIVE_STATUSES for r in runs):
                return runs
            if time.monotonic() > deadline:
                raise TimeoutError(f"runs still active after {timeout}s: "
                                   f"{[(r['runId'][:8], r['status']) for r in runs]}\n{self.log_tail()}")
            time.sleep(1)

    def wait_for_run(self, run_id: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            found = [r for r in self.runs() if r["runId"] == run_id]
            if found and found[0]["status"] not in ACTIVE_STATUSES:
                return found[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} not finished after {timeout}s: {found}\n{self.log_tail()}")
            time.sleep(1)

    def launch_run(self, job: str, tags: dict[str, str], location: str = "skm",
                   repository: str = "__repository__") -> str:
        """`launchRun`, as the UI's Launch/Materialize buttons do; returns the new run's id."""
        params = {
            "selector": {"repositoryLocationName": location, "repositoryName": repository, "jobName": job},
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
        }
        res = self.graphql(LAUNCH_RUN, {"executionParams": params})["launchRun"]
        if res["__typename"] != "LaunchRunSuccess":
            raise RuntimeError(f"launchRun answered {res['__typename']}: {res.get('message')}\n{res.get('stack') or ''}")
        return res["run"]["runId"]

    def sensor_ticks(self, sensor: str, limit: int = 20, location: str = "skm",
                     repository: str = "__repository__") -> list[dict]:
        """The sensor's latest ticks, newest first."""
        sel = {"repositoryLocationName": location, "repositoryName": repository, "sensorName": sensor}
        res = self.graphql(SENSOR_TICKS, {"selector": sel, "limit": limit})["sensorOrError"]
        if res["__typename"] != "Sensor":
            raise RuntimeError(f"sensorOrError: {res}")
        return res["sensorState"]["ticks"]

    def failure_messages(self, run_id: str) -> list[str]:
        """Why a run failed, from its step and run failure events (for assertion messages)."""
        res = self.graphql(RUN_FAILURES, {"runId": run_id})["runOrError"]
        out = []
        for e in (res.get("eventConnection") or {}).get("events", []):
            if e["__typename"] == "ExecutionStepFailureEvent":
                out.append(f"{e['stepKey']}: {e['error']['message'][:1500]}")
            elif e["__typename"] == "RunFailureEvent":
                out.append(f"run: {e['message'][:500]}")
        return out

    def _check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {self.proc.returncode}\n{self.log_tail()}")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
