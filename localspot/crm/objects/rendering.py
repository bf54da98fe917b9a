"""Records in HubSpot's SimplePublicObject shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from localspot.crm.objects.queries.rows import HistoryEntry
from localspot.kernel.schema.model import COLUMN_CREATED, COLUMN_ID, COLUMN_UPDATED, ObjectType
from localspot.kernel.storage.records import RecordRow
from localspot.kernel.timeutil import iso_from_ms


def column_value(record: RecordRow, column: str) -> str:
    """The wire value of a property the type definition maps to a record column."""
    if column == COLUMN_ID:
        return str(record.id)
    if column == COLUMN_CREATED:
        return iso_from_ms(record.created_at)
    if column == COLUMN_UPDATED:
        return iso_from_ms(record.updated_at)
    raise ValueError(f"unknown record column {column!r}")


def property_value(object_type: ObjectType, record: RecordRow, name: str) -> str | None:
    prop = object_type.properties.get(name)
    if prop is not None and prop.column is not None:
        return column_value(record, prop.column)
    return record.properties.get(name) or None


def render_record(
    object_type: ObjectType,
    record: RecordRow,
    *,
    properties: Sequence[str] | None = None,
    history: Mapping[str, Sequence[HistoryEntry]] | None = None,
    trace_id: str | None = None,
) -> dict[str, Any]:
    """`properties=None` returns every stored value (write results); otherwise the requested defined
    properties, `null` where empty, plus the system trio. Unknown requested names are ignored."""
    created, updated, record_id = iso_from_ms(record.created_at), iso_from_ms(record.updated_at), str(record.id)
    values: dict[str, str | None]
    if properties is None:
        hidden = object_type.archived_property_names
        values = {k: v for k, v in record.properties.items() if k not in hidden} if hidden else record.properties.copy()
    else:
        values = {}
    # The system trio: set over any stored copy, and first when only requested properties follow.
    values[object_type.created_property] = created
    values[object_type.modified_property] = updated
    values[object_type.id_property] = record_id
    if properties is None:
        for name, column in object_type.column_properties:
            values[name] = column_value(record, column)
    else:
        defined = object_type.properties
        for name in properties:
            if name in defined and name not in values and not defined[name].archived:
                values[name] = property_value(object_type, record, name)
    body: dict[str, Any] = {
        "id": record_id,
        "properties": values,
        "createdAt": created,
        "updatedAt": updated,
        "archived": record.archived,
    }
    if record.archived and record.archived_at is not None:
        body["archivedAt"] = iso_from_ms(record.archived_at)
    if history is not None:
        body["propertiesWithHistory"] = {
            name: [
                {"value": entry.value, "timestamp": iso_from_ms(entry.timestamp), "sourceType": entry.source_type}
                for entry in entries
            ]
            for name, entries in history.items()
        }
    if trace_id is not None:
        body["objectWriteTraceId"] = trace_id
    return body
