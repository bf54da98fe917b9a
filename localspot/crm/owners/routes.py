"""`/crm/v3/owners` (the clients add a trailing slash) and its date-versioned twin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.owners.service import DEFAULT_LIMIT, MAX_LIMIT, OwnerService
from localspot.kernel.web.api import Api
from localspot.kernel.web.params import query_bool, query_int


def routes(api: Api, owners: OwnerService) -> list[BaseRoute]:

    async def collection(request: Request) -> Response:
        return await api.respond(
            request,
            lambda principal: owners.list(
                principal,
                after=request.query_params.get("after"),
                limit=query_int(request, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT),
                archived=query_bool(request, "archived"),
                email=request.query_params.get("email"),
            ),
        )

    async def single(request: Request) -> Response:
        owner_id = request.path_params["ownerId"]
        return await api.respond(
            request,
            lambda principal: owners.get(
                principal,
                owner_id,
                id_property=request.query_params.get("idProperty") or "id",
                archived=query_bool(request, "archived"),
            ),
        )

    return [Route("/", collection, methods=["GET"]), Route("/{ownerId}", single, methods=["GET"])]
