"""`/crm-object-schemas/v3/schemas/…` and its date-versioned twin: custom object types."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.schemas.inputs import (
    AssociationDefinitionInput,
    ObjectSchemaBatchRead,
    ObjectSchemaCreate,
    ObjectSchemaPatch,
)
from localspot.crm.schemas.service import ObjectSchemaService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, schemas: ObjectSchemaService) -> list[BaseRoute]:

    def collection(call: Call) -> Outcome:
        if call.method == "POST":
            return schemas.create(call.principal, call.body(ObjectSchemaCreate))
        return schemas.list(call.principal, archived=call.query.flag("archived"))

    def single(call: Call) -> Outcome:
        type_name = call.path["objectType"]
        if call.method == "PATCH":
            return schemas.update(call.principal, type_name, call.body(ObjectSchemaPatch))
        if call.method == "DELETE":
            return schemas.archive(call.principal, type_name, hard=call.query.flag("archived"))
        return schemas.get(call.principal, type_name)

    def associations(call: Call) -> Outcome:
        return schemas.create_association(
            call.principal, call.path["objectType"], call.body(AssociationDefinitionInput)
        )

    def association(call: Call) -> Outcome:
        return schemas.archive_association(call.principal, call.path["objectType"], call.path["associationIdentifier"])

    return [
        Route("/schemas", api.endpoint(collection), methods=["GET", "POST"]),
        Route(
            "/schemas/batch/read",
            api.endpoint(lambda call: schemas.batch_read(call.principal, call.body(ObjectSchemaBatchRead))),
            methods=["POST"],
        ),
        Route("/schemas/{objectType}", api.endpoint(single), methods=["GET", "PATCH", "DELETE"]),
        Route("/schemas/{objectType}/associations", api.endpoint(associations), methods=["POST"]),
        Route(
            "/schemas/{objectType}/associations/{associationIdentifier}",
            api.endpoint(association),
            methods=["DELETE"],
        ),
    ]
