"""The traffic gate: an ASGI wrapper around the API (never the admin API) that applies the control plane to
each request, in this order:

1. fault rules (a matching request waits, then may lose its connection or get the rule's answer: the API
   never sees it, so it writes nothing);
2. rate limits of the request's portal (a request over a limit gets HubSpot's 429 and writes nothing; the
   others get HubSpot's rate-limit headers);
3. the request journal, which records the exchange with its bodies.

With no fault rule, no rate limit and the journal off, a request passes straight through.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from localspot.control import errors
from localspot.control.faults import Fault, FaultAdmin
from localspot.control.journal import (
    BODY_LIMIT,
    Exchange,
    Journal,
    recorded_request_body,
)
from localspot.control.rate_limits import RateLimits, Verdict
from localspot.control.state import ControlState
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import DatabaseUnavailable, StorageFull
from localspot.kernel.timeutil import now_ms
from localspot.kernel.web.api import PORTAL_ID_SCOPE_KEY, storage_failure
from localspot.kernel.web.responses import ABORT_EXTENSION, json_response

T = TypeVar("T")
ADMIN_PREFIX = "/_localspot"


class TrafficGate:
    def __init__(
        self,
        app: Any,
        *,
        state: ControlState,
        faults: FaultAdmin,
        rate_limits: RateLimits,
        journal: Journal,
        authenticate: Callable[[str | None], Principal],
        threaded: bool,
    ) -> None:
        self.app = app
        self.state = state
        self.faults = faults
        self.rate_limits = rate_limits
        self.journal = journal
        self.authenticate = authenticate
        self.threaded = threaded

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        if self.state.due():
            try:
                await self._blocking(self.state.refresh)
            except (ApiError, DatabaseUnavailable, StorageFull) as failure:
                # The database is away or busy: answered now, as the API would, rather than after a second wait.
                await _Exchange(self, scope, receive, send).refuse(failure)
                return
        if not (self.faults.any or self.rate_limits.any or self.journal.enabled):
            await self.app(scope, receive, send)
            return
        await _Exchange(self, scope, receive, send).run()

    async def _blocking(self, work: Callable[[], T]) -> T:
        return await run_in_threadpool(work) if self.threaded else work()

    async def portal_of(self, scope: dict[str, Any]) -> int | None:
        authorization = next((value for name, value in scope["headers"] if name == b"authorization"), None)
        if authorization is None:
            return None
        try:
            principal = await self._blocking(lambda: self.authenticate(authorization.decode("latin-1")))
        except (ApiError, DatabaseUnavailable, StorageFull):
            return None  # the API answers it with its own error
        return principal.portal_id


class _Exchange:
    """One request through the gate."""

    def __init__(self, gate: TrafficGate, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.gate = gate
        self.scope = scope
        self.receive = receive
        self.send = send
        self.started = time.perf_counter()
        self.portal_id: int | None = None
        self.status: int | None = 500
        self.extra_headers: list[tuple[bytes, bytes]] = []
        self.request_body = bytearray()
        self.response_body = bytearray()
        self.fault_id: int | None = None

    async def run(self) -> None:
        try:
            await self._run()
        except (ApiError, DatabaseUnavailable, StorageFull) as failure:
            await self._answer(storage_failure(failure))
        finally:
            self._record()

    async def refuse(self, failure: Exception) -> None:
        try:
            await self._answer(storage_failure(failure))
        finally:
            self._record()

    async def _run(self) -> None:
        gate, scope = self.gate, self.scope
        if gate.faults.any or gate.rate_limits.any:
            self.portal_id = await gate.portal_of(scope)
        if gate.faults.any:
            fault = await self._fault()
            if fault is not None and not await self._apply(fault):
                return
        if gate.rate_limits.any and self.portal_id is not None:
            limits = gate.rate_limits.limits_of(self.portal_id)
            if limits is not None:
                verdict = await self._count(limits)
                self.extra_headers = verdict.headers
                if verdict.refusal is not None:
                    await self._answer(verdict.refusal)
                    return
        await gate.app(scope, self._receive, self._send)

    async def _fault(self) -> Fault | None:
        gate = self.gate
        method, path = self.scope["method"], self.scope["path"]
        for rule in gate.faults.candidates(method, path, self.portal_id):
            fault = await gate._blocking(lambda rule=rule: gate.faults.draw(rule))
            if fault is not None:
                self.fault_id = rule.id
                return fault
        return None

    async def _apply(self, fault: Fault) -> bool:
        """Waits, then answers the fault; True when the request goes on to the API (a delay only)."""
        if fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault.drop:
            abort = self.scope.get("extensions", {}).get(ABORT_EXTENSION)
            if abort is not None:
                abort()
                self.status = None
                # Let the transport report the lost connection, so the server sends nothing of its own.
                for _ in range(3):
                    await asyncio.sleep(0)
                return False
            await self._answer(errors.fault(503))  # a server without the extension: the nearest answer
            return False
        if fault.status is not None:
            if fault.body is None:
                await self._answer(errors.fault(fault.status))
            else:
                await self._drain()
                await json_response(fault.body, fault.status)(self.scope, self._receive, self._send)
            return False
        return True

    async def _count(self, limits: dict[str, Any]) -> Verdict:
        gate, scope = self.gate, self.scope
        search = scope["method"] == "POST" and scope["path"].endswith("/search") and "/objects/" in scope["path"]
        portal_id = self.portal_id
        assert portal_id is not None
        return await gate._blocking(lambda: gate.rate_limits.count(portal_id, limits, search=search))

    async def _answer(self, error: ApiError) -> None:
        await self._drain()
        await json_response(error.body(), error.status)(self.scope, self._receive, self._send)

    async def _drain(self) -> None:
        """Reads the request's body (recording its start), as the API would have, before answering for it."""
        while True:
            message = await self._receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    async def _receive(self) -> Any:
        message = await self.receive()
        if message["type"] == "http.request" and len(self.request_body) <= BODY_LIMIT:
            self.request_body += message.get("body", b"")
        return message

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.extra_headers:
                message = {**message, "headers": [*message.get("headers", ()), *self.extra_headers]}
        elif message["type"] == "http.response.body" and len(self.response_body) <= BODY_LIMIT:
            self.response_body += message.get("body", b"")
        await self.send(message)

    def _record(self) -> None:
        journal = self.gate.journal
        if not journal.enabled:
            return
        scope = self.scope
        path = scope["path"]
        journal.record(
            Exchange(
                id=0,  # the journal numbers it
                at_ms=now_ms(),  # real time, as the access log: docs/decisions.md, "The clock"
                portal_id=self.portal_id if self.portal_id is not None else scope.get(PORTAL_ID_SCOPE_KEY),
                method=scope["method"],
                path=path,
                query=scope.get("query_string", b""),  # redacted when rendered
                request_headers=scope["headers"],
                request_body=recorded_request_body(path, bytes(self.request_body)),
                status=self.status,
                duration_ms=(time.perf_counter() - self.started) * 1000,
                response_body=bytes(self.response_body),
                fault_id=self.fault_id,
            )
        )
