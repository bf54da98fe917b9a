"""The delivery worker's HTTP/1.1 client: keep-alive connections over plain (or TLS) sockets, the request
written with one `sendall` and the answer read by httptools' parser (llhttp, the one uvicorn serves with).
The standard library's `http.client` (before it) spent most of a delivery's CPU in `putheader` per header, two
sends and the email parser for the answer's headers; the worker shares the server's interpreter
(docs/performance.md, "Webhooks")."""

from __future__ import annotations

import http.client
import socket
import ssl
from typing import NamedTuple

import httptools

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024  # an answer's body is kept (the journal shows 64 KiB of it); the rest is read past
MAX_READ_BYTES = 16 * MAX_BODY_BYTES  # what one answer may send in all before the connection is given up


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: bytes


class _Reading:
    """httptools' callbacks for one answer; interim answers (100 Continue) before it are passed over."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.status = 0
        self.retry_after: str | None = None
        self.framed = False  # a Content-Length or Transfer-Encoding: else the body runs to the connection's end
        self.head_done = False
        self.done = False
        self.keep_alive = False
        self.parts: list[bytes] = []
        self.kept = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        lowered = name.lower()
        if lowered == b"retry-after":
            self.retry_after = value.decode("latin-1").strip()
        elif lowered in (b"content-length", b"transfer-encoding"):
            self.framed = True

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.head_done = True

    def on_body(self, body: bytes) -> None:
        if self.kept < MAX_BODY_BYTES:
            self.parts.append(body)
            self.kept += len(body)

    def on_message_complete(self) -> None:
        if 100 <= self.status < 200:  # an interim answer: the real one follows
            self.retry_after, self.framed, self.head_done = None, False, False
        else:  # asked here: once the parser has moved past the message, it answers False
            self.keep_alive = self.parser.should_keep_alive()
            self.done = True

    def answer(self) -> Answer:
        return Answer(self.status, self.retry_after, b"".join(self.parts)[:MAX_BODY_BYTES])


class Connection:
    """One keep-alive connection to a target; raises OSError (TimeoutError for a timeout) or HTTPException."""

    def __init__(self, scheme: str, host: str, port: int | None, timeout_s: float) -> None:
        if scheme not in ("http", "https"):
            raise ValueError(f"not an http or https URL: {scheme}")
        default = 443 if scheme == "https" else 80
        self.host_header = host if port in (None, default) else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            self.host_header = f"[{host}]" + ("" if port in (None, default) else f":{port}")
        sock = socket.create_connection((host, port or default), timeout_s)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def close(self) -> None:
        self.sock.close()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[Answer, bool]:
        """The answer, and whether the target closes the connection after it."""
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}", f"Content-Length: {len(body)}"]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        reading = _Reading()
        received = 0
        while not reading.done:
            data = self.sock.recv(65536)
            if not data:
                if reading.head_done and not reading.framed:  # the body ran to the connection's end
                    return reading.answer(), True
                raise http.client.RemoteDisconnected("the target closed the connection without an answer")
            received += len(data)
            if received > (MAX_READ_BYTES if reading.head_done else MAX_HEAD_BYTES):
                raise http.client.HTTPException("the answer is too long")
            try:
                reading.parser.feed_data(data)
            except httptools.HttpParserError as exc:
                raise http.client.HTTPException(f"a malformed answer: {exc}") from None
        return reading.answer(), not reading.keep_alive
