"""The properties API: each portal's property definitions per object type.

HubSpot-defined (catalogue) definitions are read-only. A portal's own definitions can be created, changed
and archived; a change is refused whenever it would leave a stored value invalid (see `_keep_values_valid`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from localspot.crm.objects.values import normalise
from localspot.crm.properties.definitions import DATA_SENSITIVITIES, new_definition, updated_definition
from localspot.crm.properties.inputs import BatchPropertyRead, PropertyCreate, PropertyUpdate
from localspot.crm.properties.queries import DefinitionQueries
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache, SchemaParts
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema, PropertyDefinition
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

MAX_NAMES_PER_BATCH = 1_000
# How many offending records a refused change names, and how many stored values one query reads.
MAX_REPORTED_OFFENDERS = 10
_SCAN_PAGE = 2_000


def open_schema(
    schemas: SchemaCache, session: Session, principal: Principal, type_name: str, operation: Operation
) -> tuple[PortalSchema, ObjectType]:
    """The portal's schema and the path's object type, once the caller's scopes allow the operation."""
    schema = schemas.load(session, principal.portal_id)
    object_type = schema.resolve(type_name)
    principal.require(operation, object_type)
    return schema, object_type


@contextmanager
def schema_change(
    database: Database, schemas: SchemaCache, principal: Principal, type_name: str
) -> Iterator[tuple[Session, ObjectType]]:
    """A write transaction that changes the portal's definitions of one object type.

    The portal row is locked first, so schema changes are serialised against each other and (on PostgreSQL)
    against record writers, which share-lock it (`PortalQueries.schema_version`): value checks see every
    committed record, and no writer commits a value validated against the old definition afterwards. The
    schema version moves at the end, so every process reloads the portal's schema."""
    with database.session(write=True) as session:
        PortalQueries.of(session).lock_schema(principal.portal_id)
        _, object_type = open_schema(schemas, session, principal, type_name, Operation.PROPERTIES_WRITE)
        yield session, object_type
        PortalQueries.of(session).bump_schema_version(principal.portal_id)


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
        "dataSensitivity": sensitivity(prop),
        "modificationMetadata": {
            "archivable": not prop.hubspot_defined,
            "readOnlyDefinition": prop.hubspot_defined,
            "readOnlyValue": prop.read_only,
        },
    }
    for key, stamp in (("createdAt", prop.created_at), ("updatedAt", prop.updated_at)):
        if stamp is not None:
            body[key] = iso_from_ms(stamp)
    if prop.archived and prop.archived_at is not None:
        body["archivedAt"] = iso_from_ms(prop.archived_at)
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


def sensitivity(prop: PropertyDefinition) -> str:
    return prop.extra.get("dataSensitivity") or "non_sensitive"


def check_sensitivity(value: str | None) -> None:
    if value is not None and value not in DATA_SENSITIVITIES:
        raise errors.validation_error(f"dataSensitivity must be one of {list(DATA_SENSITIVITIES)}.")


