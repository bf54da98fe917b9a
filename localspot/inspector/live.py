"""`/_localspot/ui/requests/stream`: the request journal live, as server-sent events. Each event is one new
exchange that passes the page's filters, its `data` the same HTML the requests page lists it with, its `id`
the journal id, so a browser's `EventSource` that reconnects (`Last-Event-ID`) misses nothing still in the
journal. A stream ends after `STREAM_S` (the browser reconnects within `RETRY_MS`), so a server shutting down
never waits on an open page; a comment line every `KEEP_ALIVE_S` keeps proxies from closing it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

from localspot.control.journal import Journal, matches
from localspot.inspector.pages import exchange_html

STREAM_S = 30.0
KEEP_ALIVE_S = 10.0
RETRY_MS = 500
MAX_BACKLOG = 100


def _event(entry_id: int, html: str) -> str:
    data = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
    return f"id: {entry_id}\nevent: exchange\n{data}\n"


def _start(request: Request, journal: Journal) -> int:
    raw = request.headers.get("last-event-id") or request.query_params.get("after") or ""
    return int(raw) if raw.isdigit() and len(raw) < 16 else journal.last_id


async def events(request: Request, journal: Journal, filters: dict[str, Any], stream_s: float) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def notify() -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the stream is gone
            loop.call_soon_threadsafe(wake.set)

    unsubscribe = journal.subscribe(notify)
    last = _start(request, journal)
    deadline = loop.time() + stream_s
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while (left := deadline - loop.time()) > 0:
            wake.clear()
            for entry in journal.newer_than(last, MAX_BACKLOG):
                last = entry.id
                if matches(entry, **filters):
                    yield _event(entry.id, exchange_html(entry))
            try:
                await asyncio.wait_for(wake.wait(), timeout=min(KEEP_ALIVE_S, left))
            except TimeoutError:
                yield ": keep-alive\n\n"
            if await request.is_disconnected():  # the page is gone: stop listening now, not at the deadline
                break
    finally:
        unsubscribe()


def stream(
    request: Request, journal: Journal, filters: dict[str, Any], stream_s: float = STREAM_S
) -> StreamingResponse:
    return StreamingResponse(
        events(request, journal, filters, stream_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
