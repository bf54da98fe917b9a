"""`/_localspot/ui/...`: the inspector's pages, its form actions (POST, then a redirect back with a notice),
the live journal stream and the package's static files. Mounted beside the admin API, under its access
rule (`localspot.inspector.access`)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from localspot.control import errors
from localspot.control.journal import DIRECTIONS, Journal
from localspot.inspector import live
from localspot.inspector.access import COOKIE, PREFIX, UiAccess
from localspot.inspector.console import Console
from localspot.inspector.pages import page
from localspot.inspector.records import PageRequest, RecordViews
from localspot.kernel import errors as kernel_errors
from localspot.kernel.errors import ApiError
from localspot.kernel.storage import DatabaseUnavailable, StorageFull
from localspot.kernel.web.api import storage_failure

T = TypeVar("T")
_log = logging.getLogger("localspot.inspector")
MAX_FORM_BYTES = 64 * 1024
Endpoint = Callable[[Request], Awaitable[Response]]


def journal_filters(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The journal's filters from the page's query (a malformed number or direction is ignored), and the form's
    values."""
    fields = ("method", "path", "status", "portalId", "direction")
    given = {name: request.query_params.get(name, "").strip() for name in fields}
    numbers = {
        name: int(given[name]) if given[name].isdigit() and len(given[name]) < 16 else None
        for name in ("status", "portalId")
    }
    filters = {
        "method": given["method"].upper() or None,
        "path": given["path"] or None,
        "status": numbers["status"],
        "portal_id": numbers["portalId"],
        "direction": given["direction"] if given["direction"] in DIRECTIONS else None,
    }
    return filters, given


def _portal_id(request: Request) -> int:
    raw = request.path_params["portalId"]
    if not raw.isdigit() or len(raw) > 16:
        raise errors.portal_not_found(raw)
    return int(raw)


def _back(request: Request) -> str:
    """Where an action returns: the inspector page it came from, else the portal list."""
    referer = urlsplit(request.headers.get("referer", ""))
    target = request.query_params.get("back") or referer.path + (f"?{referer.query}" if referer.query else "")
    return target if target.startswith(PREFIX + "/") and "//" not in target[1:] else PREFIX + "/"


def problem(error: ApiError) -> Response:
    return page("problem.html", error.status, problem=error.message)


# The app platform's delivery log (`WebhookSettings.deliveries`): (appId, status, limit) -> its listing.
Deliveries = Callable[[str | None, str | None, str | None], dict[str, Any]]
# The webhook events about one record (`WebhookSettings.events_of_record`): (portal id, record id) -> events.
RecordEvents = Callable[[int, int], list[dict[str, Any]]]
DELIVERY_FILTERS = ("", "delivered", "failed")


