"""The properties API: each portal's property definitions per object type."""

from __future__ import annotations

import re
from typing import Any

from localspot import errors
from localspot.schema import ObjectType, PortalSchema, PropertyDefinition
from localspot.schema.model import FIELD_TYPES, PROPERTY_TYPES
from localspot.service.context import Principal
from localspot.service.inputs import PropertyCreate
from localspot.service.schemas import SchemaCache
from localspot.store import Database, Session
from localspot.timeutil import iso_from_ms, now_ms

MAX_UNIQUE_PROPERTIES = 10
MAX_NAME_LENGTH = 100
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_TYPES_FOR = {
    "string": {"text", "textarea", "file", "html", "phonenumber", "calculation_equation"},
    "number": {"number", "calculation_equation"},
    "bool": {"booleancheckbox", "calculation_equation"},
    "enumeration": {"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"},
    "date": {"date"},
    "datetime": {"date"},
    "phone_number": {"phonenumber", "text"},
}
SCHEMA_READ_SCOPE = "crm.schemas.{}.read"
SCHEMA_WRITE_SCOPE = "crm.schemas.{}.write"


def property_scopes(object_type: ObjectType, *, write: bool) -> list[str]:
    """Schema scopes for the type, plus the object scopes HubSpot also accepts."""
    template = SCHEMA_WRITE_SCOPE if write else SCHEMA_READ_SCOPE
    own = [template.format(object_type.name)]
    return own + list(object_type.write_scopes if write else object_type.read_scopes)


def render_property(prop: PropertyDefinition) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": prop.name,
        "label": prop.label,
        "type": prop.type,
        "fieldType": prop.field_type,
        "description": prop.description,
        "groupName": prop.group_name,
        "options": [
            {
                "label": o["label"],
                "value": o["value"],
                "description": o.get("description", ""),
                "displayOrder": o.get("displayOrder", -1),
                "hidden": o.get("hidden", False),
            }
            for o in prop.options
        ],
        "displayOrder": prop.display_order,
        "calculated": prop.calculated,
        "externalOptions": bool(prop.extra.get("externalOptions", False)),
        "hasUniqueValue": prop.has_unique_value,
        "hidden": prop.hidden,
        "hubspotDefined": prop.hubspot_defined,
        "formField": prop.form_field,
        "archived": prop.archived,
        "dataSensitivity": prop.extra.get("dataSensitivity") or "non_sensitive",
        "modificationMetadata": {
            "archivable": not prop.hubspot_defined,
            "readOnlyDefinition": prop.hubspot_defined,
            "readOnlyValue": prop.read_only,
        },
    }
    for key in ("createdAt", "updatedAt", "archivedAt"):
        stamp = getattr(prop, {"createdAt": "created_at", "updatedAt": "updated_at", "archivedAt": "archived_at"}[key])
        if stamp is not None:
            body[key] = iso_from_ms(stamp)
    for key in (
        "calculationFormula",
        "numberDisplayHint",
        "textDisplayHint",
        "showCurrencySymbol",
        "currencyPropertyName",
        "referencedObjectType",
    ):
        if prop.extra.get(key) is not None:
            body[key] = prop.extra[key]
    return body


class PropertyService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def _open(
        self, session: Session, principal: Principal, type_name: str, *, write: bool
    ) -> tuple[PortalSchema, ObjectType]:
        schema = self.schemas.load(session, principal.portal_id)
        object_type = schema.resolve(type_name)
        principal.require(property_scopes(object_type, write=write))
        return schema, object_type

    def list(self, principal: Principal, type_name: str, *, archived: bool = False) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name, write=False)
        results = [render_property(p) for p in object_type.properties.values() if p.archived == archived]
        return {"results": results}

    def get(self, principal: Principal, type_name: str, name: str, *, archived: bool = False) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name, write=False)
        prop = object_type.properties.get(name)
        if prop is None or prop.archived != archived:
            raise errors.property_not_found(object_type.object_type_id, name)
        return render_property(prop)

    def create(self, principal: Principal, type_name: str, body: PropertyCreate) -> dict[str, Any]:
        with self.database.session(write=True) as session:
            _, object_type = self._open(session, principal, type_name, write=True)
            prop = self.validate_new(object_type, body)
            session.save_property(principal.portal_id, object_type.object_type_id, prop.name, prop.to_dict())
            session.bump_schema_version(principal.portal_id)
        return render_property(prop)

    def validate_new(self, object_type: ObjectType, body: PropertyCreate) -> PropertyDefinition:
        existing = object_type.properties.get(body.name)
        if existing is not None and not existing.archived:
            raise errors.property_exists(body.name)
        if body.has_unique_value and len(object_type.unique_properties()) >= MAX_UNIQUE_PROPERTIES:
            raise errors.validation_error(
                f"An object type can have at most {MAX_UNIQUE_PROPERTIES} unique value properties."
            )
        return self.build_definition(body, group_names={group["name"] for group in object_type.groups})

    def build_definition(self, body: PropertyCreate, *, group_names: set[str]) -> PropertyDefinition:
        """A valid new custom property definition, or the 400 that says what is wrong with it."""
        if not _NAME.match(body.name) or len(body.name) > MAX_NAME_LENGTH:
            raise errors.validation_error(
                f"Property name {body.name!r} is invalid: use lower-case letters, digits and underscores, "
                f"starting with a letter, at most {MAX_NAME_LENGTH} characters."
            )
        if body.type not in PROPERTY_TYPES:
            raise errors.validation_error(f"Property type {body.type!r} is not one of {sorted(PROPERTY_TYPES)}.")
        if body.field_type not in FIELD_TYPES or body.field_type not in _FIELD_TYPES_FOR[body.type]:
            raise errors.validation_error(
                f"fieldType {body.field_type!r} is not valid for type {body.type!r}; use one of "
                f"{sorted(_FIELD_TYPES_FOR[body.type])}."
            )
        if body.group_name not in group_names:
            raise errors.validation_error(f"Property group {body.group_name!r} does not exist.")
        if body.type == "enumeration" and not body.options and body.field_type != "booleancheckbox":
            raise errors.validation_error("Enumeration properties need at least one option.")
        values = [option.value for option in body.options]
        if len(values) != len(set(values)):
            raise errors.validation_error("Option values must be unique.")
        now = now_ms()
        extra = {
            key: value
            for key, value in (
                ("calculationFormula", body.calculation_formula),
                ("numberDisplayHint", body.number_display_hint),
                ("textDisplayHint", body.text_display_hint),
                ("showCurrencySymbol", body.show_currency_symbol),
                ("currencyPropertyName", body.currency_property_name),
                ("dataSensitivity", body.data_sensitivity),
                ("externalOptions", body.external_options),
                ("referencedObjectType", body.referenced_object_type),
            )
            if value is not None
        }
        options = body.options
        return PropertyDefinition.from_dict(
            {
                "name": body.name,
                "label": body.label,
                "type": body.type,
                "fieldType": body.field_type,
                "groupName": body.group_name,
                "description": body.description or "",
                "options": [
                    {
                        "label": o.label,
                        "value": o.value,
                        "description": o.description or "",
                        "displayOrder": o.display_order if o.display_order is not None else i,
                        "hidden": o.hidden,
                    }
                    for i, o in enumerate(options)
                ],
                "displayOrder": body.display_order if body.display_order is not None else -1,
                "hasUniqueValue": body.has_unique_value,
                "hidden": body.hidden,
                "formField": body.form_field,
                "calculated": body.field_type == "calculation_equation",
                "createdAt": now,
                "updatedAt": now,
                **extra,
            },
            hubspot_defined=False,
        )
