"""An import survives kill -9: the server is killed while the import runs, started again on the same database,
and the import finishes with every row written exactly once and counted exactly once."""

from __future__ import annotations

import json
import signal
import time

import httpx

from tests.conftest import TOKEN
from tests.crm.imports.test_imports import EMAIL, FIRST, _request
from tests.support.server import LocalspotServer

ROWS = 20_000


def _state(api: httpx.Client, import_id: str) -> dict:
    return api.get(f"/crm/v3/imports/{import_id}").json()


def test_a_killed_import_resumes_where_its_last_batch_committed(fresh_server):
    server = fresh_server()
    content = "Email,First Name\n" + "".join(f"row{n}@example.com,Row {n}\n" for n in range(ROWS))
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as api:
        started = api.post(
            "/crm/v3/imports",
            data={"importRequest": json.dumps(_request([EMAIL, FIRST]))},
            files={"files": ("contacts.csv", content.encode(), "text/csv")},
        ).json()
        deadline = time.monotonic() + 30
        while _state(api, started["id"])["metadata"]["counters"].get("TOTAL_ROWS", 0) < 1000:
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.01)
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.process = None
    partway = None
    restarted = LocalspotServer(server.storage, TOKEN)
    restarted.port = server.port
    restarted.start()
    try:
        with httpx.Client(base_url=restarted.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as api:
            partway = _state(api, started["id"])["metadata"]["counters"].get("TOTAL_ROWS", 0)
            deadline = time.monotonic() + 60
            while (body := _state(api, started["id"]))["state"] != "DONE":
                assert time.monotonic() < deadline, body
                time.sleep(0.1)
            counters = body["metadata"]["counters"]
            total = api.post("/crm/v3/objects/contacts/search", json={"limit": 1}).json()["total"]
    finally:
        restarted.stop()
    assert 0 < partway < ROWS, "the kill landed after the import had finished: nothing was resumed"
    assert counters == {
        "TOTAL_ROWS": ROWS,
        "CREATED_OBJECTS": ROWS,
        "UPDATED_OBJECTS": 0,
        "UNIQUE_OBJECTS_WRITTEN": ROWS,
        "ERRORS": 0,
    }
    assert total == ROWS
