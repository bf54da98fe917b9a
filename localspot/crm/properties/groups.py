"""Property groups: the catalogue's groups of each type (read-only) plus each portal's own.

Deleting a group archives it; a group that still holds live properties cannot be deleted (400), so no
property is ever left in a group that does not exist.
"""

from __future__ import annotations

from typing import Any

from localspot.crm.properties.definitions import check_label, check_name
from localspot.crm.properties.inputs import PropertyGroupCreate, PropertyGroupUpdate
from localspot.crm.properties.queries import DefinitionQueries
from localspot.crm.properties.service import open_schema, schema_change
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage import Database, Session

_WHAT = "Property group"


def render_group(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": group["name"],
        "label": group["label"],
        "displayOrder": group.get("displayOrder", -1),
        "archived": bool(group.get("archived", False)),
    }


class PropertyGroupService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def _open(self, session: Session, principal: Principal, type_name: str) -> ObjectType:
        return open_schema(self.schemas, session, principal, type_name, Operation.PROPERTIES_READ)[1]

    def list(self, principal: Principal, type_name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            object_type = self._open(session, principal, type_name)
        return {"results": [render_group(g) for g in object_type.groups if not g.get("archived", False)]}

    def get(self, principal: Principal, type_name: str, name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            object_type = self._open(session, principal, type_name)
        return render_group(_live_group(object_type, name))

    def create(self, principal: Principal, type_name: str, body: PropertyGroupCreate) -> dict[str, Any]:
        check_name(body.name, _WHAT)
        check_label(body.label, _WHAT)
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            if object_type.live_group(body.name) is not None:
                raise errors.property_group_exists(body.name)
            now = self.database.clock.now_ms()
            group = {
                "name": body.name,
                "label": body.label,
                "displayOrder": body.display_order,
                "archived": False,
                "createdAt": now,
                "updatedAt": now,
                "archivedAt": None,
            }
            self._save(session, principal.portal_id, object_type, group)
        return render_group(group)

    def update(self, principal: Principal, type_name: str, name: str, body: PropertyGroupUpdate) -> dict[str, Any]:
        if body.label is not None:
            check_label(body.label, _WHAT)
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            group = _own_group(object_type, name)
            group = {
                **group,
                "label": body.label if body.label is not None else group["label"],
                "displayOrder": body.display_order if body.display_order is not None else group.get("displayOrder", -1),
                "updatedAt": self.database.clock.now_ms(),
            }
            self._save(session, principal.portal_id, object_type, group)
        return render_group(group)

    def archive(self, principal: Principal, type_name: str, name: str) -> None:
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            group = _own_group(object_type, name)
            members = [p.name for p in object_type.properties.values() if p.group_name == name and not p.archived]
            if members:
                raise errors.property_group_in_use(name, sorted(members))
            now = self.database.clock.now_ms()
            self._save(
                session,
                principal.portal_id,
                object_type,
                {**group, "archived": True, "archivedAt": now, "updatedAt": now},
            )

    def _save(self, session: Session, portal_id: int, object_type: ObjectType, group: dict[str, Any]) -> None:
        # Groups of a custom type's own definition carry no timestamps until the portal first changes them.
        stamped = {
            "displayOrder": -1,
            "createdAt": group.get("updatedAt") or session.clock.now_ms(),
            "archivedAt": None,
            **group,
        }
        DefinitionQueries.of(session).save_property_group(portal_id, object_type.object_type_id, stamped)


def _live_group(object_type: ObjectType, name: str) -> dict[str, Any]:
    group = object_type.live_group(name)
    if group is None:
        raise errors.property_group_not_found(object_type.object_type_id, name)
    return group


def _own_group(object_type: ObjectType, name: str) -> dict[str, Any]:
    """A live group the portal created; HubSpot's own groups are read-only."""
    group = _live_group(object_type, name)
    if group.get("hubspotDefined"):
        raise errors.property_group_read_only(name)
    return group
