"""Requests the HTTP server refuses before any route sees them answer HubSpot's JSON envelope, and the
request line and headers are bounded (#15 item 7)."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from tests.conftest import TOKEN


def raw_exchange(url: str, request: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Sends bytes as they are and reads the answer until the server closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def assert_hubspot_error(status: int, headers: dict[str, str], body: bytes, expected_status: int, category: str):
    assert status == expected_status
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    error = json.loads(body)
    assert error["status"] == "error"
    assert error["category"] == category
    assert set(error) >= {"message", "correlationId"}
    return error


def test_a_one_megabyte_url_answers_414(server):
    request = b"GET /crm/v3/objects/contacts?q=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    error = assert_hubspot_error(*raw_exchange(server.url, request), 414, "VALIDATION_ERROR")
    assert "32768" in error["message"]


def test_an_unknown_method_token_answers_400(server):
    request = b"FROB /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n\r\n"
    assert_hubspot_error(*raw_exchange(server.url, request), 400, "VALIDATION_ERROR")


def test_a_request_that_is_not_http_answers_400(server):
    tls_hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"
    assert_hubspot_error(*raw_exchange(server.url, tls_hello), 400, "VALIDATION_ERROR")


def test_too_many_header_fields_answer_431(server):
    fields = b"".join(b"X-Field-%d: 1\r\n" % i for i in range(101))
    request = b"GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"
    assert_hubspot_error(*raw_exchange(server.url, request), 431, "VALIDATION_ERROR")


def test_oversized_headers_answer_431(server):
    request = b"GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n"
    assert_hubspot_error(*raw_exchange(server.url, request), 431, "VALIDATION_ERROR")


def test_requests_within_the_bounds_are_served(server):
    headers = {f"X-Field-{i}": "v" * 500 for i in range(90)} | {"Authorization": f"Bearer {TOKEN}"}
    answer = httpx.get(f"{server.url}/crm/v3/objects/contacts", params={"q": "a" * 30_000}, headers=headers)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("flags", "request_bytes", "status"),
    [
        (("--max-url-bytes", "100"), b"GET /" + b"u" * 101 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        # (the health probe that waits for the server sends 5 header fields of about 70 bytes)
        (("--max-headers", "8"), b"GET / HTTP/1.1\r\nHost: x\r\n" + b"A: 1\r\n" * 8 + b"\r\n", 431),
        (("--max-header-bytes", "300"), b"GET / HTTP/1.1\r\nHost: x\r\nA: " + b"a" * 300 + b"\r\n\r\n", 431),
    ],
)
def test_the_bounds_are_flags(fresh_server, flags, request_bytes, status):
    server = fresh_server(*flags)
    assert_hubspot_error(*raw_exchange(server.url, request_bytes), status, "VALIDATION_ERROR")
    assert httpx.get(f"{server.url}/_localspot/health").status_code == 200
