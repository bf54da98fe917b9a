"""The v4 association schema API: a portal's own association labels (USER_DEFINED types) and the limits
(maxToObjectIds) it sets on association types.

Labels: a paired label (`inverseLabel`) gets one type id per direction; an unpaired label between two
different object types also gets one per direction, both carrying the same label; an unpaired label
between records of one type is a single type that is its own inverse. Custom type ids are allocated per
portal from 1000 up, so they never equal a HUBSPOT_DEFINED id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from localspot.crm.associations.inputs import LabelCreate, LabelUpdate, LimitInput, TypeKeyInput
from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.associations.queries.labels import AssociationSchemaQueries, LabelRow, LimitRow
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache, SchemaParts
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import PortalSchema
from localspot.kernel.schema.model import USER_DEFINED, AssociationType
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries

MAX_LABELS_PER_PAIR = 10
MAX_NAME_LENGTH = 100
# Bounds what a limit may be set to (the column is a 32-bit integer on PostgreSQL).
MAX_LIMIT = 1_000_000


class AssociationLabelService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def _open(
        self, session: Session, principal: Principal, from_name: str, to_name: str, *, write: bool
    ) -> tuple[PortalSchema, str, str]:
        if write:
            # Label and limit changes are schema changes: serialise them (see properties.schema_change).
            PortalQueries.of(session).lock_schema(principal.portal_id)
        schema = self.schemas.load(session, principal.portal_id)
        from_type, to_type = schema.resolve(from_name), schema.resolve(to_name)
        principal.require(Operation.ASSOCIATION_SCHEMA_WRITE if write else Operation.ASSOCIATION_SCHEMA_READ, from_type)
        return schema, from_type.object_type_id, to_type.object_type_id

    @contextlib.contextmanager
    def _schema_change(
        self, principal: Principal, from_name: str, to_name: str
    ) -> Iterator[tuple[Session, PortalSchema, str, str]]:
        """A write transaction changing the portal's labels. `_open` locks the portal row first (as for
        property changes): label writers are serialised, type ids are allocated without a race, and on
        PostgreSQL association writers (which share-lock the row) never commit a label deleted meanwhile.
        The schema version moves last, so every process reloads the labels."""
        with self.database.session(write=True) as session:
            schema, from_type, to_type = self._open(session, principal, from_name, to_name, write=True)
            yield session, schema, from_type, to_type
            PortalQueries.of(session).bump_schema_version(principal.portal_id)

    # --- labels --------------------------------------------------------------------------------------

    def list(self, principal: Principal, from_name: str, to_name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            schema, from_type, to_type = self._open(session, principal, from_name, to_name, write=False)
        return {"results": [_spec(d) for d in _sorted(schema.association_types(from_type, to_type))]}

    def create(self, principal: Principal, from_name: str, to_name: str, body: LabelCreate) -> dict[str, Any]:
        _check_name(body.name)
        for text in (body.label, body.inverse_label):
            if text is not None and not (0 < len(text.strip()) <= MAX_NAME_LENGTH):
                raise errors.association_label_invalid(f"Labels must be 1 to {MAX_NAME_LENGTH} characters long.")
        portal_id = principal.portal_id
        with self._schema_change(principal, from_name, to_name) as (session, _, from_type, to_type):
            labels = [
                row
                for row in AssociationSchemaQueries.of(session).association_labels(portal_id)
                if {row.from_type, row.to_type} == {from_type, to_type}
            ]
            if any(row.name == body.name for row in labels):
                raise errors.association_label_exists(body.name)
            if len({min(r.type_id, r.inverse_type_id) for r in labels}) >= MAX_LABELS_PER_PAIR:
                raise errors.association_label_invalid(
                    f"An object pair can have at most {MAX_LABELS_PER_PAIR} association labels."
                )
            first = AssociationSchemaQueries.of(session).next_association_type_id(portal_id)
            rows = _label_rows(first, from_type, to_type, body)
            AssociationSchemaQueries.of(session).insert_association_labels(
                portal_id, rows, self.database.clock.now_ms()
            )
        return {"results": [{"category": USER_DEFINED, "typeId": r.type_id, "label": r.label} for r in rows]}

    def update(self, principal: Principal, from_name: str, to_name: str, body: LabelUpdate) -> None:
        if not (0 < len(body.label.strip()) <= MAX_NAME_LENGTH):
            raise errors.association_label_invalid(f"Labels must be 1 to {MAX_NAME_LENGTH} characters long.")
        with self._schema_change(principal, from_name, to_name) as (session, schema, from_type, to_type):
            definition = _own_label(schema, from_type, to_type, body.association_type_id)
            AssociationSchemaQueries.of(session).rename_association_label(
                principal.portal_id, definition.type_id, body.label
            )
            if body.inverse_label is not None and definition.inverse_type_id != definition.type_id:
                AssociationSchemaQueries.of(session).rename_association_label(
                    principal.portal_id, definition.inverse_type_id, body.inverse_label
                )

    def delete(self, principal: Principal, from_name: str, to_name: str, type_id_raw: str) -> None:
        type_id = _type_id(type_id_raw)
        with self._schema_change(principal, from_name, to_name) as (session, schema, from_type, to_type):
            definition = _own_label(schema, from_type, to_type, type_id)
            both = sorted({definition.type_id, definition.inverse_type_id})
            if AssociationQueries.of(session).association_type_in_use(principal.portal_id, USER_DEFINED, both):
                raise errors.association_label_in_use(type_id)
            AssociationSchemaQueries.of(session).delete_association_labels(principal.portal_id, both)
            AssociationSchemaQueries.of(session).delete_association_limits_of_types(
                principal.portal_id, USER_DEFINED, both
            )

    # --- limits (definitions/configurations) ----------------------------------------------------------

    def limits_all(self, principal: Principal) -> dict[str, Any]:
        """Every configured limit of the portal (types without one are not listed)."""
        principal.require(Operation.ASSOCIATION_SCHEMA_READ)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
            rows = AssociationSchemaQueries.of(session).association_limits(principal.portal_id)
        return {"results": [_configuration(schema, row) for row in rows]}

    def limits_pair(self, principal: Principal, from_name: str, to_name: str) -> dict[str, Any]:
        """Every type from one object type to another, with its limit where one is set."""
        with self.database.session(write=False) as session:
            schema, from_type, to_type = self._open(session, principal, from_name, to_name, write=False)
            rows = AssociationSchemaQueries.of(session).association_limits(principal.portal_id, [(from_type, to_type)])
        limits = {(r.category, r.type_id): r.max_to_object_ids for r in rows}
        results = []
        for definition in _sorted(schema.association_types(from_type, to_type)):
            entry = _spec(definition)
            maximum = limits.get((definition.category, definition.type_id))
            if maximum is not None:
                entry["userEnforcedMaxToObjectIds"] = maximum
            results.append(entry)
        return {"results": results}

    def limits_create(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[LimitInput]
    ) -> tuple[int, dict[str, Any]]:
        def render(schema: PortalSchema, row: LimitRow) -> dict[str, Any]:
            return _configuration(schema, row)

        return self._save_limits(principal, from_name, to_name, inputs, render, creating=True, success=201)

    def limits_update(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[LimitInput]
    ) -> tuple[int, dict[str, Any]]:
        def render(schema: PortalSchema, row: LimitRow) -> dict[str, Any]:
            return {
                "category": row.category,
                "typeId": row.type_id,
                "userEnforcedMaxToObjectIds": row.max_to_object_ids,
            }

        return self._save_limits(principal, from_name, to_name, inputs, render, creating=False, success=200)

    def _save_limits(
        self,
        principal: Principal,
        from_name: str,
        to_name: str,
        inputs: Sequence[LimitInput],
        render: Callable[[PortalSchema, LimitRow], dict[str, Any]],
        *,
        creating: bool,
        success: int,
    ) -> tuple[int, dict[str, Any]]:
        if len(inputs) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        outcome = BatchOutcome(self.database.clock)
        with self.database.session(write=True) as session:
            schema, from_type, to_type = self._open(session, principal, from_name, to_name, write=True)
            existing = {
                (r.category, r.type_id)
                for r in AssociationSchemaQueries.of(session).association_limits(
                    principal.portal_id, [(from_type, to_type)]
                )
            }
            saved: list[LimitRow] = []
            for item in inputs:
                key = (item.category, item.type_id)
                if schema.association_type(from_type, to_type, item.category, item.type_id) is None:
                    outcome.errors.append(
                        errors.invalid_association_type(from_type, to_type, item.category, item.type_id)
                    )
                elif not 1 <= item.max_to_object_ids <= MAX_LIMIT:
                    outcome.errors.append(errors.validation_error(f"maxToObjectIds must be between 1 and {MAX_LIMIT}."))
                elif creating and key in existing:
                    outcome.errors.append(errors.association_limit_exists(item.category, item.type_id))
                elif not creating and key not in existing:
                    outcome.errors.append(errors.association_limit_not_found(item.category, item.type_id))
                else:
                    existing.add(key)
                    saved.append(LimitRow(from_type, to_type, item.category, item.type_id, item.max_to_object_ids))
            AssociationSchemaQueries.of(session).save_association_limits(principal.portal_id, saved)
        outcome.results = [render(schema, row) for row in saved]
        return outcome.response(success)

    def limits_purge(self, principal: Principal, from_name: str, to_name: str, inputs: list[TypeKeyInput]) -> None:
        """Limits revert to none; purging a type without a limit does nothing."""
        if len(inputs) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        with self.database.session(write=True) as session:
            _, from_type, to_type = self._open(session, principal, from_name, to_name, write=True)
            AssociationSchemaQueries.of(session).delete_association_limits(
                principal.portal_id, from_type, to_type, [(i.category, i.type_id) for i in inputs]
            )


def _check_name(name: str) -> None:
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_NAME_LENGTH:
        raise errors.association_label_invalid(f"Label names must be 1 to {MAX_NAME_LENGTH} characters long.")
    if "-" in name:
        raise errors.association_label_invalid(f"Label name {name!r} cannot contain hyphens.")
    if stripped[0].isdigit():
        raise errors.association_label_invalid(f"Label name {name!r} cannot start with a number.")


def _label_rows(first: int, from_type: str, to_type: str, body: LabelCreate) -> list[LabelRow]:
    if from_type == to_type and body.inverse_label is None:
        return [LabelRow(first, from_type, to_type, body.name, body.label, first)]
    inverse_label = body.inverse_label if body.inverse_label is not None else body.label
    inverse_name = f"{body.name}_inverse" if from_type == to_type else body.name
    return [
        LabelRow(first, from_type, to_type, body.name, body.label, first + 1),
        LabelRow(first + 1, to_type, from_type, inverse_name, inverse_label, first),
    ]


def _own_label(schema: PortalSchema, from_type: str, to_type: str, type_id: int) -> AssociationType:
    """A USER_DEFINED type of this pair; HubSpot's own types cannot be changed."""
    definition = schema.association_type(from_type, to_type, USER_DEFINED, type_id)
    if definition is not None and not definition.is_default:
        return definition
    if any(d.type_id == type_id for d in schema.association_types(from_type, to_type)):
        raise errors.association_type_read_only(type_id)
    raise errors.association_label_not_found(from_type, to_type, type_id)


