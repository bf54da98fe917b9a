"""The access log: one line per request (method, path, status, milliseconds, portal), as text or JSON.

An ASGI wrapper of its own, around the whole application, so that it sees every answer (HubSpot errors,
routes that do not exist, the admin API) and costs one clock read and one write() per request. The portal is
the one the request authenticated as: `Api.respond` leaves it in the ASGI scope (PORTAL_ID_SCOPE_KEY), and
requests that never authenticated log `-` (text) or `null` (JSON).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any, Literal

import msgspec

from localspot.kernel.timeutil import iso_from_ms, now_ms
from localspot.kernel.web.api import PORTAL_ID_SCOPE_KEY

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")

_encode_json = msgspec.json.Encoder().encode


def line_writer(stream: Any = None) -> Callable[[bytes], None]:
    """Writes each line with one write() on the stream's descriptor: lines of several worker processes
    sharing one stdout never interleave (a write below PIPE_BUF is atomic), and no buffer holds a line back
    from whoever tails the log. Streams without a descriptor (captured output) get an ordinary write."""
    stream = stream or sys.stdout
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):

        def write_to_stream(line: bytes) -> None:
            stream.write(line.decode())
            stream.flush()

        return write_to_stream
    stream.flush()  # whatever was printed before (the banner) comes first

    def write(line: bytes) -> None:
        with contextlib.suppress(OSError):  # a closed or full stdout must never fail a request
            os.write(descriptor, line)

    return write


@functools.lru_cache(maxsize=2)
def _second(seconds: int) -> str:
    return iso_from_ms(seconds * 1000)[:-5]  # without ".mmmZ"


def _now_iso() -> str:
    """`iso_from_ms(now_ms())`, formatting the date and time once a second rather than once a request."""
    seconds, millis = divmod(now_ms(), 1000)
    return f"{_second(seconds)}.{millis:03d}Z"


def format_text(method: str, path: str, status: int, duration_ms: float, portal_id: int | None) -> bytes:
    portal = "-" if portal_id is None else str(portal_id)
    return f"{_now_iso()} {method} {path} {status} {duration_ms:.1f}ms portal={portal}\n".encode()


def format_json(method: str, path: str, status: int, duration_ms: float, portal_id: int | None) -> bytes:
    entry = {
        "at": _now_iso(),
        "method": method,
        "path": path,
        "status": status,
        "ms": round(duration_ms, 1),
        "portalId": portal_id,
    }
    return _encode_json(entry) + b"\n"


class AccessLog:
    """ASGI middleware: logs each HTTP request once its response has started (status known) and ended."""

    def __init__(self, app: Any, *, log_format: LogFormat = "text", write: Callable[[bytes], None] | None = None):
        self.app = app
        self._format = format_json if log_format == "json" else format_text
        self._write = write or line_writer()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the application fails before answering

        async def send_noting_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            self._write(
                self._format(scope["method"], scope["path"], status, duration_ms, scope.get(PORTAL_ID_SCOPE_KEY))
            )
