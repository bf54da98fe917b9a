"""`/crm/v3/objects/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.http.api import Api
from localspot.service.inputs import BatchCreate, BatchUpdate


def routes(api: Api) -> list[BaseRoute]:
    records = api.services.records

    async def batch_create(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(
            request,
            lambda principal, body: records.batch_create(principal, type_name, body.inputs).response(201),
            body=BatchCreate,
        )

    async def batch_update(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(
            request,
            lambda principal, body: records.batch_update(principal, type_name, body.inputs).response(200),
            body=BatchUpdate,
        )

    return [
        Route("/{objectType}/batch/create", batch_create, methods=["POST"]),
        Route("/{objectType}/batch/update", batch_update, methods=["POST"]),
    ]
