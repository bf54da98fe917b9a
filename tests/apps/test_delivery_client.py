"""The delivery worker's HTTP client against raw sockets: Content-Length, chunked and read-to-close answers, an
interim 100, keep-alive reuse, a kept-alive connection the target closed (sent again on a new one), a head too
long, and a malformed status line."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator

import pytest

from localspot.apps.delivery import _Connections


@pytest.fixture
def target() -> Iterator[tuple[str, list[bytes], list[int]]]:
    """A server answering each request with the next scripted raw answer; (url, script, connections seen)."""
    script: list[bytes] = []
    accepted: list[int] = []
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            buffer = b""
            with client:
                while script:
                    while b"\r\n\r\n" not in buffer:
                        data = client.recv(65536)
                        if not data:
                            break
                        buffer += data
                    else:
                        head, _, rest = buffer.partition(b"\r\n\r\n")
                        length = int(
                            next(
                                v
                                for k, _, v in (h.partition(b":") for h in head.split(b"\r\n")[1:])
                                if k.lower() == b"content-length"
                            )
                        )
                        while len(rest) < length:
                            rest += client.recv(65536)
                        buffer = rest[length:]
                        answer = script.pop(0)
                        if answer == b"CLOSE":
                            break
                        client.sendall(answer)
                        if answer.startswith(b"HTTP/1.0"):  # read to close: the server closes
                            break
                        continue
                    break

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hook?x=1", script, accepted
    server.close()


def test_answers_of_each_framing_and_keep_alive(target):
    url, script, accepted = target
    connections = _Connections(5)
    script.extend(
        [
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\n\r\n",
            b"HTTP/1.0 202 Accepted\r\n\r\nuntil closed",
        ]
    )
    assert connections.post(url, b"{}", {"A": "b"}) == (200, None, b"hello")
    assert connections.post(url, b"[1]", {}) == (503, "7", b"abcde")
    assert connections.post(url, b"", {}) == (204, None, b"")
    assert connections.post(url, b"x", {}) == (202, None, b"until closed")
    assert len(accepted) == 1  # one kept-alive connection for all four


def test_a_closed_kept_alive_connection_is_retried_once_and_bad_status_raises(target):
    url, script, accepted = target
    connections = _Connections(5)
    script.extend(
        [
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            b"CLOSE",
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        ]
    )
    assert connections.post(url, b"a", {}).status == 200
    assert connections.post(url, b"b", {}).status == 201  # the first connection closed unanswered: a new one
    assert len(accepted) == 2
    script.append(b"SMTP ready\r\n\r\n")
    with pytest.raises(http.client.HTTPException):
        connections.post(url, b"c", {})


def test_an_endless_head_is_refused(target):
    url, script, _ = target
    script.append(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\nContent-Length: 0\r\n\r\n")
    with pytest.raises(http.client.HTTPException, match="too long"):
        _Connections(5).post(url, b"{}", {})
