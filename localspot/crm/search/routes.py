"""`POST /crm/v3/objects/{objectType}/search` and its date-versioned twin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.search.service import SearchRequest, SearchService
from localspot.kernel.web.api import Api


def routes(api: Api, search: SearchService) -> list[BaseRoute]:

    async def do_search(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(
            request, lambda principal, body: search.search(principal, type_name, body), body=SearchRequest
        )

    return [Route("/{objectType}/search", do_search, methods=["POST"])]
