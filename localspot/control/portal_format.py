"""The portal export document (`"format": "localspot-portal", "version": 1`, docs/portal-format.md): its
sections, how a table's rows become a section and back, and the checks an imported document passes before
anything is written (a bad field answers 400 naming its path, `records.contacts[3].properties.email`)."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.control import errors

FORMAT = "localspot-portal"
VERSION = 1

# section -> (table, {column: kind}); kinds: int, str, bool, json, each with `?` when it may be null.
SECTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "propertyDefinitions": ("property_definitions", {"object_type_id": "str", "name": "str", "definition": "json"}),
    "propertyGroups": (
        "property_groups",
        {
            "object_type_id": "str",
            "name": "str",
            "label": "str",
            "display_order": "int",
            "archived": "bool",
            "created_at": "int",
            "updated_at": "int",
            "archived_at": "int?",
        },
    ),
    "objectSchemas": ("object_schemas", {"object_type_id": "str", "name": "str", "definition": "json"}),
    "associationLabels": (
        "association_labels",
        {
            "type_id": "int",
            "from_type": "str",
            "to_type": "str",
            "name": "str",
            "label": "str",
            "inverse_type_id": "int",
            "created_at": "int",
        },
    ),
    "associationLimits": (
        "association_limits",
        {"from_type": "str", "to_type": "str", "category": "str", "type_id": "int", "max_to_object_ids": "int"},
    ),
    "pipelines": ("pipelines", {"object_type_id": "str", "id": "str", "definition": "json"}),
    "pipelineAudit": ("pipeline_audit", {}),  # columns read from the table (an append-only log)
    "owners": (
        "owners",
        {
            "id": "int",
            "email": "str?",
            "first_name": "str?",
            "last_name": "str?",
            "user_id": "int?",
            "type": "str",
            "archived": "bool",
            "created_at": "int",
            "updated_at": "int",
        },
    ),
}
ASSOCIATION_COLUMNS = {
    "from_type": "str",
    "from_id": "int",
    "to_type": "str",
    "to_id": "int",
    "category": "str",
    "type_id": "int",
    "created_at": "int",
}
UNIQUE_COLUMNS = {"object_type_id": "str", "name": "str", "value": "str", "record_id": "int"}
_CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "json": lambda v: isinstance(v, dict | list),
}


def camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def section_rows(rows: list[dict[str, Any]], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """A table's rows as a section: camelCase keys, JSON decoded, booleans as booleans."""
    out = []
    for row in rows:
        item = {}
        for column in [c for c in kinds if c in row] + [c for c in row if c not in kinds]:
            value = row[column]
            kind = kinds.get(column, "")
            if kind.startswith("json") and isinstance(value, str):
                value = msgspec.json.decode(value)
            elif kind.startswith("bool") or column == "archived":
                value = bool(value)
            item[camel(column)] = value
        out.append(item)
    return out


class HistoryEntry(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    value: str
    timestamp: int
    source_type: str


class ExportedRecord(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    id: str
    created_at: int
    updated_at: int
    properties: dict[str, str]
    archived: bool = False
    archived_at: int | None = None
    merged_into: str | None = None
    history: dict[str, list[HistoryEntry]] = {}


class Document(msgspec.Struct, frozen=True):
    """An import document checked: each section's rows as (columns, values), records by type name."""

    tables: dict[str, tuple[list[str], list[list[Any]]]]
    records: dict[str, list[ExportedRecord]]
    associations: list[list[Any]]
    unique_values: list[list[Any]]


def decode_document(raw: Any) -> Document:
    if not isinstance(raw, dict):
        raise errors.invalid_admin_input("", "an export document is a JSON object")
    if raw.get("format") != FORMAT:
        raise errors.invalid_admin_input("format", f"expected {FORMAT!r}, got {raw.get('format')!r}")
    if raw.get("version") != VERSION:
        raise errors.invalid_admin_input(
            "version", f"this localspot reads version {VERSION}, got {raw.get('version')!r}"
        )
    known = {"format", "version", "portalId", "exportedAt", "records", "associations", "uniqueValues", *SECTIONS}
    for key in raw:
        if key not in known:
            raise errors.invalid_admin_input(key, "is not a section of a localspot-portal document")
    tables = {}
    for section, (table, kinds) in SECTIONS.items():
        rows = _list(raw, section)
        if not kinds and rows:  # pipelineAudit: whatever columns its rows share
            kinds = {_snake(key): "any?" for key in rows[0]} if isinstance(rows[0], dict) else {}
        tables[table] = (list(kinds), _rows(section, rows, kinds))
    records: dict[str, list[ExportedRecord]] = {}
    by_type = raw.get("records", {})
    if not isinstance(by_type, dict):
        raise errors.invalid_admin_input("records", "expected an object of record lists by object type")
    for name, items in by_type.items():
        records[name] = _records(f"records.{name}", items)
    return Document(
        tables,
        records,
        _rows("associations", _list(raw, "associations"), ASSOCIATION_COLUMNS),
        _rows("uniqueValues", _list(raw, "uniqueValues"), UNIQUE_COLUMNS),
    )


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _list(raw: dict[str, Any], section: str) -> list[Any]:
    value = raw.get(section, [])
    if not isinstance(value, list):
        raise errors.invalid_admin_input(section, "expected a list")
    return value


def _rows(section: str, rows: list[Any], kinds: dict[str, str]) -> list[list[Any]]:
    out = []
    names = {camel(column): column for column in kinds}
    for index, row in enumerate(rows):
        path = f"{section}[{index}]"
        if not isinstance(row, dict):
            raise errors.invalid_admin_input(path, "expected an object")
        for key in row:
            if key not in names:
                raise errors.invalid_admin_input(f"{path}.{key}", "is not a field of this section")
        values = []
        for column, kind in kinds.items():
            value = row.get(camel(column))
            nullable = kind.endswith("?")
            check = _CHECKS.get(kind.rstrip("?"))
            if value is None and not nullable:
                raise errors.invalid_admin_input(f"{path}.{camel(column)}", "is required")
            if value is not None and check is not None and not check(value):
                raise errors.invalid_admin_input(f"{path}.{camel(column)}", f"expected {kind.rstrip('?')}")
            values.append(value)
        out.append(values)
    return out


def _records(path: str, items: Any) -> list[ExportedRecord]:
    if not isinstance(items, list):
        raise errors.invalid_admin_input(path, "expected a list of records")
    out = []
    for index, item in enumerate(items):
        at = f"{path}[{index}]"
        if isinstance(item, dict):
            for name, value in (item.get("properties") or {}).items():
                if not isinstance(value, str):
                    raise errors.invalid_admin_input(f"{at}.properties.{name}", "expected a string")
        try:
            record = msgspec.convert(item, ExportedRecord)
        except msgspec.ValidationError as exc:
            message, _, where = str(exc).partition(" - at `$")
            raise errors.invalid_admin_input(at + where.rstrip("`").replace("[...]", ""), message) from None
        if not record.id.isdigit() or (record.merged_into is not None and not record.merged_into.isdigit()):
            raise errors.invalid_admin_input(f"{at}.id", "expected a record id (digits)")
        out.append(record)
    return out
