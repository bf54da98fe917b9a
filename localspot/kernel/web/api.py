"""What every endpoint does around its service call: bound the body, authenticate, parse the query and
decode the body, run the service (on a worker thread when the backend blocks), and turn the outcome, or the
error, into a response.

Routes are built with `Api.endpoint`: a route's handler gets a `Call` (the principal, path parameters, a
`Query` and the body's decoder), never the raw request, so no route can parse input outside the one place
that turns errors into HubSpot's error bodies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse

from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import DatabaseUnavailable, StorageFull
from localspot.kernel.web.json_depth import nested_deeper_than
from localspot.kernel.web.params import Query
from localspot.kernel.web.responses import error_response, json_response, no_content

T = TypeVar("T")
_log = logging.getLogger("localspot")
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
# The deepest nesting of arrays and objects a body may have. HubSpot's own bodies nest at most 6 levels
# (search: filterGroups, filters, values); the bound keeps the decoder far from the interpreter's recursion
# limit (docs/decisions.md, "Web kernel").
MAX_JSON_DEPTH = 64
# Where a request's authenticated portal id is left in the ASGI scope, for what wraps the app (the access log).
PORTAL_ID_SCOPE_KEY = "localspot.portal_id"


@dataclass(frozen=True, slots=True)
class Streamed:
    """A body made while it is sent (an export's file): its media type, its bytes, and extra headers."""

    media_type: str
    body: Iterator[bytes]
    headers: Mapping[str, str]


# A service call answers a body (200), a (status, body) pair, a streamed body, or None (204).
Outcome = dict[str, Any] | tuple[int, Any] | Streamed | None
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated request as a route's handler sees it."""

    principal: Principal
    method: str
    path: Mapping[str, str]
    query: Query
    raw_body: bytes
    decode: Callable[[bytes, type], Any]
    # The server's own address as the client reached it (for links it answers, such as an export's file),
    # made when asked: most calls answer no link.
    make_base_url: Callable[[], str] = str

    @property
    def base_url(self) -> str:
        return self.make_base_url()

    def body(self, body_type: type[T]) -> T:
        """The body decoded as `body_type`; an invalid body raises HubSpot's 400."""
        return self.decode(self.raw_body, body_type)


Handler = Callable[[Call], Outcome]


def storage_failure(failure: Exception) -> ApiError:
    """HubSpot's answer to a storage failure: an ApiError the storage kernel raised itself (a busy pool) as it
    is, a full disk as 507, anything else (the database away) as 503. Whatever answers requests outside
    `Api.respond` (the traffic gate, the inspector's pages) answers them the same way."""
    if isinstance(failure, ApiError):
        return failure
    if isinstance(failure, StorageFull):
        return errors.storage_full()
    return errors.database_unavailable()


def developer_key(call: Call) -> str | None:
    """An app's developer API key, as HubSpot's developer calls take it: `?hapikey=`, or the bearer token of an
    Api that passes the Authorization header through as its principal."""
    scheme, _, bearer = str(call.principal or "").partition(" ")
    return call.query.text("hapikey") or (bearer.strip() if scheme.lower() == "bearer" else None)


class Api:
    """`authenticate` turns the Authorization header into the caller's principal (a portal's, or the admin
    API's); `threaded` runs each handler on a worker thread (a backend whose calls block)."""

    def __init__(
        self,
        authenticate: Callable[[str | None], Any],
        *,
        threaded: bool,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.authenticate = authenticate
        self.max_body_bytes = max_body_bytes
        self._threaded = threaded
        self._decoders: dict[type, msgspec.json.Decoder[Any]] = {}

    def endpoint(self, handler: Handler, *, public: bool = False) -> Endpoint:
        """The Starlette endpoint that runs `handler` for each request. `public`: served to anyone, without
        authentication (the call's principal is None): only for what a secret in its path guards."""

        async def endpoint(request: Request) -> Response:
            return await self.respond(request, handler, public=public)

        return endpoint

    async def respond(self, request: Request, handler: Handler, *, public: bool = False) -> Response:
        try:
            _refuse_nul(request)
            raw = await self._read_body(request)
            authorization = request.headers.get("authorization")

            def work() -> Outcome:
                # Authentication comes first: nothing of the request is parsed, and nothing is written,
                # for a caller who is refused.
                principal = None if public else self.authenticate(authorization)
                request.scope[PORTAL_ID_SCOPE_KEY] = getattr(principal, "portal_id", None)
                scope = request.scope
                call = Call(
                    principal,
                    scope["method"],
                    scope.get("path_params", {}),
                    Query(scope["query_string"]),
                    raw,
                    self.decode,
                    lambda: str(request.base_url),
                )
                return handler(call)

            outcome = await run_in_threadpool(work) if self._threaded else work()
        except ApiError as error:
            return error_response(error)
        # Every failure is answered here, never let through to the server: an exception that leaves the app
        # makes uvicorn log a traceback and close the client's keep-alive connection.
        except (DatabaseUnavailable, StorageFull) as failure:
            return error_response(storage_failure(failure))
        except ClientDisconnect:
            return no_content()  # nobody is left to read it
        except Exception:
            _log.exception("%s %s failed", request.method, request.url.path)  # a bug: its traceback is wanted
            return error_response(errors.internal_error())
        if outcome is None:
            return no_content()
        if isinstance(outcome, tuple):
            return json_response(outcome[1], outcome[0])
        if isinstance(outcome, Streamed):
            return StreamingResponse(outcome.body, media_type=outcome.media_type, headers=dict(outcome.headers))
        return json_response(outcome)

    def decode(self, raw: bytes, body_type: type[T]) -> T:
        if _JSON_NUL in raw:
            raise errors.nul_character()
        decoder = self._decoders.get(body_type)
        if decoder is None:
            decoder = self._decoders[body_type] = msgspec.json.Decoder(body_type)
        if not raw.strip():
            raise errors.validation_error("Invalid input JSON: the request body is empty.")
        if nested_deeper_than(raw, MAX_JSON_DEPTH):
            raise errors.body_too_deep(MAX_JSON_DEPTH)
        try:
            return decoder.decode(raw)
        except RecursionError:
            # Nesting the quick check cannot see: refused as too deep, like any other.
            raise errors.body_too_deep(MAX_JSON_DEPTH) from None
        except msgspec.ValidationError as exc:
            raise errors.validation_error(f"Invalid input JSON: {exc}") from None
        except msgspec.DecodeError as exc:
            raise errors.invalid_json(str(exc)) from None

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise errors.body_too_large(self.max_body_bytes)
        # The ASGI messages read as Starlette's `Request.stream` reads them, without its async generator.
        receive = request.receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body_bytes:
                    raise errors.body_too_large(self.max_body_bytes)
                if chunk:
                    chunks.append(chunk)
                if not message.get("more_body", False):
                    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
            elif message["type"] == "http.disconnect":
                raise ClientDisconnect()


# HubSpot's text values cannot hold NUL, and PostgreSQL's text and JSONB refuse it: refuse it everywhere,
# so both backends answer the same 400 rather than one of them failing inside the driver.
_JSON_NUL = b"\\u0000"


def _refuse_nul(request: Request) -> None:
    if "\x00" in request.scope["path"] or b"%00" in request.scope["query_string"]:
        raise errors.nul_character()
