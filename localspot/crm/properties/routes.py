"""`/crm/v3/properties/{objectType}/…` and its date-versioned twin: properties, batches and groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from localspot.kernel.web.api import Api, Call, Handler, Outcome


def routes(api: Api, properties: PropertyService, groups: PropertyGroupService) -> list[BaseRoute]:

    def collection(list_: Callable[[Call, str], Outcome], create: Callable[..., Any], create_body: type) -> Handler:
        """GET lists, POST creates (201)."""

        def handle(call: Call) -> Outcome:
            type_name = call.path["objectType"]
            if call.method == "POST":
                return 201, create(call.principal, type_name, call.body(create_body))
            return list_(call, type_name)

        return handle

    def item(
        key: str,
        get: Callable[[Call, str, str], Outcome],
        update: Callable[..., Outcome],
        update_body: type,
        archive: Callable[[Principal, str, str], None],
    ) -> Handler:
        """GET reads, PATCH updates, DELETE archives (204) the item named by path parameter `key`."""

        def handle(call: Call) -> Outcome:
            type_name, name = call.path["objectType"], call.path[key]
            if call.method == "PATCH":
                return update(call.principal, type_name, name, call.body(update_body))
            if call.method == "DELETE":
                return archive(call.principal, type_name, name)
            return get(call, type_name, name)

        return handle

    def batch(operation: Callable[[Principal, str, Any], Outcome], body_type: type) -> Handler:
        def handle(call: Call) -> Outcome:
            return operation(call.principal, call.path["objectType"], call.body(body_type))

        return handle

    property_collection = collection(
        lambda call, type_name: properties.list(
            call.principal,
            type_name,
            archived=call.query.flag("archived"),
            data_sensitivity=call.query.text("dataSensitivity"),
        ),
        properties.create,
        PropertyCreate,
    )
    property_item = item(
        "propertyName",
        lambda call, type_name, name: properties.get(
            call.principal, type_name, name, archived=call.query.flag("archived")
        ),
        properties.update,
        PropertyUpdate,
        properties.archive,
    )
    group_collection = collection(
        lambda call, type_name: groups.list(call.principal, type_name), groups.create, PropertyGroupCreate
    )
    group_item = item(
        "groupName",
        lambda call, type_name, name: groups.get(call.principal, type_name, name),
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
        Route("/{objectType}", api.endpoint(property_collection), methods=["GET", "POST"]),
        Route("/{objectType}/batch/create", api.endpoint(batch_create), methods=["POST"]),
        Route("/{objectType}/batch/read", api.endpoint(batch_read), methods=["POST"]),
        Route("/{objectType}/batch/archive", api.endpoint(batch_archive), methods=["POST"]),
        Route("/{objectType}/groups", api.endpoint(group_collection), methods=["GET", "POST"]),
        Route("/{objectType}/groups/{groupName}", api.endpoint(group_item), methods=["GET", "PATCH", "DELETE"]),
        Route("/{objectType}/{propertyName}", api.endpoint(property_item), methods=["GET", "PATCH", "DELETE"]),
    ]