def routes(
    access: UiAccess,
    console: Console,
    records: RecordViews,
    journal: Journal,
    *,
    threaded: bool,
    deliveries: Deliveries | None = None,
    record_events: RecordEvents | None = None,
) -> list[BaseRoute]:
    async def blocking(work: Callable[[], T]) -> T:
        return await run_in_threadpool(work) if threaded else work()

    def guarded(handler: Endpoint) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            token = request.query_params.get("token")
            if token is not None and request.method == "GET":
                if not access.valid(token):
                    return page("denied.html", 401, problem="That is not the server's admin token.")
                answer = RedirectResponse(access.without_token(request), 303)
                answer.set_cookie(COOKIE, token, path=PREFIX, httponly=True, samesite="strict")
                return answer
            if not access.admitted(request):
                return page("denied.html", 401)
            if request.method == "POST" and not access.same_origin(request):
                return page("denied.html", 403, problem="A form of another site cannot act on this server.")
            started = time.perf_counter()
            try:
                answer = await handler(request)
            except ApiError as error:
                answer = problem(error)
            # As the API answers them (Api.respond): a page, never an exception left to the server.
            except (DatabaseUnavailable, StorageFull) as failure:
                answer = problem(storage_failure(failure))
            except Exception:
                _log.exception("%s %s failed", request.method, request.url.path)
                answer = problem(kernel_errors.internal_error())
            # The page's time in the server (reads and rendering), for browsers' tools and bench.inspector.
            answer.headers["Server-Timing"] = f"render;dur={(time.perf_counter() - started) * 1000:.1f}"
            return answer

        return endpoint

    def notices(request: Request) -> dict[str, str | None]:
        return {"notice": request.query_params.get("notice"), "problem": request.query_params.get("problem")}

    async def portals(request: Request) -> Response:
        listed = await blocking(console.portal_list)
        return page("portals.html", portals=listed, nav="portals", **notices(request))

    async def records_page(request: Request) -> Response:
        portal_id = _portal_id(request)
        params = request.query_params
        wanted = PageRequest(
            type_name=request.path_params["type"],
            columns=tuple(params.getlist("col")),
            sort=params.get("sort") or None,
            descending=params.get("dir") == "desc",
            filter_text=params.get("q", ""),
            after=params.get("after") or None,
        )
        await blocking(lambda: console.require_portal(portal_id))
        found = await blocking(lambda: records.page(portal_id, wanted))
        types = await blocking(lambda: records.object_types(portal_id))
        return page(
            "records.html",
            portal_id=portal_id,
            wanted=wanted,
            types=types,
            nav="portals",
            **found,
            **notices(request),
        )

    async def type_choice(request: Request) -> Response:
        """The type picker's form: on to that type's records."""
        chosen = quote(request.query_params.get("type", "contacts"), safe="")
        return RedirectResponse(f"{PREFIX}/portals/{_portal_id(request)}/objects/{chosen}", 303)

    async def record_page(request: Request) -> Response:
        portal_id = _portal_id(request)
        await blocking(lambda: console.require_portal(portal_id))
        shown = await blocking(
            lambda: records.record(portal_id, request.path_params["type"], request.path_params["recordId"])
        )
        record_id = int(shown["record"]["id"])
        events = await blocking(lambda: record_events(portal_id, record_id)) if record_events is not None else []
        return page(
            "record.html", portal_id=portal_id, nav="portals", webhook_events=events, **shown, **notices(request)
        )

    async def requests_page(request: Request) -> Response:
        filters, given = journal_filters(request)
        found = journal.find(**filters, limit=100)
        return page(
            "requests.html",
            entries=found["results"],
            size=found["size"],
            recorded=found["recorded"],
            last_id=journal.last_id,
            given=given,
            nav="requests",
            **notices(request),
        )

    async def requests_stream(request: Request) -> Response:
        filters, _ = journal_filters(request)
        return live.stream(request, journal, filters)

    async def webhooks(request: Request) -> Response:
        given = {name: request.query_params.get(name, "").strip() for name in ("appId", "status")}
        found: dict[str, Any] = {"results": [], "events": {}}
        if deliveries is not None:
            found = await blocking(lambda: deliveries(given["appId"] or None, given["status"] or None, "100"))
        return page(
            "webhooks.html",
            deliveries=found["results"],
            events=found["events"],
            given=given,
            statuses=DELIVERY_FILTERS,
            nav="webhooks",
            **notices(request),
        )

    async def controls(request: Request) -> Response:
        shown = await blocking(console.controls)
        return page("controls.html", nav="controls", **shown, **notices(request))

    async def act(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return page("problem.html", 413, problem="The form is too large.")
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        action = request.path_params["action"]
        back = _back(request)
        try:
            notice = await blocking(lambda: console.act(action, form))
        except ApiError as error:
            return RedirectResponse(_with(back, problem=error.message), 303)
        if action == "portal-delete" and f"/portals/{form.get('portalId')}/" in back:
            back = PREFIX + "/"
        return RedirectResponse(_with(back, notice=notice), 303)

    async def home(request: Request) -> Response:
        return RedirectResponse(PREFIX + "/", 307)

    def route(path: str, handler: Endpoint, method: str = "GET") -> Route:
        return Route(PREFIX + path, guarded(handler), methods=[method])

    return [
        Route(PREFIX, home, methods=["GET"]),
        route("/", portals),
        route("/portals/{portalId}/objects", type_choice),
        route("/portals/{portalId}/objects/{type}", records_page),
        route("/portals/{portalId}/objects/{type}/{recordId}", record_page),
        route("/requests", requests_page),
        route("/requests/stream", requests_stream),
        route("/controls", controls),
        route("/webhooks", webhooks),
        route("/actions/{action}", act, "POST"),
        Mount(PREFIX + "/static", StaticFiles(packages=[("localspot.inspector", "static")]), name="inspector-static"),
    ]


def _with(target: str, **params: str) -> str:
    path, _, query = target.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in ("notice", "problem")]
    return f"{path}?{urlencode([*kept, *params.items()])}"
