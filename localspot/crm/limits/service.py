"""Limits tracking (`/crm/v3/limits/...`): how much of HubSpot's CRM limits the portal uses. The usage is what
the other areas hold (records, custom properties, pipelines, custom object schemas, association labels,
associations per record), counted when asked; the limits are HubSpot's published figures for Enterprise
(docs/decisions.md, "Limits tracking"). A percentage is of the limit, rounded to three decimals."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from localspot.crm.associations.labels import MAX_LABELS_PER_PAIR
from localspot.crm.associations.usage import AssociationUsageService
from localspot.crm.objects.reads import RecordReads
from localspot.crm.schemas.service import ObjectSchemaService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.model import USER_DEFINED
from localspot.kernel.storage import Database

# Records: the objects the docs show at 15,000,000 (and tickets beside them); every other HubSpot-defined
# object at the docs' 500,000; custom object records share one pool.
CORE_RECORD_LIMIT = 15_000_000
CORE_TYPES = frozenset({"0-1", "0-2", "0-3", "0-5", "0-53"})
OTHER_RECORD_LIMIT = 500_000
CUSTOM_RECORD_LIMIT = 500_000
CUSTOM_PROPERTIES_PER_TYPE = 1_000
PIPELINES_PER_TYPE = 100
CUSTOM_OBJECT_PIPELINES = 100
CALCULATED_PROPERTIES = 200
CUSTOM_OBJECT_TYPES = 10
# What localspot enforces on label creation.
LABELS_PER_PAIR = MAX_LABELS_PER_PAIR
# Records one record may be associated with, per object type, where no association type of the pair sets a
# lower limit (maxToObjectIds).
RECORD_ASSOCIATIONS = 50_000
NEAR_LIMIT = 0.8
MAX_SAMPLES = 100


def percentage(usage: int, limit: int) -> float:
    return round(usage * 100 / limit, 3) if limit else 0.0


class LimitsService:
    def __init__(
        self,
        database: Database,
        schemas: SchemaCache,
        records: RecordReads,
        object_schemas: ObjectSchemaService,
        association_usage: AssociationUsageService,
    ) -> None:
        self.database = database
        self.schemas = schemas
        self.records = records
        self.object_schemas = object_schemas
        self.association_usage = association_usage

    def _open(self, principal: Principal, operation: Operation = Operation.LIMITS_READ) -> _Portal:
        principal.require(operation)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, principal.portal_id)
        custom = any(t.custom for t in schema.types.values())
        return _Portal(schema, self.object_schemas.labels(principal.portal_id) if custom else {})

    # --- records, properties, pipelines, schemas --------------------------------------------------------

    def records_limits(self, principal: Principal) -> dict[str, Any]:
        portal = self._open(principal)
        counts = self.records.counts(principal.portal_id)

        def limit(object_type: ObjectType) -> int:
            return CORE_RECORD_LIMIT if object_type.object_type_id in CORE_TYPES else OTHER_RECORD_LIMIT

        standard, custom = portal.split(portal.schema.types.values())
        return {
            "hubspotDefinedObjectTypes": [
                portal.limit_and_usage(t, limit(t), counts.get(t.object_type_id, 0)) for t in standard
            ],
            "customObjectTypes": portal.pooled(custom, CUSTOM_RECORD_LIMIT, lambda t: counts.get(t.object_type_id, 0)),
        }

    def custom_properties(self, principal: Principal) -> dict[str, Any]:
        portal = self._open(principal)
        types = list(portal.schema.types.values())
        by_type = [portal.limit_and_usage(t, CUSTOM_PROPERTIES_PER_TYPE, _count(t, calculated=False)) for t in types]
        used = sum(entry["usage"] for entry in by_type)
        overall = CUSTOM_PROPERTIES_PER_TYPE * len(types)
        return {
            "byObjectType": by_type,
            "overallLimit": overall,
            "overallUsage": used,
            "overallPercentage": percentage(used, overall),
        }

    def pipelines(self, principal: Principal) -> dict[str, Any]:
        portal = self._open(principal)
        standard, custom = portal.split(t for t in portal.schema.types.values() if t.pipeline_property)

        def used(object_type: ObjectType) -> int:
            pipelines = portal.schema.pipelines.get(object_type.object_type_id, [])
            return sum(1 for pipeline in pipelines if not pipeline.get("archived"))

        return {
            "hubspotDefinedObjectTypes": [portal.limit_and_usage(t, PIPELINES_PER_TYPE, used(t)) for t in standard],
            "customObjectTypes": portal.pooled(custom, CUSTOM_OBJECT_PIPELINES, used),
        }

    def calculated_properties(self, principal: Principal) -> dict[str, Any]:
        portal = self._open(principal)
        return portal.pooled(portal.schema.types.values(), CALCULATED_PROPERTIES, lambda t: _count(t, calculated=True))

    def custom_object_types(self, principal: Principal) -> dict[str, Any]:
        portal = self._open(principal, Operation.CUSTOM_OBJECT_LIMITS_READ)
        used = sum(1 for t in portal.schema.types.values() if t.custom)
        return {"limit": CUSTOM_OBJECT_TYPES, "usage": used, "percentage": percentage(used, CUSTOM_OBJECT_TYPES)}

    # --- associations -----------------------------------------------------------------------------------

    def association_labels(self, principal: Principal, from_name: str | None, to_name: str | None) -> dict[str, Any]:
        portal = self._open(principal)
        schema = portal.schema
        froms = [schema.resolve(from_name)] if from_name else list(schema.types.values())
        tos = [schema.resolve(to_name)] if to_name else list(schema.types.values())
        results = []
        for from_type in froms:
            for to_type in tos:
                types = schema.association_types(from_type.object_type_id, to_type.object_type_id)
                if not types:
                    continue
                # Labels as label creation counts them (a paired label is one); custom object schemas'
                # own association types carry no label.
                labelled = [t for t in types if t.category == USER_DEFINED and t.label]
                used = len({min(t.type_id, t.inverse_type_id) for t in labelled})
                labels = sorted({t.label or "" for t in labelled})
                results.append(
                    {
                        "fromObjectType": portal.definition(from_type),
                        "toObjectType": portal.definition(to_type),
                        "limit": LABELS_PER_PAIR,
                        "usage": used,
                        "percentage": percentage(used, LABELS_PER_PAIR),
                        "allLabels": labels,
                    }
                )
        return {"results": results}

    def _crowded(self, portal_id: int) -> tuple[dict[tuple[str, str], int], list[tuple[str, str, int, int]]]:
        """Each pair's per-record limit, and (from type, to type, record, usage) of every record using 80%
        or more of it. Where a limit is set on one of the pair's association types (the lowest, if several
        are), the usage is the record's associations of that type; else the records it is associated with."""
        configured = self.association_usage.configured_limits(portal_id)
        limits = {pair: limit for pair, (_, limit) in configured.items()}
        crowded = [
            (f, t, record_id, used)
            for f, t, record_id, _, used in self.association_usage.crowded_records(
                portal_id, math.ceil(RECORD_ASSOCIATIONS * NEAR_LIMIT), by_type=False
            )
            if (f, t) not in configured
        ]
        if configured:
            lowest = min(limits.values())
            rows = self.association_usage.crowded_records(
                portal_id, max(1, math.ceil(lowest * NEAR_LIMIT)), by_type=True
            )
            crowded.extend(
                (f, t, record_id, used)
                for f, t, record_id, key, used in rows
                if (f, t) in configured and key == configured[(f, t)][0] and used >= NEAR_LIMIT * configured[(f, t)][1]
            )
        crowded.sort()
        return limits, crowded

    def types_near_limits(self, principal: Principal, from_name: str | None = None) -> dict[str, Any]:
        """The object types with records near or at a limit: as the from side of any pair, or as the to side
        of a pair from `from_name`. Near: 80% of the limit or more, short of it; at: the limit or more."""
        portal = self._open(principal)
        from_type_id = portal.schema.resolve(from_name).object_type_id if from_name else None
        limits, crowded = self._crowded(principal.portal_id)
        found: dict[str, tuple[bool, bool]] = {}
        for from_type, to_type, _, used in crowded:
            if from_type_id is not None and from_type != from_type_id:
                continue
            key = to_type if from_type_id is not None else from_type
            at = used >= limits.get((from_type, to_type), RECORD_ASSOCIATIONS)
            near, at_limit = found.get(key, (False, False))
            found[key] = (near or not at, at_limit or at)
        results = []
        for object_type in portal.schema.types.values():
            if object_type.object_type_id in found:
                near, at = found[object_type.object_type_id]
                results.append({**portal.definition(object_type), "hasRecordsNearLimit": near, "hasRecordsAtLimit": at})
        return {"results": results}

    def records_near_limit(self, principal: Principal, from_name: str, to_name: str) -> dict[str, Any]:
        portal = self._open(principal)
        from_type, to_type = portal.schema.resolve(from_name), portal.schema.resolve(to_name)
        pair = (from_type.object_type_id, to_type.object_type_id)
        limits, crowded = self._crowded(principal.portal_id)
        limit = limits.get(pair, RECORD_ASSOCIATIONS)
        mine = [(record_id, used) for f, t, record_id, used in crowded if (f, t) == pair]
        near = sorted(((i, u) for i, u in mine if u < limit), key=lambda item: (-item[1], item[0]))[:MAX_SAMPLES]
        at = sorted(i for i, u in mine if u >= limit)
        shown = [i for i, _ in near] + at[:MAX_SAMPLES]
        names = self.records.display_names(principal.portal_id, from_type, shown) if shown else {}
        return {
            "limit": limit,
            "totalRecordsNearLimit": sum(1 for _, u in mine if u < limit),
            "totalRecordsAtLimit": len(at),
            "nearLimitFromRecordSamples": [
                {"objectId": i, "label": names.get(i, str(i)), "usage": u, "percentage": percentage(u, limit)}
                for i, u in near
            ],
            "atLimitFromRecordSamples": [{"objectId": i, "label": names.get(i, str(i))} for i in at[:MAX_SAMPLES]],
        }


