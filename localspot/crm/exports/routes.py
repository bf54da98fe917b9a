"""`/crm/v3/exports/...` and its date-versioned twins, and the export files themselves (served without a
token to whoever holds a live link, as HubSpot's are)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.exports.request import ExportRequest
from localspot.crm.exports.service import ExportService
from localspot.kernel.web.api import Api, Call, Handler, Streamed


def routes(api: Api, exports: ExportService) -> list[BaseRoute]:
    def route(path: str, handler: Handler, methods: list[str], *, public: bool = False) -> Route:
        return Route(path, api.endpoint(handler, public=public), methods=methods)

    def file(call: Call) -> Streamed:
        media_type, name, body = exports.download(call.path["token"])
        return Streamed(media_type, body, {"Content-Disposition": f'attachment; filename="{name}"'})

    return [
        route("/export/async", lambda c: exports.start(c.principal, c.body(ExportRequest)), ["POST"]),
        route(
            "/export/async/tasks/{taskId}/status",
            lambda c: exports.status(c.principal, c.path["taskId"], c.base_url),
            ["GET"],
        ),
        route("/export/{exportId}", lambda c: exports.get(c.principal, c.path["exportId"]), ["GET"]),
        route("/export/files/{token}", file, ["GET"], public=True),
    ]
