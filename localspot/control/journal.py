"""`/_localspot/requests`: the request journal, the last `--journal-size` exchanges of this server process (a
ring buffer in memory, newest first), each with its bodies, so a test can see what its code sent and what it
got back: the API requests it answered (`direction` `incoming`) and the webhook deliveries it made (`outgoing`,
one entry per attempt, recorded by the delivery worker). Admin calls (`/_localspot/...`) are not recorded;
neither are credentials: the `Authorization` header, `hapikey` in the query, the secrets of an OAuth token
request, and the signatures of a delivery.

With several worker processes each keeps its own journal, and an admin call reads the journal of the worker
that happens to answer it (docs/control-plane.md).

`subscribe` registers a callback run after each recorded exchange (the inspector's live journal wakes its
server-sent event streams with it); `newer_than` reads what came after a given id.
"""

from __future__ import annotations

import collections
import fnmatch
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import msgspec

from localspot.control import errors
from localspot.kernel.timeutil import iso_from_ms

DEFAULT_JOURNAL_SIZE = 1000
MAX_JOURNAL_SIZE = 1_000_000
BODY_LIMIT = 64 * 1024
DEFAULT_LIMIT = 100
INCOMING, OUTGOING = "incoming", "outgoing"
DIRECTIONS = (INCOMING, OUTGOING)
SECRET_QUERY_PARAMETERS = frozenset({"hapikey", "client_secret", "code", "refresh_token"})
SECRET_HEADERS = frozenset({b"authorization", b"cookie", b"x-hubspot-signature", b"x-hubspot-signature-v3"})
REDACTED = "(redacted)"


@dataclass(slots=True)
class Exchange:
    """One recorded request and its answer, as the traffic gate saw them."""

    id: int
    at_ms: int
    portal_id: int | None
    method: str
    path: str
    # As recorded, or as the request gave them (the query string, the ASGI header list): an incoming
    # exchange is redacted when it is rendered, so a request pays nothing for what nobody reads.
    query: str | bytes
    request_headers: dict[str, str] | list[tuple[bytes, bytes]]
    request_body: bytes
    status: int | None  # None: the connection was dropped unanswered
    duration_ms: float
    response_body: bytes
    fault_id: int | None = None
    direction: str = INCOMING
    # An outgoing exchange's target URL, and why it failed without an answer (a timeout, a refused connection).
    url: str | None = None
    error: str | None = None


class Journal:
    def __init__(self, size: int = DEFAULT_JOURNAL_SIZE) -> None:
        self.size = size
        self._entries: collections.deque[Exchange] = collections.deque(maxlen=max(size, 1))
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[], None]] = []
        # The delivery worker records from its own threads: ids stay in the ring's order.
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def record(self, exchange: Exchange) -> None:
        """Keeps the exchange, with the next id (whatever id it was built with)."""
        with self._lock:
            exchange.id = next(self._ids)
            self._entries.append(exchange)
        for listener in tuple(self._listeners):
            listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Calls `listener` (with no argument, on the recording thread) after each recorded exchange; returns
        the function that unsubscribes it. A listener must be quick and must not raise."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def find(
        self,
        *,
        portal_id: int | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        direction: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> dict[str, Any]:
        """Newest first. `path` is a glob (`*` matches any characters) when it holds one, else a prefix."""
        found = []
        for entry in reversed(tuple(self._entries)):  # a copy: deliveries are recorded from other threads
            if not matches(entry, portal_id=portal_id, method=method, path=path, status=status, direction=direction):
                continue
            found.append(entry)
            if len(found) == limit:
                break
        return {"results": [render(entry) for entry in found], "size": self.size, "recorded": len(self._entries)}

    def newer_than(self, entry_id: int, limit: int = DEFAULT_LIMIT) -> list[Exchange]:
        """The exchanges recorded after `entry_id`, oldest first, at most the `limit` newest of them."""
        found: list[Exchange] = []
        with self._lock:  # a short walk from the newest end (a copy of a large ring would not be)
            for entry in reversed(self._entries):
                if entry.id <= entry_id or len(found) == limit:
                    break
                found.append(entry)
        return found[::-1]

    @property
    def last_id(self) -> int:
        return self._entries[-1].id if self._entries else 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def matches(
    entry: Exchange,
    *,
    portal_id: int | None = None,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    direction: str | None = None,
) -> bool:
    """Whether an exchange passes the journal's filters (None: any)."""
    if portal_id is not None and entry.portal_id != portal_id:
        return False
    if direction is not None and entry.direction != direction:
        return False
    if method is not None and entry.method != method:
        return False
    if status is not None and entry.status != status:
        return False
    if path is None:
        return True
    return fnmatch.fnmatchcase(entry.path, path if any(c in path for c in "*?[") else path + "*")


