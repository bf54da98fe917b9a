"""The v3 `associations` block of record reads: `{"contacts": {"results": [{"id", "type"}]}}`, keyed by
the target type's plural name, one entry per stored association type, live targets only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.storage import Session

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def read_associations(
    session: Session,
    schema: PortalSchema,
    object_type: ObjectType,
    record_ids: Sequence[int],
    requested: Sequence[str],
) -> dict[int, dict[str, Any]]:
    """Associations of each record to the requested types; unknown type names are ignored."""
    targets: dict[str, ObjectType] = {}
    for name in requested:
        target = schema.find(name)
        if target is not None:
            targets[target.object_type_id] = target
    found: dict[int, dict[str, Any]] = {}
    if not targets or not record_ids:
        return found
    names: dict[tuple[str, str, int], str] = {}
    for from_id, to_id, to_type, category, type_id in AssociationQueries.of(session).live_associations(
        schema.portal_id, record_ids, sorted(targets)
    ):
        target = targets[to_type]
        key = (to_type, category, type_id)
        if key not in names:
            names[key] = association_name(schema, object_type, target, category, type_id)
        by_type = found.setdefault(from_id, {})
        by_type.setdefault(target.name, {"results": []})["results"].append({"id": str(to_id), "type": names[key]})
    return found


def association_name(schema: PortalSchema, source: ObjectType, target: ObjectType, category: str, type_id: int) -> str:
    """The v3 snake-case name of an association type: the catalogue's name, else its label's, else
    `<from>_to_<to>`."""
    definition = schema.association_type(source.object_type_id, target.object_type_id, category, type_id)
    if definition is not None and definition.name:
        return definition.name
    if definition is not None and definition.label:
        return _NOT_WORD.sub("_", definition.label.lower()).strip("_")
    return f"{source.singular}_to_{target.singular}"
