"""`/crm/v3/properties/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.http.api import Api
from localspot.http.params import query_bool
from localspot.service.inputs import PropertyCreate


def routes(api: Api) -> list[BaseRoute]:
    properties = api.services.properties

    async def collection(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        if request.method == "POST":
            return await api.respond(
                request,
                lambda principal, body: (201, properties.create(principal, type_name, body)),
                body=PropertyCreate,
            )
        return await api.respond(
            request,
            lambda principal: properties.list(principal, type_name, archived=query_bool(request, "archived")),
        )

    async def single(request: Request) -> Response:
        type_name, name = request.path_params["objectType"], request.path_params["propertyName"]
        return await api.respond(
            request,
            lambda principal: properties.get(principal, type_name, name, archived=query_bool(request, "archived")),
        )

    return [
        Route("/{objectType}", collection, methods=["GET", "POST"]),
        Route("/{objectType}/{propertyName}", single, methods=["GET"]),
    ]