def parse_filters(query: Any) -> dict[str, Any]:
    """The journal's filters from the admin call's query; a malformed one answers 400."""
    filters: dict[str, Any] = {}
    for name in ("portalId", "status", "limit"):
        raw = query.text(name)
        if raw is None:
            continue
        if not raw.isdigit() or len(raw) > 16:
            raise errors.invalid_admin_input(name, f"must be a whole number, got {raw!r}")
        filters[name] = int(raw)
    limit = filters.pop("limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_JOURNAL_SIZE:
        raise errors.invalid_admin_input("limit", f"must be from 1 to {MAX_JOURNAL_SIZE}")
    method = query.text("method")
    direction = query.text("direction")
    if direction is not None and direction not in DIRECTIONS:
        raise errors.invalid_admin_input("direction", f"must be {' or '.join(DIRECTIONS)}, got {direction!r}")
    return {
        "portal_id": filters.get("portalId"),
        "status": filters.get("status"),
        "method": method.upper() if method else None,
        "path": query.text("path") or None,
        "direction": direction,
        "limit": limit,
    }


def recorded_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {
        name.decode("latin-1"): REDACTED if name in SECRET_HEADERS else value.decode("latin-1") for name, value in raw
    }


def outgoing(
    *,
    at_ms: int,
    portal_id: int,
    url: str,
    headers: dict[str, str],
    body: bytes,
    status: int | None,
    duration_ms: float,
    response_body: bytes,
    error: str | None,
) -> Exchange:
    """A request localspot made (a webhook delivery attempt), as the journal keeps it: its signatures redacted."""
    parts = urlsplit(url)
    return Exchange(
        id=0,
        at_ms=at_ms,
        portal_id=portal_id,
        method="POST",
        path=parts.path or "/",
        query=recorded_query(parts.query.encode("latin-1", errors="replace")),
        request_headers={
            name: REDACTED if name.lower().encode() in SECRET_HEADERS else value for name, value in headers.items()
        },
        request_body=body,
        status=status,
        duration_ms=duration_ms,
        response_body=response_body[: BODY_LIMIT + 1],
        direction=OUTGOING,
        url=url,
        error=error,
    )


def recorded_query(raw: bytes) -> str:
    text = raw.decode("latin-1")
    if not any(secret in text for secret in SECRET_QUERY_PARAMETERS):
        return text
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(name, REDACTED if name in SECRET_QUERY_PARAMETERS else value) for name, value in pairs])


def recorded_request_body(path: str, body: bytes) -> bytes:
    """The body as recorded: an OAuth token request's secrets are replaced."""
    if path.startswith("/oauth/") and b"=" in body:
        return recorded_query(body).encode()
    return body


def render(entry: Exchange) -> dict[str, Any]:
    """An entry as the admin API lists it; an outgoing one adds its target `url` and `error`."""
    request_body, request_truncated = _text(entry.request_body)
    response_body, response_truncated = _text(entry.response_body)
    rendered = {
        "id": str(entry.id),
        "direction": entry.direction,
        "at": iso_from_ms(entry.at_ms),
        "portalId": entry.portal_id,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query if isinstance(entry.query, str) else recorded_query(entry.query),
        "status": entry.status,
        "durationMs": round(entry.duration_ms, 3),
        "correlationId": _correlation_id(entry),
        "requestHeaders": headers if isinstance(headers := entry.request_headers, dict) else recorded_headers(headers),
        "requestBody": request_body,
        "requestBodyTruncated": request_truncated,
        "responseBody": response_body,
        "responseBodyTruncated": response_truncated,
        "faultId": None if entry.fault_id is None else str(entry.fault_id),
    }
    if entry.direction == OUTGOING:
        rendered.update(url=entry.url, error=entry.error)
    return rendered


def _text(body: bytes) -> tuple[str | None, bool]:
    if not body:
        return None, False
    truncated = len(body) > BODY_LIMIT
    return body[:BODY_LIMIT].decode("utf-8", errors="replace"), truncated


def _correlation_id(entry: Exchange) -> str | None:
    body_text = entry.response_body
    if entry.status is None or entry.status < 400 or not body_text.startswith(b"{") or len(body_text) > BODY_LIMIT:
        return None
    try:
        body = msgspec.json.decode(body_text)
    except msgspec.DecodeError:
        return None
    found = body.get("correlationId") if isinstance(body, dict) else None
    return found if isinstance(found, str) else None
