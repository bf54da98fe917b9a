"""The delivery worker's HTTP/1.1 client: keep-alive connections over plain (or TLS) sockets, the request
written with one `sendall` and the answer's status line and headers split by hand. The standard library's
`http.client` (before it) spent most of a delivery's CPU in `putheader` per header, two sends and the
email parser for the answer's headers; the worker shares the server's interpreter (docs/performance.md,
"Webhooks")."""

from __future__ import annotations

import http.client
import socket
import ssl
from typing import NamedTuple

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024  # an answer's body is kept (the journal shows 64 KiB of it); the rest is read past


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: bytes


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
        self.buffer = b""

    def close(self) -> None:
        self.sock.close()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[Answer, bool]:
        """The answer, and whether the target closes the connection after it."""
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}", f"Content-Length: {len(body)}"]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        self.buffer = b""
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        while True:
            status, version, fields = self._head()
            if not 100 <= status < 200:
                break  # an interim answer (100 Continue) precedes the real one
        closes = fields.get("connection", "").lower() == "close" or (
            version == "HTTP/1.0" and fields.get("connection", "").lower() != "keep-alive"
        )
        if status in (204, 304):
            answer_body = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            answer_body = self._chunked()
        elif "content-length" in fields:
            length = fields["content-length"].strip()
            if not length.isdigit():
                raise http.client.HTTPException(f"bad Content-Length {length[:20]!r}")
            answer_body = self._exactly(int(length))
        else:
            answer_body, closes = self._until_closed(), True
        return Answer(status, fields.get("retry-after"), answer_body[:MAX_BODY_BYTES]), closes

    def _more(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise http.client.RemoteDisconnected("the target closed the connection without an answer")
        self.buffer += data

    def _line_end(self, marker: bytes, limit: int) -> int:
        while (at := self.buffer.find(marker)) < 0:
            if len(self.buffer) > limit:
                raise http.client.HTTPException("the answer's head is too long")
            self._more()
        return at

    def _head(self) -> tuple[int, str, dict[str, str]]:
        end = self._line_end(b"\r\n\r\n", MAX_HEAD_BYTES)
        head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4 :]
        status_line, *header_lines = head.split("\r\n")
        version, _, rest = status_line.partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise http.client.BadStatusLine(status_line[:100])
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        return int(code), version, fields

    def _exactly(self, length: int) -> bytes:
        while len(self.buffer) < length:
            self._more()
        taken, self.buffer = self.buffer[:length], self.buffer[length:]
        return taken

    def _chunked(self) -> bytes:
        parts = []
        while True:
            end = self._line_end(b"\r\n", MAX_HEAD_BYTES)
            size_text = self.buffer[:end].split(b";")[0].strip()
            self.buffer = self.buffer[end + 2 :]
            try:
                size = int(size_text, 16)
            except ValueError:
                raise http.client.HTTPException(f"bad chunk size {size_text[:20]!r}") from None
            if size == 0:
                while self._line_end(b"\r\n", MAX_HEAD_BYTES) != 0:  # trailers, up to the empty line
                    self.buffer = self.buffer[self.buffer.find(b"\r\n") + 2 :]
                self.buffer = self.buffer[2:]
                return b"".join(parts)
            parts.append(self._exactly(size + 2)[:size])

    def _until_closed(self) -> bytes:
        while True:
            try:
                self._more()
            except http.client.RemoteDisconnected:
                return self.buffer
            if len(self.buffer) > MAX_BODY_BYTES * 2:
                raise http.client.HTTPException("the answer's body is too long")