class PropertyService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def _open(self, session: Session, principal: Principal, type_name: str) -> tuple[PortalSchema, ObjectType]:
        return open_schema(self.schemas, session, principal, type_name, Operation.PROPERTIES_READ)

    # --- reads -------------------------------------------------------------------------------------------

    def list(
        self, principal: Principal, type_name: str, *, archived: bool = False, data_sensitivity: str | None = None
    ) -> dict[str, Any]:
        """Only `non_sensitive` properties unless `data_sensitivity` asks for another level (as HubSpot)."""
        check_sensitivity(data_sensitivity)
        wanted = data_sensitivity or "non_sensitive"
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name)
        results = [
            render_property(p)
            for p in object_type.properties.values()
            if p.archived == archived and sensitivity(p) == wanted
        ]
        return {"results": results}

    def get(self, principal: Principal, type_name: str, name: str, *, archived: bool = False) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name)
        prop = object_type.properties.get(name)
        if prop is None or prop.archived != archived:
            raise errors.property_not_found(object_type.object_type_id, name)
        return render_property(prop)

    def batch_read(self, principal: Principal, type_name: str, body: BatchPropertyRead) -> tuple[int, dict[str, Any]]:
        """Found properties in input order; each missing name is one OBJECT_NOT_FOUND error (207)."""
        outcome = BatchOutcome(self.database.clock)
        _check_batch_size(len(body.inputs), MAX_NAMES_PER_BATCH)
        check_sensitivity(body.data_sensitivity)
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name)
        for name in dict.fromkeys(item.name for item in body.inputs):
            prop = object_type.properties.get(name)
            if prop is None or prop.archived != body.archived:
                outcome.errors.append(errors.property_not_found(object_type.object_type_id, name))
            else:
                outcome.results.append(render_property(prop))
        return outcome.response(200)

    # --- create ------------------------------------------------------------------------------------------

    def create(self, principal: Principal, type_name: str, body: PropertyCreate) -> dict[str, Any]:
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            prop = self._create_one(session, principal.portal_id, object_type, body, self.database.clock.now_ms())
        return render_property(prop)

    def batch_create(
        self, principal: Principal, type_name: str, inputs: Sequence[PropertyCreate]
    ) -> tuple[int, dict[str, Any]]:
        """Valid inputs are created; each invalid one is an error naming its property (207)."""
        outcome = BatchOutcome(self.database.clock)
        _check_batch_size(len(inputs), MAX_BATCH_INPUTS)
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            for body in inputs:
                try:
                    prop = self._create_one(session, principal.portal_id, object_type, body, outcome.started_at)
                except ApiError as error:
                    outcome.errors.append(errors.with_property_name(error, body.name))
                    continue
                # Later inputs must see this one: its name is taken and it counts towards the unique limit.
                object_type = object_type.with_properties([prop])
                outcome.results.append(render_property(prop))
        return outcome.response(201)

    def _create_one(
        self, session: Session, portal_id: int, object_type: ObjectType, body: PropertyCreate, now: int
    ) -> PropertyDefinition:
        prop = new_definition(object_type, body, now)
        archived = object_type.properties.get(prop.name)
        if archived is not None:
            # Records may still hold values of the archived property of the same name: they must fit.
            _keep_values_valid(session, portal_id, object_type, archived, prop)
        DefinitionQueries.of(session).save_property(portal_id, object_type.object_type_id, prop.name, prop.to_dict())
        return prop

    # --- update ------------------------------------------------------------------------------------------

    def update(self, principal: Principal, type_name: str, name: str, body: PropertyUpdate) -> dict[str, Any]:
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            current = _live_property(object_type, name)
            if current.hubspot_defined or current.column is not None:
                raise errors.property_definition_read_only(name)
            prop = updated_definition(object_type, current, body, self.database.clock.now_ms())
            _keep_values_valid(session, principal.portal_id, object_type, current, prop)
            DefinitionQueries.of(session).save_property(
                principal.portal_id, object_type.object_type_id, name, prop.to_dict()
            )
        return render_property(prop)

    # --- archive -----------------------------------------------------------------------------------------

    def archive(self, principal: Principal, type_name: str, name: str) -> None:
        """Unknown names are a 404; archiving an archived property again changes nothing (204)."""
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            prop = object_type.properties.get(name)
            if prop is None:
                raise errors.property_not_found(object_type.object_type_id, name)
            self._archive(session, principal.portal_id, object_type, [prop])

    def batch_archive(self, principal: Principal, type_name: str, names: Sequence[str]) -> None:
        """204 whatever each property's state, as HubSpot documents; HubSpot-defined names refuse the batch."""
        _check_batch_size(len(names), MAX_NAMES_PER_BATCH)
        with schema_change(self.database, self.schemas, principal, type_name) as (session, object_type):
            found = [object_type.properties[name] for name in dict.fromkeys(names) if name in object_type.properties]
            self._archive(session, principal.portal_id, object_type, found)

    def _archive(
        self, session: Session, portal_id: int, object_type: ObjectType, props: Sequence[PropertyDefinition]
    ) -> None:
        protected = [p.name for p in props if not _archivable(object_type, p)]
        if protected:
            raise errors.property_not_archivable(protected)
        now = self.database.clock.now_ms()
        for prop in props:
            if not prop.archived:
                archived = replace(prop, archived=True, archived_at=now, updated_at=now)
                DefinitionQueries.of(session).save_property(
                    portal_id, object_type.object_type_id, prop.name, archived.to_dict()
                )


def _check_batch_size(count: int, limit: int) -> None:
    if count > limit:
        raise errors.too_many_inputs(limit)


def _live_property(object_type: ObjectType, name: str) -> PropertyDefinition:
    prop = object_type.properties.get(name)
    if prop is None or prop.archived:
        raise errors.property_not_found(object_type.object_type_id, name)
    return prop


def _archivable(object_type: ObjectType, prop: PropertyDefinition) -> bool:
    """HubSpot's own properties, and those a custom type needs (required, primary display), stay."""
    return not (
        prop.hubspot_defined
        or prop.column is not None
        or prop.name in object_type.required_properties
        or prop.name == object_type.primary_display_property
    )


def _keep_values_valid(
    session: Session, portal_id: int, object_type: ObjectType, old: PropertyDefinition, new: PropertyDefinition
) -> None:
    """Refuses (400) a definition change that would leave any stored value of the property invalid.

    Values are never rewritten: a new type or option list is accepted only when every record's stored value
    (archived records included) is already valid in its stored form under the new definition. Uniqueness
    cannot change while values exist, because the unique index would not match them.
    """
    changes_meaning = (old.type, old.field_type) != (new.type, new.field_type)
    drops_options = not old.option_values() <= new.option_values()
    changes_uniqueness = old.has_unique_value != new.has_unique_value
    if not (changes_meaning or drops_options or changes_uniqueness):
        return
    offenders: list[tuple[int, str]] = []
    after_id = 0
    while len(offenders) < MAX_REPORTED_OFFENDERS:
        page = DefinitionQueries.of(session).stored_values(
            portal_id, object_type.object_type_id, new.name, after_id=after_id, limit=_SCAN_PAGE
        )
        for record_id, value in page:
            problem = _misfit(new, value) if not changes_uniqueness else "holds a value, so uniqueness cannot change"
            if problem is not None:
                offenders.append((record_id, problem))
                if len(offenders) == MAX_REPORTED_OFFENDERS:
                    break
        if len(page) < _SCAN_PAGE:
            break
        after_id = page[-1][0]
    if offenders:
        raise errors.property_values_do_not_fit(new.name, offenders)


def _misfit(prop: PropertyDefinition, value: str) -> str | None:
    result = normalise(prop, value)
    if isinstance(result, str):
        return None if result == value else f"{value[:100]!r} would have to become {result[:100]!r}"
    return result.message[:300]


def add_to_schema(session: Session, portal_id: int, parts: SchemaParts) -> None:
    """The portal's custom properties and property groups (a `SchemaSource`)."""
    queries = DefinitionQueries.of(session)
    parts.custom_properties.extend(
        (object_type_id, PropertyDefinition.from_dict(definition, hubspot_defined=False))
        for object_type_id, definition in queries.custom_properties(portal_id)
    )
    parts.custom_groups.extend(queries.custom_property_groups(portal_id))
