"""`/crm-object-schemas/v3/schemas/…` and its date-versioned twin: custom object types."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.schemas.inputs import AssociationDefinitionInput, ObjectSchemaCreate, ObjectSchemaPatch
from localspot.crm.schemas.service import ObjectSchemaService
from localspot.kernel.web.api import Api
from localspot.kernel.web.params import query_bool


def routes(api: Api, schemas: ObjectSchemaService) -> list[BaseRoute]:

    async def collection(request: Request) -> Response:
        if request.method == "POST":
            return await api.respond(request, schemas.create, body=ObjectSchemaCreate)
        archived = query_bool(request, "archived")
        return await api.respond(request, lambda principal: schemas.list(principal, archived=archived))

    async def single(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        if request.method == "PATCH":
            return await api.respond(
                request, lambda principal, body: schemas.update(principal, type_name, body), body=ObjectSchemaPatch
            )
        if request.method == "DELETE":
            hard = query_bool(request, "archived")
            return await api.respond(request, lambda principal: schemas.archive(principal, type_name, hard=hard))
        return await api.respond(request, lambda principal: schemas.get(principal, type_name))

    async def associations(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(
            request,
            lambda principal, body: schemas.create_association(principal, type_name, body),
            body=AssociationDefinitionInput,
        )

    async def association(request: Request) -> Response:
        type_name, identifier = request.path_params["objectType"], request.path_params["associationIdentifier"]
        return await api.respond(
            request, lambda principal: schemas.archive_association(principal, type_name, identifier)
        )

    return [
        Route("/schemas", collection, methods=["GET", "POST"]),
        Route("/schemas/{objectType}", single, methods=["GET", "PATCH", "DELETE"]),
        Route("/schemas/{objectType}/associations", associations, methods=["POST"]),
        Route("/schemas/{objectType}/associations/{associationIdentifier}", association, methods=["DELETE"]),
    ]
