"""`/crm/v3/imports/...` and its date-versioned twins."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.imports.service import DEFAULT_PAGE, MAX_PAGE, ImportService
from localspot.kernel.web.api import Api, Call, Handler, Outcome


def routes(api: Api, imports: ImportService) -> list[BaseRoute]:
    def collection(call: Call) -> Outcome:
        if call.method == "POST":
            return imports.start(call.principal, call.raw_body)
        limit = call.query.integer("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE)
        return imports.page(call.principal, call.query.text("after"), limit)

    def import_errors(call: Call) -> Outcome:
        return imports.errors(
            call.principal,
            call.path["importId"],
            after=call.query.text("after"),
            limit=call.query.integer("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE),
            messages=call.query.flag("includeErrorMessage"),
            row_data=call.query.flag("includeRowData"),
        )

    def route(path: str, handler: Handler, methods: list[str]) -> Route:
        return Route(path, api.endpoint(handler), methods=methods)

    return [
        route("/", collection, ["GET", "POST"]),
        route("/{importId}", lambda c: imports.get(c.principal, c.path["importId"]), ["GET"]),
        route("/{importId}/cancel", lambda c: imports.cancel(c.principal, c.path["importId"]), ["POST"]),
        route("/{importId}/errors", import_errors, ["GET"]),
    ]
