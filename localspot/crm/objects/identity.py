"""Which record a key names (its id, or a unique property's value given as `idProperty`), where a merged
record's id leads, and which unique values a write would take from another record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from localspot.crm.associations.inline import parse_record_id
from localspot.crm.objects.pending import Pending
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.objects.queries.unique import UniqueValueQueries
from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage import Session
from localspot.kernel.storage.records import RecordRow

# A merged record points at the record it was merged into; chains longer than this are not followed.
MAX_MERGE_HOPS = 16


def resolve_ids(
    session: Session,
    principal: Principal,
    object_type: ObjectType,
    keys: Sequence[tuple[str, str | None]],
) -> list[int | None]:
    """Record id for each (id, idProperty) key; None where no record matches. Rejects a non-unique
    idProperty and repeated keys."""
    counts: dict[tuple[str | None, str], int] = defaultdict(int)
    by_property: dict[str, list[str]] = defaultdict(list)
    prop_names = [id_property_name(principal, object_type, id_property) for _, id_property in keys]
    for (value, _), prop_name in zip(keys, prop_names, strict=True):
        counts[(prop_name, value)] += 1
        if prop_name is not None:
            by_property[prop_name].append(value)
    repeated = [value for (_, value), count in counts.items() if count > 1]
    if repeated:
        raise errors.duplicate_ids(repeated)
    owners = {
        name: UniqueValueQueries.of(session).unique_owners(
            principal.portal_id,
            object_type.object_type_id,
            name,
            [unique_key(object_type, name, v) for v in values],
        )
        for name, values in by_property.items()
    }
    resolved: list[int | None] = []
    for (value, _), prop_name in zip(keys, prop_names, strict=True):
        if prop_name is None:
            resolved.append(parse_record_id(value))
        else:
            resolved.append(owners[prop_name].get(unique_key(object_type, prop_name, value)))
    return resolved


def id_property_name(principal: Principal, object_type: ObjectType, id_property: str | None) -> str | None:
    """None for the record id itself; otherwise a unique property's name."""
    if not id_property or id_property == object_type.id_property:
        return None
    prop = object_type.properties.get(id_property)
    if prop is None or not prop.has_unique_value or prop.archived:
        raise errors.non_unique_id_property(object_type.object_type_id, id_property, principal.portal_id)
    return id_property


def unique_key(object_type: ObjectType, name: str, value: str) -> str:
    prop = object_type.properties[name]
    return value.strip().lower() if prop.lowercase else value


def unique_conflicts(
    session: Session, portal_id: int, object_type: ObjectType, pending: Sequence[Pending]
) -> dict[int, ApiError]:
    """Inputs that would take a unique value another record (or an earlier input) holds."""
    conflicts: dict[int, ApiError] = {}
    type_id = object_type.object_type_id
    for prop in object_type.unique_properties():
        wanted = [(p, p.values[prop.name]) for p in pending if p.values.get(prop.name)]
        if not wanted:
            continue
        owners = UniqueValueQueries.of(session).unique_owners(
            portal_id, type_id, prop.name, sorted({v for _, v in wanted})
        )
        claimed_by: dict[str, int] = {}
        for item, value in wanted:
            own_id = item.record.id if item.record else None
            owner = owners.get(value)
            if owner is not None and owner != own_id:
                conflicts[item.index] = errors.unique_value_conflict(type_id, prop.name, value, str(owner))
            elif value in claimed_by:
                conflicts[item.index] = errors.validation_error(
                    f"Duplicate values for unique property {prop.name} in batch input: [{value}]",
                    context={"propertyName": [prop.name], "value": [value]},
                )
            else:
                claimed_by[value] = item.index
    return conflicts


def follow_merges(session: Session, portal_id: int, object_type: ObjectType, record: RecordRow) -> RecordRow | None:
    """The record `record` was merged into, through chains of merges (None when the chain breaks)."""
    current: RecordRow | None = record
    for _ in range(MAX_MERGE_HOPS):
        if current is None or current.merged_into is None:
            return current
        target = current.merged_into
        current = (
            RecordQueries.of(session)
            .fetch_records(portal_id, object_type.object_type_id, [target], archived=None)
            .get(target)
        )
    return None


def repeated_records(resolved: Sequence[int | None], keys: Sequence[str]) -> list[str]:
    """Keys naming a record an earlier key already named (e.g. by two different unique properties)."""
    seen: set[int] = set()
    repeated: list[str] = []
    for record_id, key in zip(resolved, keys, strict=True):
        if record_id is None:
            continue
        if record_id in seen:
            repeated.append(key)
        seen.add(record_id)
    return repeated
