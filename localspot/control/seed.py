"""Seed files: records to load into a portal, naming each other by `ref` instead of by id.

    {"contacts": [{"ref": "alice", "properties": {"email": "alice@example.com"}}],
     "deals": [{"properties": {"dealname": "Big one"},
                "associations": [{"to": "alice", "type": "deal_to_contact"}]}]}

Top-level keys are object types (any name HubSpot's paths take). Records are created in the order the file
lists the types, then the associations; `type` is an association type's name or numeric id (default: the
pair's unlabeled default). A seed is all-or-nothing: a bad field answers 400 naming its path
(`contacts[3].properties.email`) and the portal is left as it was.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.control import errors
from localspot.crm.associations.inputs import AssociationSpec, LabeledPair, ObjectId
from localspot.crm.associations.service import AssociationService
from localspot.crm.objects.inputs import CreateInput, PropertyValue
from localspot.crm.objects.service import RecordService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.schema import AssociationType, ObjectType, PortalSchema
from localspot.kernel.storage import Database
from localspot.kernel.storage.portal_data import PortalData
from localspot.kernel.storage.portals import ALL_SCOPES, PortalQueries

BATCH = 100
MAX_SEED_RECORDS = 1_000_000
_AT_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")


class SeedAssociation(msgspec.Struct, forbid_unknown_fields=True):
    to: str
    type: str | int | None = None


class SeedRecord(msgspec.Struct, forbid_unknown_fields=True):
    properties: dict[str, PropertyValue] = {}
    ref: str | None = None
    associations: list[SeedAssociation] = []


SeedDocument = dict[str, list[SeedRecord]]


@dataclass(frozen=True)
class _Link:
    """One association a seed asks for, its type already resolved."""

    path: str
    source: tuple[str, int]  # (type key, index) of the record it starts from
    to_ref: str
    definition: AssociationType


def decode_seed(raw: dict[str, Any]) -> SeedDocument:
    """The seed document, or a 400 naming the path of the first malformed field."""
    document: SeedDocument = {}
    for key, records in raw.items():
        try:
            document[key] = msgspec.convert(records, list[SeedRecord])
        except msgspec.ValidationError as exc:
            message = str(exc)
            found = _AT_PATH.search(message)
            path = key + (found.group("path") if found else "")
            if "[...]" in path and isinstance(records, list):
                path = _property_path(key, records) or path
            raise errors.invalid_admin_input(path, message[: found.start()] if found else message) from None
    return document


def _property_path(key: str, records: list[Any]) -> str | None:
    """Where a property value is not a scalar (msgspec's path stops at `properties[...]`)."""
    for index, record in enumerate(records):
        properties = record.get("properties") if isinstance(record, dict) else None
        for name, value in (properties or {}).items():
            if not isinstance(value, str | int | float | bool | None):
                return f"{key}[{index}].properties.{name}"
    return None


class Seeder:
    def __init__(
        self, database: Database, schemas: SchemaCache, records: RecordService, associations: AssociationService
    ) -> None:
        self.database = database
        self.schemas = schemas
        self.records = records
        self.associations = associations

    def seed(self, portal_id: int, document: SeedDocument) -> tuple[int, dict[str, Any]]:
        principal = Principal(portal_id, frozenset({ALL_SCOPES}))
        with self.database.session(write=True) as session:
            if not PortalQueries.of(session).portals(portal_id):
                raise errors.portal_not_found(portal_id)
            schema = self.schemas.load(session, portal_id)
            before = PortalData.of(session).copy(portal_id)
        plan, links = _plan(schema, document)
        try:
            created = self._create_records(principal, plan)
            self._associate(principal, links, created, _refs(plan))
        except BaseException:
            with self.database.session(write=True) as session:
                PortalData.of(session).restore(portal_id, before)
            raise
        counts: dict[str, int] = {}
        for _, object_type, records in plan:
            counts[object_type.name] = counts.get(object_type.name, 0) + len(records)
        refs = {ref: str(created[source]) for ref, source in _refs(plan).items()}
        return 201, {"created": counts, "refs": refs}

    def _create_records(
        self, principal: Principal, plan: list[tuple[str, ObjectType, list[SeedRecord]]]
    ) -> dict[tuple[str, int], int]:
        """The id of each record created, by (type key, index)."""
        created: dict[tuple[str, int], int] = {}
        for key, object_type, records in plan:
            for start in range(0, len(records), BATCH):
                inputs = [
                    CreateInput(properties=record.properties, object_write_trace_id=f"{key}[{index}]")
                    for index, record in enumerate(records[start : start + BATCH], start)
                ]
                status, body = self.records.batch_create(principal, object_type.name, inputs).response(201)
                if status != 201:
                    error = body["errors"][0]
                    path = error["context"].get("objectWriteTraceId", [key])[0] + ".properties"
                    named = [
                        d["context"]["propertyName"][0]
                        for d in error["errors"]
                        if d.get("context", {}).get("propertyName")
                    ]
                    raise errors.invalid_admin_input(f"{path}.{named[0]}" if named else path, error["message"])
                for result in body["results"]:
                    created[(key, int(result["objectWriteTraceId"].rpartition("[")[2][:-1]))] = int(result["id"])
        return created

    def _associate(
        self,
        principal: Principal,
        links: list[_Link],
        created: dict[tuple[str, int], int],
        refs: dict[str, tuple[str, int]],
    ) -> None:
        by_pair: dict[tuple[str, str], list[_Link]] = defaultdict(list)
        for link in links:
            by_pair[(link.definition.from_type_id, link.definition.to_type_id)].append(link)
        for (from_type_id, to_type_id), pair_links in by_pair.items():
            for start in range(0, len(pair_links), BATCH):
                part = pair_links[start : start + BATCH]
                inputs = [
                    LabeledPair(
                        from_=ObjectId(str(created[link.source])),
                        to=ObjectId(str(created[refs[link.to_ref]])),
                        types=[AssociationSpec(link.definition.category, link.definition.type_id)],
                    )
                    for link in part
                ]
                status, body = self.associations.batch_create(principal, from_type_id, to_type_id, inputs)
                if status != 201:
                    raise errors.invalid_admin_input(part[0].path, body["errors"][0]["message"])


def _property_named(error: dict[str, Any]) -> str | None:
    """The first property a batch error's details name."""
    for detail in error.get("errors") or ():
        names = (detail.get("context") or {}).get("propertyName")
        if names:
            return names[0]
    return None


def _refs(plan: list[tuple[str, ObjectType, list[SeedRecord]]]) -> dict[str, tuple[str, int]]:
    return {
        record.ref: (key, index)
        for key, _, records in plan
        for index, record in enumerate(records)
        if record.ref is not None
    }


def _plan(
    schema: PortalSchema, document: SeedDocument
) -> tuple[list[tuple[str, ObjectType, list[SeedRecord]]], list[_Link]]:
    """Every type resolved, every ref unique and every association's target and type known, before anything
    is written."""
    plan: list[tuple[str, ObjectType, list[SeedRecord]]] = []
    total = 0
    for key, records in document.items():
        object_type = schema.find(key)
        if object_type is None:
            raise errors.invalid_admin_input(key, f"{key!r} is not an object type of this portal")
        total += len(records)
        if total > MAX_SEED_RECORDS:
            raise errors.invalid_admin_input(key, f"a seed holds at most {MAX_SEED_RECORDS} records")
        plan.append((key, object_type, records))
    types_of: dict[str, ObjectType] = {}
    for key, object_type, records in plan:
        for index, record in enumerate(records):
            if record.ref is None:
                continue
            if record.ref in types_of:
                raise errors.invalid_admin_input(f"{key}[{index}].ref", f"ref {record.ref!r} is used twice")
            types_of[record.ref] = object_type
    links: list[_Link] = []
    for key, object_type, records in plan:
        for index, record in enumerate(records):
            for number, association in enumerate(record.associations):
                path = f"{key}[{index}].associations[{number}]"
                target = types_of.get(association.to)
                if target is None:
                    raise errors.invalid_admin_input(f"{path}.to", f"no record has ref {association.to!r}")
                definition = _association_type(schema, object_type, target, association.type)
                if definition is None:
                    raise errors.invalid_admin_input(
                        f"{path}.type",
                        f"no association type {association.type!r} from {object_type.name} to {target.name}",
                    )
                links.append(_Link(path, (key, index), association.to, definition))
    return plan, links


def _association_type(
    schema: PortalSchema, from_type: ObjectType, to_type: ObjectType, wanted: str | int | None
) -> AssociationType | None:
    if wanted is None:
        return schema.default_association_type(from_type.object_type_id, to_type.object_type_id)
    for definition in schema.association_types(from_type.object_type_id, to_type.object_type_id):
        if wanted in (definition.type_id, definition.name, definition.label) or str(wanted) == str(definition.type_id):
            return definition
    return None
