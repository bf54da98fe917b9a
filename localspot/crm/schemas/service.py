"""The custom object schemas API (`/crm-object-schemas/v3/schemas`).

A schema is stored as one JSON definition: name, labels, objectTypeId (`2-<n>`), fullyQualifiedName
(`p<portal>_<name>`), its own properties, required/searchable/display properties and association
definitions (each with the type id of both directions). `schema/custom.py` turns it into an ObjectType.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from localspot.crm.properties.definitions import new_definition
from localspot.crm.properties.inputs import PropertyCreate
from localspot.crm.properties.service import PropertyService, render_property
from localspot.crm.schemas.inputs import (
    AssociationDefinitionInput,
    ObjectSchemaBatchRead,
    ObjectSchemaCreate,
    ObjectSchemaPatch,
)
from localspot.crm.schemas.queries import ObjectSchemaQueries
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache, SchemaParts
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.custom import (
    association_types_from_schema,
    fully_qualified_name,
    group_name,
    object_type_from_schema,
)
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_PROPERTIES = 1000
# Association type ids of custom object schemas live in their own range, clear of HubSpot's defined ids and
# of the ids association labels take (store/association_schema.py counts up from FIRST_CUSTOM_TYPE_ID).
SCHEMA_ASSOCIATION_TYPE_IDS = 1_000_000_000


class ObjectSchemaService:
    def __init__(self, database: Database, schemas: SchemaCache, properties: PropertyService) -> None:
        self.database = database
        self.schemas = schemas
        self.properties = properties

    # --- reads -----------------------------------------------------------------------------------------

    def list(self, principal: Principal, *, archived: bool = False) -> dict[str, Any]:
        principal.require(Operation.SCHEMAS_READ)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
            definitions = ObjectSchemaQueries.of(session).object_schemas(principal.portal_id)
        return {"results": [self._render(schema, d) for d in definitions if bool(d.get("archived", False)) == archived]}

    def labels(self, portal_id: int) -> dict[str, tuple[str, str]]:
        """The singular and plural label of each of the portal's live custom object types (for other areas)."""
        with self.database.session(write=False) as session:
            definitions = ObjectSchemaQueries.of(session).object_schemas(portal_id)
        return {
            d["objectTypeId"]: (d["labels"]["singular"], d["labels"]["plural"])
            for d in definitions
            if not d.get("archived")
        }

    def get(self, principal: Principal, type_name: str) -> dict[str, Any]:
        principal.require(Operation.SCHEMAS_READ)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
            definition = self._find(session, principal, schema, type_name)
        return self._render(schema, definition)

    def batch_read(self, principal: Principal, body: ObjectSchemaBatchRead) -> dict[str, Any]:
        """The schemas the inputs name (by name, fully qualified name or objectTypeId), in input order, each
        once; inputs that name none are left out, as the spec's answer has no errors (docs/decisions.md)."""
        principal.require(Operation.SCHEMAS_READ)
        if len(body.inputs) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
            found: dict[str, dict[str, Any]] = {}
            for name in body.inputs:
                definition = self._lookup(session, principal, schema, name)
                if definition is not None:
                    found.setdefault(definition["objectTypeId"], definition)
        results = []
        for definition in found.values():
            rendered = self._render(schema, definition)
            if not body.include_property_definitions:
                rendered["properties"] = []
            if not body.include_association_definitions:
                rendered["associations"] = []
            if not body.include_audit_metadata:
                del rendered["createdAt"], rendered["updatedAt"]
            results.append(rendered)
        return {"results": results}

    # --- writes ----------------------------------------------------------------------------------------

    def create(self, principal: Principal, body: ObjectSchemaCreate) -> tuple[int, dict[str, Any]]:
        portal_id = principal.portal_id
        with self._schema_change(principal) as (session, schema):
            self._check_new_name(session, schema, portal_id, body.name)
            number = session.reserve_ids(1)[0]
            now = self.database.clock.now_ms()
            definition: dict[str, Any] = {
                "id": str(number),
                "objectTypeId": f"2-{number}",
                "name": body.name,
                "fullyQualifiedName": fully_qualified_name(portal_id, body.name),
                "labels": {"singular": body.labels.singular, "plural": body.labels.plural},
                "description": body.description or "",
                "properties": [],
                "requiredProperties": list(body.required_properties),
                "searchableProperties": list(body.searchable_properties),
                "primaryDisplayProperty": body.primary_display_property,
                "secondaryDisplayProperties": list(body.secondary_display_properties),
                "allowsSensitiveProperties": body.allows_sensitive_properties,
                "associations": [],
                "archived": False,
                "createdAt": now,
                "updatedAt": now,
            }
            definition["properties"] = self._properties(definition, body.properties, now)
            known = {p["name"] for p in definition["properties"]} | {
                "hs_object_id",
                "hs_createdate",
                "hs_lastmodifieddate",
            }
            self._check_references(
                known,
                body.required_properties,
                body.searchable_properties,
                body.secondary_display_properties,
                [body.primary_display_property],
            )
            for target in body.associated_objects:
                target_type = schema.find(target)
                if target_type is None:
                    raise errors.validation_error(f"Unable to infer object type from: {target}")
                definition["associations"].append(self._association(session, definition, target_type, None, now))
            ObjectSchemaQueries.of(session).save_object_schema(
                portal_id, definition["objectTypeId"], body.name, definition
            )
            PortalQueries.of(session).bump_schema_version(portal_id)
        # Rendered from the definition itself: caching a schema version before its commit could keep a
        # version that never committed.
        return 201, self._render_with(portal_id, definition, object_type_from_schema(definition))

    def update(self, principal: Principal, type_name: str, body: ObjectSchemaPatch) -> dict[str, Any]:
        portal_id = principal.portal_id
        with self._schema_change(principal) as (session, schema):
            definition = self._find(session, principal, schema, type_name)
            object_type = schema.types[definition["objectTypeId"]]
            known = set(object_type.properties)
            self._check_references(
                known,
                body.required_properties or [],
                body.searchable_properties or [],
                body.secondary_display_properties or [],
                [body.primary_display_property],
            )
            if body.labels is not None:
                definition["labels"] = {"singular": body.labels.singular, "plural": body.labels.plural}
            for key, value in (
                ("requiredProperties", body.required_properties),
                ("searchableProperties", body.searchable_properties),
                ("secondaryDisplayProperties", body.secondary_display_properties),
                ("primaryDisplayProperty", body.primary_display_property),
                ("description", body.description),
                ("allowsSensitiveProperties", body.allows_sensitive_properties),
            ):
                if value is not None:
                    definition[key] = value
            if body.clear_description:
                definition["description"] = ""
            if body.restorable is False:
                definition["archived"] = False
            definition["updatedAt"] = self.database.clock.now_ms()
            ObjectSchemaQueries.of(session).save_object_schema(
                portal_id, definition["objectTypeId"], definition["name"], definition
            )
            PortalQueries.of(session).bump_schema_version(portal_id)
        return self._render_definition(portal_id, definition)

    def archive(self, principal: Principal, type_name: str, *, hard: bool) -> None:
        """Archiving needs the type to hold no live records; `archived=true` then deletes it for good."""
        portal_id = principal.portal_id
        with self._schema_change(principal) as (session, schema):
            definition = self._find(session, principal, schema, type_name, include_archived=True)
            if ObjectSchemaQueries.of(session).count_records(portal_id, definition["objectTypeId"]):
                raise errors.validation_error(
                    f"Object type {definition['objectTypeId']} still has records; delete them before its schema."
                )
            if hard:
                if not definition.get("archived"):
                    raise errors.validation_error("Archive a schema before deleting it permanently.")
                ObjectSchemaQueries.of(session).delete_object_schema(portal_id, definition["objectTypeId"])
            else:
                definition["archived"] = True
                definition["updatedAt"] = self.database.clock.now_ms()
                ObjectSchemaQueries.of(session).save_object_schema(
                    portal_id, definition["objectTypeId"], definition["name"], definition
                )
            PortalQueries.of(session).bump_schema_version(portal_id)

    def create_association(
        self, principal: Principal, type_name: str, body: AssociationDefinitionInput
    ) -> tuple[int, dict[str, Any]]:
        portal_id = principal.portal_id
        with self._schema_change(principal) as (session, schema):
            definition = self._find(session, principal, schema, type_name)
            from_type = schema.find(body.from_object_type_id)
            to_type = schema.find(body.to_object_type_id)
            if from_type is None or to_type is None:
                raise errors.validation_error("Unable to infer object type from the association definition.")
            if definition["objectTypeId"] not in (from_type.object_type_id, to_type.object_type_id):
                raise errors.validation_error("An association definition must involve the schema's own type.")
            other = to_type if from_type.object_type_id == definition["objectTypeId"] else from_type
            association = self._association(session, definition, other, body.name, self.database.clock.now_ms())
            definition["associations"].append(association)
            ObjectSchemaQueries.of(session).save_object_schema(
                portal_id, definition["objectTypeId"], definition["name"], definition
            )
            PortalQueries.of(session).bump_schema_version(portal_id)
        return 201, _render_association(association)

    def archive_association(self, principal: Principal, type_name: str, association_id: str) -> None:
        portal_id = principal.portal_id
        with self._schema_change(principal) as (session, schema):
            definition = self._find(session, principal, schema, type_name)
            kept = [a for a in definition["associations"] if str(a["id"]) != association_id]
            if len(kept) == len(definition["associations"]):
                raise errors.object_not_found(association_id)
            definition["associations"] = kept
            ObjectSchemaQueries.of(session).save_object_schema(
                portal_id, definition["objectTypeId"], definition["name"], definition
            )
            PortalQueries.of(session).bump_schema_version(portal_id)

    # --- helpers ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _schema_change(self, principal: Principal) -> Iterator[tuple[Session, PortalSchema]]:
        """A write transaction that changes the portal's schema: the portal row is locked first, as for
        property changes (service.properties.schema_change), so schema changes are serialised."""
        principal.require(Operation.SCHEMAS_WRITE)
        with self.database.session(write=True) as session:
            PortalQueries.of(session).lock_schema(principal.portal_id)
            yield session, self.schemas.load(session, principal.portal_id)

    def _lookup(
        self, session: Session, principal: Principal, schema: PortalSchema, type_name: str
    ) -> dict[str, Any] | None:
        try:
            return self._find(session, principal, schema, type_name)
        except errors.ApiError:
            return None

    def _find(
        self,
        session: Session,
        principal: Principal,
        schema: PortalSchema,
        type_name: str,
        *,
        include_archived: bool = False,
    ) -> dict[str, Any]:
        wanted = type_name.lower()
        for definition in ObjectSchemaQueries.of(session).object_schemas(principal.portal_id):
            names = {
                definition["objectTypeId"],
                definition["fullyQualifiedName"].lower(),
                definition["name"].lower(),
                f"p_{definition['name'].lower()}",
            }
            if wanted in names and (include_archived or not definition.get("archived")):
                return definition
        raise errors.ApiError(
            404, "OBJECT_NOT_FOUND", f"Unable to find object schema {type_name}", context={"objectType": [type_name]}
        )

    @staticmethod
    def _check_new_name(session: Session, schema: PortalSchema, portal_id: int, name: str) -> None:
        if not _NAME.match(name) or len(name) > 100:
            raise errors.validation_error(
                f"Schema name {name!r} is invalid: use letters, digits and underscores, starting with a letter."
            )
        if schema.find(name) is not None or any(
            d["name"].lower() == name.lower() for d in ObjectSchemaQueries.of(session).object_schemas(portal_id)
        ):
            raise errors.ApiError(409, "OBJECT_ALREADY_EXISTS", f"An object type named {name!r} already exists.")

    @staticmethod
    def _check_references(known: set[str], *groups: Any) -> None:
        for group in groups:
            for name in group:
                if name is not None and name not in known:
                    raise errors.validation_error(f"Property {name!r} must be defined before it is referenced.")

    @staticmethod
    def _properties(definition: dict[str, Any], given: Any, now: int) -> list[dict[str, Any]]:
        """The schema's own properties, each validated like a property created through the properties API."""
        if len(given) > MAX_PROPERTIES:
            raise errors.validation_error(f"A schema can define at most {MAX_PROPERTIES} properties.")
        object_type = object_type_from_schema(definition)
        stored: list[dict[str, Any]] = []
        for prop in given:
            create = PropertyCreate(
                name=prop.name,
                label=prop.label,
                type=prop.type or "string",
                field_type=prop.field_type or "text",
                group_name=prop.group_name or group_name(definition["name"]),
                description=prop.description,
                options=prop.options,
                display_order=prop.display_order,
                has_unique_value=prop.has_unique_value,
                hidden=prop.hidden,
                form_field=prop.form_field,
            )
            created = new_definition(object_type, create, now)
            object_type = object_type.with_properties([created])
            stored.append(created.to_dict())
        return stored

    @staticmethod
    def _association(
        session: Session, definition: dict[str, Any], other: ObjectType, name: str | None, now: int
    ) -> dict[str, Any]:
        forward, inverse = (SCHEMA_ASSOCIATION_TYPE_IDS + n for n in session.reserve_ids(2))
        own = definition["name"].lower()
        return {
            "id": forward,
            "inverseId": inverse,
            "fromObjectTypeId": definition["objectTypeId"],
            "toObjectTypeId": other.object_type_id,
            "name": name or f"{own}_to_{other.singular}",
            "inverseName": f"{other.singular}_to_{own}",
            "createdAt": now,
            "updatedAt": now,
        }

    def _render(self, schema: PortalSchema, definition: dict[str, Any]) -> dict[str, Any]:
        return self._render_with(schema.portal_id, definition, schema.types.get(definition["objectTypeId"]))

    def _render_with(
        self, portal_id: int, definition: dict[str, Any], object_type: ObjectType | None
    ) -> dict[str, Any]:
        body = self._render_definition(portal_id, definition)
        properties = object_type.properties.values() if object_type else ()
        body["properties"] = [render_property(p) for p in properties if not p.archived]
        body["associations"] = [_render_association(a) for a in definition.get("associations", [])]
        return body

    @staticmethod
    def _render_definition(portal_id: int, definition: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": definition["id"],
            "objectTypeId": definition["objectTypeId"],
            "name": definition["name"],
            "fullyQualifiedName": definition["fullyQualifiedName"],
            "labels": definition["labels"],
            "description": definition.get("description", ""),
            "requiredProperties": definition.get("requiredProperties", []),
            "searchableProperties": definition.get("searchableProperties", []),
            "primaryDisplayProperty": definition.get("primaryDisplayProperty"),
            "secondaryDisplayProperties": definition.get("secondaryDisplayProperties", []),
            "allowsSensitiveProperties": bool(definition.get("allowsSensitiveProperties", False)),
            "archived": bool(definition.get("archived", False)),
            "portalId": portal_id,
            "metaType": "PORTAL_SPECIFIC",
            "createdAt": iso_from_ms(definition["createdAt"]),
            "updatedAt": iso_from_ms(definition["updatedAt"]),
        }


def _render_association(association: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(association["id"]),
        "fromObjectTypeId": association["fromObjectTypeId"],
        "toObjectTypeId": association["toObjectTypeId"],
        "name": association["name"],
        "createdAt": iso_from_ms(association["createdAt"]),
        "updatedAt": iso_from_ms(association["updatedAt"]),
    }


def add_to_schema(session: Session, portal_id: int, parts: SchemaParts) -> None:
    """The portal's custom object types and the association types their schemas define (a `SchemaSource`)."""
    definitions = [d for d in ObjectSchemaQueries.of(session).object_schemas(portal_id) if not d.get("archived")]
    parts.custom_types.extend(object_type_from_schema(d) for d in definitions)
    parts.custom_association_types.extend(t for d in definitions for t in association_types_from_schema(d))
