"""Fixtures for the emulator's tests: one launched emulator per test module, a clean
slate before each test, and a small urllib client that speaks ARM to it.

Owns: starting launcher.py as a subprocess (port 0, ready file, short timings) and
stopping it; getting tokens; sending ARM requests; waiting on async operations.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

HERE = Path(__file__).resolve().parent
SUB = "00000000-0000-0000-0000-0000000000a1"
TENANT = "00000000-0000-0000-0000-0000000000b2"
CLIENT = "00000000-0000-0000-0000-0000000000c3"
SECRET = "emulator-secret"
API = "2026-10-01"
TIMINGS = {"create": 0.3, "update": 0.3, "delete": 0.3}


class Reply:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.raw = body
        self.json: Any = json.loads(body) if body else None

    def error(self) -> dict[str, Any]:
        return self.json["error"]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.raw[:400]!r})"


class Emulator:
    """A running launcher.py and an ARM client for it."""

    def __init__(self, port: int, proc: subprocess.Popen[bytes], stderr: Path) -> None:
        self.port = port
        self.proc = proc
        self.stderr_path = stderr
        self.url = f"http://127.0.0.1:{port}"
        self._token: str | None = None

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.headers, err.read())

    def token_request(self, secret: str = SECRET, path: str = f"/{TENANT}/oauth2/v2.0/token", **extra: str) -> Reply:
        form = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": secret, "scope": f"{self.url}/.default", **extra}
        return self.raw("POST", path, urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def token(self) -> str:
        if self._token is None:
            reply = self.token_request()
            assert reply.status == 200, reply
            self._token = reply.json["access_token"]
        return self._token

    def arm(self, method: str, path: str, body: Any = None, api_version: str | None = API, headers: dict[str, str] | None = None) -> Reply:
        if api_version is not None:
            path += ("&" if "?" in path else "?") + f"api-version={api_version}"
        all_headers = {"Authorization": f"Bearer {self.token()}", "Content-Type": "application/json", **(headers or {})}
        data = json.dumps(body).encode() if body is not None else None
        return self.raw(method, path, data, all_headers)

    def follow(self, url: str, method: str = "GET") -> Reply:
        """GETs an absolute URL the emulator handed out (Azure-AsyncOperation, Location)."""
        assert url.startswith(self.url), url
        return self.raw(method, url[len(self.url):], None, {"Authorization": f"Bearer {self.token()}"})

    def wait(self, async_url: str, limit: float = 5.0) -> dict[str, Any]:
        """Polls an Azure-AsyncOperation URL until the operation is no longer InProgress."""
        deadline = time.monotonic() + limit
        while True:
            reply = self.follow(async_url)
            assert reply.status == 200, reply
            if reply.json["status"] != "InProgress":
                return reply.json
            assert time.monotonic() < deadline, f"operation still InProgress after {limit}s"
            time.sleep(0.05)

    def control(self, method: str, route: str, body: Any = None) -> Reply:
        data = json.dumps(body).encode() if body is not None else None
        return self.raw(method, f"/_emulator/{route}", data, {"Content-Type": "application/json"})

    def calls(self) -> dict[str, int]:
        return self.control("GET", "calls").json["operations"]

    def stop(self) -> str:
        """Stops the emulator (SIGTERM) and returns what it wrote to stderr."""
        self.proc.terminate()
        assert self.proc.wait(timeout=5) == 0
        return self.stderr_path.read_text()


HEX8 = "[0-9a-f]{8}"
GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ZONE = f"/subscriptions/{SUB}/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/{{}}"
UAI = f"/subscriptions/{SUB}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/"


def cluster(**access: Any) -> dict[str, Any]:
    """A minimal valid cluster body; `access` becomes its apiServerAccessProfile."""
    body: dict[str, Any] = {
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "dnsPrefix": "demo",
            "agentPoolProfiles": [{"name": "system", "count": 1, "vmSize": "Standard_D2s_v5", "mode": "System"}],
        },
    }
    if access:
        body["properties"]["apiServerAccessProfile"] = access
    return body


def create(arm: Emulator, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Creates a cluster and waits until it is Succeeded; returns the GET body."""
    reply = arm.arm("PUT", cluster_path(name), body)
    assert reply.status == 201, reply
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    return arm.arm("GET", cluster_path(name)).json


def cluster_path(name: str, rg: str = "rg1", sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}"


def launch(tmp: Path, *extra: str) -> Emulator:
    ready = tmp / "port"
    args = [
        sys.executable, str(HERE / "launcher.py"), "--port", "0", "--ready-file", str(ready),
        "--create-seconds", str(TIMINGS["create"]), "--update-seconds", str(TIMINGS["update"]),
        "--delete-seconds", str(TIMINGS["delete"]), "--retry-after", "0", *extra,
    ]
    stderr = tmp / "stderr"
    # A file, not a pipe: nobody reads the pipe while tests run, and a full one would block.
    with stderr.open("wb") as sink:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.monotonic() + 20
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the emulator exited early: {stderr.read_text()}")
        assert time.monotonic() < deadline, "the emulator did not start within 20 s"
        time.sleep(0.02)
    return Emulator(int(ready.read_text().strip()), proc, stderr)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emu = launch(tmp_path_factory.mktemp("azure"))
    yield emu
    assert emu.stop() == "", "the emulator wrote to stderr without --verbose"


@pytest.fixture
def arm(emulator: Emulator) -> Emulator:
    """The shared emulator, with no clusters, calls or faults left by earlier tests."""
    assert emulator.control("POST", "reset").status == 200
    emulator._token = None  # each test's call counts start with its own Token call
    return emulator
