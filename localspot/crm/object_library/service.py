"""Every object type localspot serves is activated in every portal (docs/decisions.md, "Object library"):
the list names the activatable types of HubSpot's object library, each `true`; one type's status is `true`
for any type the portal has, by objectTypeId."""

from __future__ import annotations

from typing import Any

from localspot.crm.object_library import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database

# The types HubSpot's object library lets an account activate or deactivate (its guide's table): listings,
# appointments, services and courses. Foundational types (contacts, companies, deals, tickets, ...) are not.
ACTIVATABLE = ("listings", "appointments", "services", "courses")


class ObjectLibraryService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def enablement(self, principal: Principal) -> dict[str, Any]:
        principal.require(Operation.OBJECT_LIBRARY_READ)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
        ids = [object_type.object_type_id for name in ACTIVATABLE if (object_type := schema.find(name))]
        return {"enablementByObjectTypeId": dict.fromkeys(ids, True)}

    def enablement_of(self, principal: Principal, object_type_id: str) -> dict[str, Any]:
        principal.require(Operation.OBJECT_LIBRARY_READ)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
        if object_type_id not in schema.types:
            raise errors.object_type_not_found(object_type_id)
        return {"enablement": True}