class _Portal:
    """One request's view: the portal's schema, and the labels of its custom object types."""

    def __init__(self, schema: PortalSchema, custom_labels: dict[str, tuple[str, str]]) -> None:
        self.schema = schema
        self.custom_labels = custom_labels

    def definition(self, object_type: ObjectType) -> dict[str, Any]:
        labels = self.custom_labels.get(object_type.object_type_id)
        singular, plural = labels or (_label(object_type.singular), _label(object_type.plural))
        return {"objectTypeId": object_type.object_type_id, "singularLabel": singular, "pluralLabel": plural}

    def limit_and_usage(self, object_type: ObjectType, limit: int, usage: int) -> dict[str, Any]:
        return {**self.definition(object_type), "limit": limit, "usage": usage, "percentage": percentage(usage, limit)}

    def pooled(self, types: Iterable[ObjectType], limit: int, usage: Any) -> dict[str, Any]:
        by_type = [{**self.definition(t), "usage": usage(t)} for t in types]
        used = sum(entry["usage"] for entry in by_type)
        return {
            "byObjectType": by_type,
            "overallLimit": limit,
            "overallUsage": used,
            "overallPercentage": percentage(used, limit),
        }

    @staticmethod
    def split(types: Iterable[ObjectType]) -> tuple[list[ObjectType], list[ObjectType]]:
        listed = list(types)
        return [t for t in listed if not t.custom], [t for t in listed if t.custom]


def _count(object_type: ObjectType, *, calculated: bool) -> int:
    """The type's live custom properties (calculated ones only, if asked)."""
    return sum(
        1
        for p in object_type.properties.values()
        if not p.hubspot_defined and not p.archived and (p.calculated or not calculated)
    )


def _label(name: str) -> str:
    """`line_items` → "Line Items"."""
    return " ".join(word.capitalize() for word in name.replace("_", " ").split())
