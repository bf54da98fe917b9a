"""Idle and slow connections are timed out and connections are capped, so that many idle sockets cannot
lock out a client (#15 item 17)."""

from __future__ import annotations

import json
import socket
import time

import httpx

from tests.cli.support import CustomServer
from tests.cli.test_http_limits import assert_hubspot_error, raw_exchange
from tests.conftest import TOKEN
from tests.support.server import storage_or_skip


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_within(sock: socket.socket, seconds: float) -> float:
    """How long until the server closed the connection (recv returns b''), failing past `seconds`."""
    started = time.monotonic()
    sock.settimeout(seconds)
    assert sock.recv(1) == b""
    return time.monotonic() - started


def test_a_connection_that_sends_nothing_is_closed_after_the_keep_alive_timeout(fresh_server):
    server = fresh_server("--keep-alive-timeout", "0.5")
    with _connect(server.url) as sock:
        assert 0.3 < _closed_within(sock, 5) < 3


def test_an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout(fresh_server):
    server = fresh_server("--keep-alive-timeout", "0.5")
    with _connect(server.url) as sock:
        sock.sendall(b"GET /_localspot/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = sock.recv(65536)
        while not answer.endswith(b"}"):  # the head and the JSON body may arrive in separate segments
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        assert _closed_within(sock, 5) < 3


def test_an_unfinished_request_head_answers_408(fresh_server):
    server = fresh_server("--request-timeout", "0.5")
    started = time.monotonic()
    error = assert_hubspot_error(
        *raw_exchange(server.url, b"GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n"), 408, "TIMEOUT"
    )
    assert time.monotonic() - started < 3
    assert "0.5 seconds" in error["message"]


def test_a_slow_body_answers_408_and_writes_nothing(fresh_server):
    server = fresh_server("--request-timeout", "0.5")
    head = (
        b"POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + TOKEN.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n"
    )
    status, _, _ = raw_exchange(server.url, head + b'{"properties": {"email": "slow@')
    assert status == 408
    listed = httpx.get(f"{server.url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {TOKEN}"})
    assert listed.json()["results"] == []


def test_many_idle_sockets_cannot_lock_out_a_client(fresh_server):
    server = fresh_server("--max-connections", "50")
    idle = [_connect(server.url) for _ in range(300)]
    try:
        started = time.monotonic()
        answer = httpx.get(f"{server.url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        assert time.monotonic() - started < 3  # well before any idle timeout
    finally:
        for sock in idle:
            sock.close()


def test_idle_sockets_beyond_the_open_file_limit_cannot_lock_out_a_client(tmp_path_factory):
    """The issue's case: more idle sockets than the process may open files. The cap stays below the limit."""
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    server = CustomServer(storage, TOKEN, prefix=("prlimit", "--nofile=256:256", "--"))
    idle: list[socket.socket] = []
    try:
        server.start()
        idle = [_connect(server.url) for _ in range(400)]
        answer = httpx.get(
            f"{server.url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        )
        assert answer.status_code == 200
    finally:
        for sock in idle:
            sock.close()
        server.stop()
        storage.drop()


def test_when_no_connection_is_idle_a_new_one_answers_503(fresh_server):
    server = fresh_server("--max-connections", "2")
    busy = [_connect(server.url) for _ in range(2)]
    try:
        for sock in busy:  # a request in progress: not idle, so not closed for a newcomer
            sock.sendall(b"GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.2)
        status, _, body = raw_exchange(server.url, b"")
        assert status == 503
        assert json.loads(body)["category"] == "SERVICE_UNAVAILABLE"
    finally:
        for sock in busy:
            sock.close()
