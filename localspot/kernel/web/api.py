"""What every endpoint does around its service call: bound and decode the body, authenticate, run the
service (on a worker thread when the backend blocks), and turn the outcome into a response."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import DatabaseUnavailable, StorageFull
from localspot.kernel.web.responses import error_response, json_response, no_content

T = TypeVar("T")
_log = logging.getLogger("localspot")
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024

# A service call answers a body (200), a (status, body) pair, or None (204).
Outcome = dict[str, Any] | tuple[int, Any] | None


class Api:
    """`authenticate` turns the Authorization header into the caller's principal; `threaded` runs each
    operation on a worker thread (a backend whose calls block)."""

    def __init__(
        self,
        authenticate: Callable[[str | None], Principal],
        *,
        threaded: bool,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.authenticate = authenticate
        self.max_body_bytes = max_body_bytes
        self._threaded = threaded
        self._decoders: dict[type, msgspec.json.Decoder[Any]] = {}

    async def respond(
        self,
        request: Request,
        operation: Callable[..., Outcome],
        *,
        body: type | None = None,
    ) -> Response:
        """Runs `operation(principal)` or, with `body`, `operation(principal, decoded_body)`."""
        try:
            _refuse_nul(request)
            raw = await self._read_body(request) if body is not None else None
            if raw is not None and _JSON_NUL in raw:
                raise errors.nul_character()
            authorization = request.headers.get("authorization")

            def work() -> Outcome:
                principal = self.authenticate(authorization)
                if body is None:
                    return operation(principal)
                return operation(principal, self.decode(raw or b"", body))

            outcome = await run_in_threadpool(work) if self._threaded else work()
        except ApiError as error:
            return error_response(error)
        # Every failure is answered here, never let through to the server: an exception that leaves the app
        # makes uvicorn log a traceback and close the client's keep-alive connection.
        except DatabaseUnavailable:
            return error_response(errors.database_unavailable())
        except StorageFull:
            return error_response(errors.storage_full())
        except ClientDisconnect:
            return no_content()  # nobody is left to read it
        except Exception:
            _log.exception("%s %s failed", request.method, request.url.path)  # a bug: its traceback is wanted
            return error_response(errors.internal_error())
        if outcome is None:
            return no_content()
        if isinstance(outcome, tuple):
            return json_response(outcome[1], outcome[0])
        return json_response(outcome)

    def decode(self, raw: bytes, body_type: type[T]) -> T:
        decoder = self._decoders.get(body_type)
        if decoder is None:
            decoder = self._decoders[body_type] = msgspec.json.Decoder(body_type)
        if not raw.strip():
            raise errors.validation_error("Invalid input JSON: the request body is empty.")
        try:
            return decoder.decode(raw)
        except msgspec.ValidationError as exc:
            raise errors.validation_error(f"Invalid input JSON: {exc}") from None
        except msgspec.DecodeError as exc:
            raise errors.invalid_json(str(exc)) from None

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise errors.body_too_large(self.max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise errors.body_too_large(self.max_body_bytes)
            chunks.append(chunk)
        return b"".join(chunks)


# HubSpot's text values cannot hold NUL, and PostgreSQL's text and JSONB refuse it: refuse it everywhere,
# so both backends answer the same 400 rather than one of them failing inside the driver.
_JSON_NUL = b"\\u0000"


def _refuse_nul(request: Request) -> None:
    if "\x00" in request.scope["path"] or b"%00" in request.scope["query_string"]:
        raise errors.nul_character()
