"""Tests of the Node official-client runner itself, against a stub HTTP server (no localspot)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.clients.node import node_client_or_skip, run_node

TOKEN = "stub-token-123"

BATCH_CREATE_BODY = {
    "status": "COMPLETE",
    "results": [
        {
            "id": "1",
            "properties": {"hs_object_id": "1"},
            "createdAt": "2025-01-01T00:00:00.000Z",
            "updatedAt": "2025-01-01T00:00:00.000Z",
            "archived": False,
        }
    ],
    "startedAt": "2025-01-01T00:00:00.000Z",
    "completedAt": "2025-01-01T00:00:00.000Z",
}

NOT_FOUND_BODY = {
    "status": "error",
    "message": "Object not found.  objectId are usually numeric.",
    "correlationId": "00000000-0000-0000-0000-000000000000",
    "category": "OBJECT_NOT_FOUND",
}


class _StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict]  # set per server via a subclass

    def log_message(self, format, *args):  # keep pytest output quiet
        pass

    def _record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        return body

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self._record()
        if self.path.split("?")[0] == "/crm/v3/objects/tasks/batch/create":
            self._send(201, BATCH_CREATE_BODY)
        else:
            self._send(404, NOT_FOUND_BODY)

    def do_GET(self):
        self._record()
        self._send(404, NOT_FOUND_BODY)


@pytest.fixture(scope="module")
def node_dir():
    return node_client_or_skip()


@pytest.fixture()
def stub():
    seen: list[dict] = []
    handler = type("Handler", (_StubHandler,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_batch_create_success(node_dir, stub):
    base_url, seen = stub
    out = run_node(
        base_url,
        TOKEN,
        """
        return await client.crm.objects.tasks.batchApi.create({
          inputs: [{properties: {hs_timestamp: "2025-01-01T00:00:00.000Z"}, associations: []}],
        })
        """,
    )
    assert out["ok"] is True, out
    result = out["result"]
    assert result["status"] == "COMPLETE"
    assert result["results"][0]["id"] == "1"
    assert result["results"][0]["createdAt"] == "2025-01-01T00:00:00.000Z"
    assert result["startedAt"] == "2025-01-01T00:00:00.000Z"

    assert len(seen) == 1
    req = seen[0]
    assert (req["method"], req["path"]) == ("POST", "/crm/v3/objects/tasks/batch/create")
    assert req["headers"].get("Authorization") == f"Bearer {TOKEN}"
    assert json.loads(req["body"]) == {
        "inputs": [{"properties": {"hs_timestamp": "2025-01-01T00:00:00.000Z"}, "associations": []}]
    }


def test_get_by_id_not_found_is_api_exception(node_dir, stub):
    base_url, seen = stub
    out = run_node(base_url, TOKEN, 'return await client.crm.objects.tasks.basicApi.getById("9")')
    assert out["ok"] is False, out
    err = out["error"]
    assert err["code"] == 404
    assert err["body"]["category"] == "OBJECT_NOT_FOUND"
    assert err["body"]["correlationId"] == NOT_FOUND_BODY["correlationId"]
    assert err["headers"]["content-type"].startswith("application/json")
    assert err["name"] == "ApiException"

    assert [(r["method"], r["path"].split("?")[0]) for r in seen] == [("GET", "/crm/v3/objects/tasks/9")]
    assert seen[0]["headers"].get("Authorization") == f"Bearer {TOKEN}"


def test_plain_values_and_script_errors(node_dir, stub):
    base_url, seen = stub
    out = run_node(base_url, TOKEN, 'console.log("noise"); return {d: new Date(0), n: null, u: undefined}')
    assert out == {"ok": True, "result": {"d": "1970-01-01T00:00:00.000Z", "n": None}}

    out = run_node(base_url, TOKEN, 'throw new TypeError("boom")')
    assert out["ok"] is False
    assert out["error"] == {
        "name": "TypeError",
        "message": "boom",
        "code": None,
        "body": None,
        "headers": None,
    }
    assert seen == []