def _type_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise errors.validation_error(f"associationTypeId must be an integer, got {raw!r}.")
    return int(raw)


def _sorted(definitions: Sequence[AssociationType]) -> list[AssociationType]:
    return sorted(definitions, key=lambda d: (d.category, d.type_id))


def _spec(definition: AssociationType) -> dict[str, Any]:
    return {"category": definition.category, "typeId": definition.type_id, "label": definition.label}


def _configuration(schema: PortalSchema, row: LimitRow) -> dict[str, Any]:
    definition = schema.association_type(row.from_type, row.to_type, row.category, row.type_id)
    return {
        "category": row.category,
        "typeId": row.type_id,
        "label": definition.label if definition else None,
        "userEnforcedMaxToObjectIds": row.max_to_object_ids,
    }


def add_to_schema(session: Session, portal_id: int, parts: SchemaParts) -> None:
    """The portal's association labels (a `SchemaSource`)."""
    parts.custom_association_types.extend(
        AssociationType(
            from_type_id=row.from_type,
            to_type_id=row.to_type,
            type_id=row.type_id,
            category=USER_DEFINED,
            name=row.name,
            label=row.label,
            inverse_type_id=row.inverse_type_id,
        )
        for row in AssociationSchemaQueries.of(session).association_labels(portal_id)
    )
