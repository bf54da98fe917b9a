"""`/crm/v3/properties/{objectType}/…` and its date-versioned twin: properties, batches and groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.properties.groups import PropertyGroupService
from localspot.crm.properties.inputs import (
    BatchPropertyCreate,
    BatchPropertyNames,
    BatchPropertyRead,
    PropertyCreate,
    PropertyGroupCreate,
    PropertyGroupUpdate,
    PropertyUpdate,
)
from localspot.crm.properties.service import PropertyService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.web.api import Api, Outcome
from localspot.kernel.web.params import query_bool

Handler = Callable[[Request], Any]


def routes(api: Api, properties: PropertyService, groups: PropertyGroupService) -> list[BaseRoute]:

    def collection(
        list_: Callable[[Request, Principal, str], Outcome], create: Callable[..., Any], create_body: type
    ) -> Handler:
        """GET lists, POST creates (201)."""

        async def handle(request: Request) -> Response:
            type_name = request.path_params["objectType"]
            if request.method == "POST":
                return await api.respond(
                    request, lambda principal, body: (201, create(principal, type_name, body)), body=create_body
                )
            return await api.respond(request, lambda principal: list_(request, principal, type_name))

        return handle

    def item(
        key: str,
        get: Callable[[Request, Principal, str, str], Outcome],
        update: Callable[..., Outcome],
        update_body: type,
        archive: Callable[[Principal, str, str], None],
    ) -> Handler:
        """GET reads, PATCH updates, DELETE archives (204) the item named by path parameter `key`."""

        async def handle(request: Request) -> Response:
            type_name, name = request.path_params["objectType"], request.path_params[key]
            if request.method == "PATCH":
                return await api.respond(
                    request, lambda principal, body: update(principal, type_name, name, body), body=update_body
                )
            if request.method == "DELETE":
                return await api.respond(request, lambda principal: archive(principal, type_name, name))
            return await api.respond(request, lambda principal: get(request, principal, type_name, name))

        return handle

    def batch(operation: Callable[[Principal, str, Any], Outcome], body_type: type) -> Handler:
        async def handle(request: Request) -> Response:
            type_name = request.path_params["objectType"]
            return await api.respond(
                request, lambda principal, body: operation(principal, type_name, body), body=body_type
            )

        return handle

    property_collection = collection(
        lambda request, principal, type_name: properties.list(
            principal,
            type_name,
            archived=query_bool(request, "archived"),
            data_sensitivity=request.query_params.get("dataSensitivity") or None,
        ),
        properties.create,
        PropertyCreate,
    )
    property_item = item(
        "propertyName",
        lambda request, principal, type_name, name: properties.get(
            principal, type_name, name, archived=query_bool(request, "archived")
        ),
        properties.update,
        PropertyUpdate,
        properties.archive,
    )
    group_collection = collection(
        lambda request, principal, type_name: groups.list(principal, type_name), groups.create, PropertyGroupCreate
    )
    group_item = item(
        "groupName",
        lambda request, principal, type_name, name: groups.get(principal, type_name, name),
        groups.update,
        PropertyGroupUpdate,
        groups.archive,
    )
    batch_create = batch(lambda p, t, body: properties.batch_create(p, t, body.inputs), BatchPropertyCreate)
    batch_read = batch(properties.batch_read, BatchPropertyRead)
    batch_archive = batch(
        lambda p, t, body: properties.batch_archive(p, t, [i.name for i in body.inputs]), BatchPropertyNames
    )

    # Literal segments (batch, groups) come before `{propertyName}`.
    return [
        Route("/{objectType}", property_collection, methods=["GET", "POST"]),
        Route("/{objectType}/batch/create", batch_create, methods=["POST"]),
        Route("/{objectType}/batch/read", batch_read, methods=["POST"]),
        Route("/{objectType}/batch/archive", batch_archive, methods=["POST"]),
        Route("/{objectType}/groups", group_collection, methods=["GET", "POST"]),
        Route("/{objectType}/groups/{groupName}", group_item, methods=["GET", "PATCH", "DELETE"]),
        Route("/{objectType}/{propertyName}", property_item, methods=["GET", "PATCH", "DELETE"]),
    ]
