"""`/oauth/...`: the authorize step and the token endpoints, as HubSpot serves them. These are not the CRM's
JSON API: the token endpoints take forms and answer HubSpot's flat OAuth errors, the authorize step answers
pages and redirects; every failure is still answered here (never a 500 for bad input)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from localspot.apps import errors
from localspot.apps.errors import ConsentProblem, OAuthError
from localspot.apps.oauth import Form, OAuthService
from localspot.apps.pages import consent_page, problem_page
from localspot.kernel import errors as api_errors
from localspot.kernel.storage import DatabaseUnavailable, StorageFull
from localspot.kernel.web.responses import error_response, json_response, no_content

MAX_FORM_BYTES = 64 * 1024
# The dated OAuth families beside v1 (`/oauth/2026-03/token`, ...).
DATED = ("v3", "2026-03", "2026-09")
_log = logging.getLogger("localspot")


def routes(oauth: OAuthService, *, threaded: bool) -> list[BaseRoute]:
    async def run(work: Callable[[], Any]) -> Any:
        return await run_in_threadpool(work) if threaded else work()

    def answered(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except OAuthError as error:
                return json_response(error.body(), error.http_status)
            except ConsentProblem as problem:
                return HTMLResponse(problem_page(str(problem)), status_code=400)
            except DatabaseUnavailable:
                return error_response(api_errors.database_unavailable())
            except StorageFull:
                return error_response(api_errors.storage_full())
            except Exception:
                _log.exception("%s %s failed", request.method, request.url.path)
                return error_response(api_errors.internal_error())

        return endpoint

    async def authorize(request: Request) -> Response:
        query = parse_qs(request.url.query, keep_blank_values=True)
        portal = _portal_id(request.path_params.get("portalId") or _first(query, "portal_id"))
        consent = await run(lambda: oauth.consent_request(query))
        if oauth.approves_at_once(consent):
            return RedirectResponse(await run(lambda: oauth.approve(consent, portal)), status_code=302)
        portals = await run(oauth.portals)
        return HTMLResponse(consent_page(consent, portals, portal or oauth.default_portal_id))

    async def decide(request: Request) -> Response:
        form = await _form(request, query_too=False)
        consent = await run(lambda: oauth.consent_request(form))
        if _first(form, "decision") != "approve":
            return RedirectResponse(oauth.deny(consent), status_code=303)
        portal = _portal_id(_first(form, "portal_id"))
        return RedirectResponse(await run(lambda: oauth.approve(consent, portal)), status_code=303)

    def token(*, v1: bool) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            form = await _form(request, query_too=v1)
            return json_response(await run(lambda: oauth.token(form, client_credentials=not v1)))

        return handler

    def form_call(method: Callable[[Form], Any]) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            form = await _form(request, query_too=False)
            return json_response(await run(lambda: method(form)))

        return handler

    async def access_token(request: Request) -> Response:
        return json_response(await run(lambda: oauth.access_token_info(request.path_params["token"])))

    async def refresh_token(request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "DELETE":
            await run(lambda: oauth.delete_refresh_token(token))
            return no_content()
        return json_response(await run(lambda: oauth.refresh_token_info(token)))

    table: list[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]] = [
        ("/oauth/authorize", authorize, ["GET"]),
        ("/oauth/{portalId}/authorize", authorize, ["GET"]),
        ("/oauth/authorize", decide, ["POST"]),
        ("/oauth/v1/token", token(v1=True), ["POST"]),
        ("/oauth/v1/access-tokens/{token}", access_token, ["GET"]),
        ("/oauth/v1/refresh-tokens/{token}", refresh_token, ["GET", "DELETE"]),
    ]
    for version in DATED:
        table += [
            (f"/oauth/{version}/token", token(v1=False), ["POST"]),
            (f"/oauth/{version}/token/introspect", form_call(oauth.introspect), ["POST"]),
            (f"/oauth/{version}/token/revoke", form_call(oauth.revoke), ["POST"]),
        ]
    merged: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for path, handler, methods in table:
        for method in methods:
            merged.setdefault(path, {})[method] = handler

    def dispatch(by_method: dict[str, Callable[[Request], Awaitable[Response]]]) -> Any:
        async def endpoint(request: Request) -> Response:
            return await by_method[request.method](request)

        return answered(endpoint)

    return [Route(path, dispatch(by_method), methods=list(by_method)) for path, by_method in merged.items()]


def _first(form: Form, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _portal_id(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 16:
        raise ConsentProblem(f"Portal {raw[:32]} does not exist.")
    return int(raw)


async def _form(request: Request, *, query_too: bool) -> dict[str, list[str]]:
    """The form body (or a JSON object, which hubspot-sdk sends), with v1's query parameters beneath it."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_FORM_BYTES):
        raise OAuthError("BAD_REQUEST", f"the body exceeds {MAX_FORM_BYTES} bytes", "invalid_request", 413)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_FORM_BYTES:
            raise OAuthError("BAD_REQUEST", f"the body exceeds {MAX_FORM_BYTES} bytes", "invalid_request", 413)
    form: dict[str, list[str]] = parse_qs(request.url.query, keep_blank_values=True) if query_too else {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            decoded = msgspec.json.decode(raw, type=dict[str, str | list[str]]) if raw.strip() else {}
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            raise OAuthError("BAD_REQUEST", "the JSON body is not an object of strings", "invalid_request") from None
        form.update({key: value if isinstance(value, list) else [value] for key, value in decoded.items()})
    elif content_type in ("application/x-www-form-urlencoded", ""):
        try:
            form.update(parse_qs(raw.decode(), keep_blank_values=True, max_num_fields=100))
        except (UnicodeDecodeError, ValueError):
            raise OAuthError("BAD_REQUEST", "the form body could not be read", "invalid_request") from None
    else:
        raise errors.unsupported_media_type()
    return form
