"""A portal exported as one JSON document and imported back (docs/portal-format.md): into an empty portal
keeping every id, or merged into one that has data with new record ids. An import is one transaction and
every field is checked before the first row is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localspot.control import errors
from localspot.control.portal_format import (
    ASSOCIATION_COLUMNS,
    FORMAT,
    SECTIONS,
    UNIQUE_COLUMNS,
    VERSION,
    Document,
    section_rows,
)
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portal_data import PORTAL_TABLES, PortalData
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

BATCH = 1000
Progress = Callable[[int], None]


class Transfer:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def export(self, portal_id: int) -> dict[str, Any]:
        with self.database.session(write=True) as session:  # pending association rows settled first
            _require_portal(session, portal_id)
            session.settle_deferred()
            data = PortalData.of(session)
            schema = self.schemas.load(session, portal_id)
            document: dict[str, Any] = {
                "format": FORMAT,
                "version": VERSION,
                "portalId": portal_id,
                "exportedAt": iso_from_ms(self.database.clock.now_ms()),
            }
            for section, (table, kinds) in SECTIONS.items():
                document[section] = section_rows(data.table_rows(portal_id, table), kinds)
            history: dict[int, dict[str, list[dict[str, Any]]]] = {}
            for row in data.table_rows(portal_id, "property_history"):
                history.setdefault(row["record_id"], {}).setdefault(row["name"], []).append(
                    {"value": row["value"], "timestamp": row["timestamp"], "sourceType": row["source_type"]}
                )
            records: dict[str, list[dict[str, Any]]] = {}
            custom = {s["objectTypeId"]: s["name"] for s in document["objectSchemas"]}  # not p<portal>_<name>
            for row in sorted(data.table_rows(portal_id, "records"), key=lambda r: r["id"]):
                found = schema.find(row["object_type_id"])
                name = custom.get(row["object_type_id"]) or (found.name if found else row["object_type_id"])
                records.setdefault(name, []).append(
                    {
                        "id": str(row["id"]),
                        "createdAt": row["created_at"],
                        "updatedAt": row["updated_at"],
                        "archived": bool(row["archived"]),
                        "archivedAt": row["archived_at"],
                        "mergedInto": None if row["merged_into"] is None else str(row["merged_into"]),
                        "properties": session.properties_from(row["properties"]),
                        "history": history.get(row["id"], {}),
                    }
                )
            document["records"] = records
            key = ("from_id", "to_type", "to_id", "category", "type_id")
            associations = sorted(data.table_rows(portal_id, "associations"), key=lambda r: [r[k] for k in key])
            document["associations"] = section_rows(associations, ASSOCIATION_COLUMNS)
            unique = sorted(data.table_rows(portal_id, "unique_values"), key=lambda r: list(r.values()))
            document["uniqueValues"] = section_rows(unique, UNIQUE_COLUMNS)
            return document

    def import_(
        self, portal_id: int, document: Document, *, merge: bool = False, progress: Progress | None = None
    ) -> tuple[int, dict[str, Any]]:
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            data = PortalData.of(session)
            if not merge and data.has_data(portal_id):
                raise errors.portal_not_empty(portal_id)
            types = self._type_ids(session, portal_id, document)
            old_ids = [int(r.id) for records in document.records.values() for r in records]
            if len(set(old_ids)) != len(old_ids):
                raise errors.invalid_admin_input("records", "a record id appears twice")
            if merge:
                ids = dict(zip(old_ids, session.reserve_ids(len(old_ids)) if old_ids else [], strict=True))
            else:
                taken = data.record_ids_taken(old_ids)
                if taken:
                    raise errors.record_ids_taken(portal_id, taken)
                ids = {i: i for i in old_ids}
            associations = _remapped(document.associations, ids, ("fromId", 1), ("toId", 3), "associations")
            unique = _remapped(document.unique_values, ids, ("recordId", 3), None, "uniqueValues")
            if merge:
                _check_unique(data.table_rows(portal_id, "unique_values"), unique)
            for table, (columns, rows) in document.tables.items():
                data.insert_rows(portal_id, table, columns, rows, skip_existing=merge)
            done = 0
            for name, records in document.records.items():
                rows, history = [], []
                for record in records:
                    new_id = ids[int(record.id)]
                    merged = None if record.merged_into is None else ids.get(int(record.merged_into))
                    values = [record.archived_at, merged, session.properties_param(record.properties)]
                    rows.append([new_id, types[name], record.created_at, record.updated_at, record.archived, *values])
                    for prop, entries in record.history.items():
                        history.extend([new_id, prop, e.value, e.timestamp, e.source_type] for e in entries)
                for start in range(0, len(rows), BATCH):
                    data.insert_rows(
                        portal_id, "records", _RECORD_COLUMNS, rows[start : start + BATCH], skip_existing=False
                    )
                    done += len(rows[start : start + BATCH])
                    if progress is not None:
                        progress(done)
                data.insert_rows(portal_id, "property_history", _HISTORY_COLUMNS, history, skip_existing=False)
            data.insert_rows(portal_id, "unique_values", list(UNIQUE_COLUMNS), unique, skip_existing=False)
            data.insert_rows(portal_id, "associations", list(ASSOCIATION_COLUMNS), associations, skip_existing=merge)
            if not merge and old_ids:
                data.advance_record_ids(max(old_ids))
            data.note_for_search(portal_id)
            PortalQueries.of(session).bump_schema_version(portal_id)
        counts = {name: len(records) for name, records in document.records.items()}
        return 201, {"portalId": portal_id, "mode": "merge" if merge else "replace", "imported": counts}

    def _type_ids(self, session: Session, portal_id: int, document: Document) -> dict[str, str]:
        """Each records key's objectTypeId: a type of the portal, or one of the document's object schemas."""
        schema = self.schemas.load(session, portal_id)
        columns, rows = document.tables["object_schemas"]
        custom = {}
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            custom[values["name"].lower()] = values["object_type_id"]
            custom[values["object_type_id"].lower()] = values["object_type_id"]
        found = {}
        for name in document.records:
            known = schema.find(name)
            type_id = known.object_type_id if known is not None else custom.get(name.lower())
            if type_id is None:
                raise errors.invalid_admin_input(f"records.{name}", f"{name!r} is not an object type of this portal")
            found[name] = type_id
        return found


_RECORD_COLUMNS = (
    "id",
    "object_type_id",
    "created_at",
    "updated_at",
    "archived",
    "archived_at",
    "merged_into",
    "properties",
)
_HISTORY_COLUMNS = ("record_id", "name", "value", "timestamp", "source_type")
assert set(PORTAL_TABLES) >= {"records", "property_history", "associations", "unique_values"}


def _remapped(
    rows: list[list[Any]],
    ids: dict[int, int],
    first: tuple[str, int],
    second: tuple[str, int] | None,
    section: str,
) -> list[list[Any]]:
    out = []
    for index, row in enumerate(rows):
        row = list(row)
        for field, column in (first, second) if second else (first,):
            if row[column] not in ids:
                raise errors.invalid_admin_input(
                    f"{section}[{index}].{field}", f"no record {row[column]} in the document"
                )
            row[column] = ids[row[column]]
        out.append(row)
    return out


def _check_unique(existing: list[dict[str, Any]], unique: list[list[Any]]) -> None:
    held = {(r["object_type_id"], r["name"], r["value"]) for r in existing}
    for index, row in enumerate(unique):
        if tuple(row[:3]) in held:
            raise errors.invalid_admin_input(
                f"uniqueValues[{index}].value", f"{row[1]} {row[2]!r} is already held by a record of this portal"
            )


def _require_portal(session: Session, portal_id: int) -> None:
    if not PortalQueries.of(session).portals(portal_id):
        raise errors.portal_not_found(portal_id)
