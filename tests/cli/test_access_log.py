"""One access log line per request: method, path, status, milliseconds and the authenticated portal."""

from __future__ import annotations

import json
import re
import time

import httpx

from tests.conftest import TOKEN

TEXT_LINE = re.compile(
    r"^\S+Z (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms portal=(?P<portal>\S+)$"
)


def _log_lines(server, count: int, timeout: float = 10.0) -> list[str]:
    """The access lines (after the banner) once there are at least `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [
            line
            for line in server.log_path.read_text(errors="replace").splitlines()
            if (TEXT_LINE.match(line) or line.startswith("{")) and "/_localspot/health" not in line
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_each_request_logs_its_method_path_status_duration_and_portal(fresh_server):
    server = fresh_server()
    other_portal = server.create_token("*", portal_id=2)
    with httpx.Client(base_url=server.url) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        client.post("/crm/v3/objects/contacts", json={"properties": {"email": "log@example.com"}}, headers=auth)
        client.get("/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {other_portal}"})
        client.get("/crm/v3/objects/contacts")  # no token: 401, no portal
        client.get("/crm/v3/no/such/route", headers=auth)
    lines = [TEXT_LINE.match(line) for line in _log_lines(server, 4)]
    seen = [(m["method"], m["path"], m["status"], m["portal"]) for m in lines if m and "health" not in m["path"]]
    assert seen == [
        ("POST", "/crm/v3/objects/contacts", "201", "1"),
        ("GET", "/crm/v3/objects/contacts", "200", "2"),
        ("GET", "/crm/v3/objects/contacts", "401", "-"),
        ("GET", "/crm/v3/no/such/route", "404", "-"),
    ]


def test_the_json_log_format_writes_one_object_per_line(fresh_server):
    server = fresh_server("--log-format", "json")
    httpx.get(f"{server.url}/crm/v3/objects/tasks?limit=1", headers={"Authorization": f"Bearer {TOKEN}"})
    entries = [json.loads(line) for line in _log_lines(server, 2)]
    entry = next(e for e in entries if e["path"] == "/crm/v3/objects/tasks")
    assert set(entry) == {"at", "method", "path", "status", "ms", "portalId"}
    assert (entry["method"], entry["status"], entry["portalId"]) == ("GET", 200, 1)
    assert isinstance(entry["ms"], float) and entry["ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["at"])


def test_quiet_prints_no_banner_and_no_access_log(fresh_server):
    server = fresh_server("--quiet")
    for _ in range(3):
        httpx.get(f"{server.url}/crm/v3/objects/tasks", headers={"Authorization": f"Bearer {TOKEN}"})
    time.sleep(0.3)
    assert server.log_path.read_text(errors="replace").strip() == ""
