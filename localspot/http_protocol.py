"""uvicorn's httptools protocol with the bounds a server facing any client needs, answering HubSpot's JSON
envelope where uvicorn answers plain text.

- A request line longer than `max_url_bytes` answers 414; more than `max_headers` header fields, or more than
  `max_header_bytes` of them, 431; anything that is not HTTP/1.1 (an unknown method token...) 400.
- A request must arrive whole (head and body) within `request_timeout_s` of its first byte, or it answers
  408 and the connection closes: a slow client cannot hold a connection with an unfinished request.
- A connection with no request in progress is idle: it is closed after the keep-alive timeout, from its
  start as well as after each response (uvicorn only times the gap after a response).
- At most `max_connections` connections per process: a new one beyond that closes the connection that has
  been idle longest, so idle sockets can never lock out a client; when none is idle, the new one answers 503.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from localspot.kernel.errors import ApiError
from localspot.kernel.errors import server as server_errors
from localspot.kernel.web.responses import ABORT_EXTENSION, error_response

DEFAULT_MAX_URL_BYTES = 32 * 1024
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
DEFAULT_MAX_HEADERS = 100
DEFAULT_KEEP_ALIVE_TIMEOUT_S = 5.0
DEFAULT_REQUEST_TIMEOUT_S = 30.0
DEFAULT_MAX_CONNECTIONS = 1000
# How long a refused request's connection keeps discarding what the client still sends.
LINGER_S = 2.0


@dataclass(frozen=True)
class ConnectionLimits:
    max_url_bytes: int = DEFAULT_MAX_URL_BYTES
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_headers: int = DEFAULT_MAX_HEADERS
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    max_connections: int = DEFAULT_MAX_CONNECTIONS


class _Refused(Exception):
    """Raised inside a parser callback; httptools re-raises it from feed_data as an HttpParserError."""


class GuardedHttpProtocol(HttpToolsProtocol):
    """Pass as uvicorn's `http` with `functools.partial(GuardedHttpProtocol, limits=...)` (picklable, so
    worker processes get it too)."""

    def __init__(self, *args: Any, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self._refusal: ApiError | None = None
        self._request_timer: asyncio.TimerHandle | None = None
        self._header_fields = 0
        self._header_bytes = 0
        self._in_request = False
        self._discarding = False
        self.idle_since = time.monotonic()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections and not self._close_the_longest_idle():
            self._answer_and_close(server_errors.too_many_connections())
            return
        # A connection that never sends a byte is as idle as one kept alive after a response.
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_request_timer()
        super().connection_lost(exc)

    @property
    def idle(self) -> bool:
        return not self._in_request and not self.pipeline and not self.transport.is_closing()

    def _close_the_longest_idle(self) -> bool:
        idle = [c for c in self.connections if c is not self and isinstance(c, GuardedHttpProtocol) and c.idle]
        if not idle:
            return False
        min(idle, key=lambda c: c.idle_since).transport.close()
        return True

    # --- parser callbacks ---------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_request = True
        self._header_fields = self._header_bytes = 0
        self._stop_request_timer()
        self._request_timer = self.loop.call_later(self.limits.request_timeout_s, self._request_timed_out)
        # What wraps the app may lose the connection on purpose (a fault rule's `drop`).
        self.scope.setdefault("extensions", {})[ABORT_EXTENSION] = self.transport.abort

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_url_bytes:
            self._refuse(server_errors.uri_too_long(self.limits.max_url_bytes))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_fields += 1
        self._header_bytes += len(name) + len(value)
        if self._header_fields > self.limits.max_headers or self._header_bytes > self.limits.max_header_bytes:
            self._refuse(server_errors.headers_too_large(self.limits.max_headers, self.limits.max_header_bytes))
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        self._stop_request_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if not self.pipeline:
            self._in_request = False
            self.idle_since = time.monotonic()
        super().on_response_complete()

    # --- refusals -----------------------------------------------------------------------------------------

    def _refuse(self, error: ApiError) -> None:
        self._refusal = error
        raise _Refused(error.message)

    def data_received(self, data: bytes) -> None:
        """uvicorn's, without its warning for each request it cannot parse: the client is answered, and a
        client's malformed request is no news for whoever runs the server."""
        if self._discarding:
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()  # as uvicorn: localspot serves no upgraded protocol
        except httptools.HttpParserError:
            self.send_400_response("")

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to anything the parser refused: ours, or not HTTP at all."""
        refusal, self._refusal = self._refusal, None
        self._answer_and_close(refusal or server_errors.invalid_http_request(), linger=True)

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            self._answer_and_close(server_errors.request_timeout(self.limits.request_timeout_s))
        else:
            self.transport.close()  # already answering: a second status line would corrupt the response

    def _stop_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _answer_and_close(self, error: ApiError, *, linger: bool = False) -> None:
        """With `linger`, the client may still be sending the request refused (a 1 MB URL): closing at once
        with unread input would reset the connection, and the client would lose the answer before reading
        it. So the answer is followed by end-of-file, what still arrives is discarded, and the connection
        closes when the client closes it or after LINGER_S."""
        response = error_response(error)
        head = [STATUS_LINE[error.status]]
        head.extend(b"%s: %s\r\n" % (name, value) for name, value in response.raw_headers)
        head.append(b"connection: close\r\n\r\n")
        self.transport.write(b"".join(head) + response.body)
        if linger and self.transport.can_write_eof():
            self._discarding = True
            self._stop_request_timer()
            self._unset_keepalive_if_required()
            self.transport.write_eof()
            self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()
