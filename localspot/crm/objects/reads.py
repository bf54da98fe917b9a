"""Reading records: one by id or unique property, a page of a type, or a batch of ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localspot.crm.associations.reads import read_associations
from localspot.crm.objects import identity
from localspot.crm.objects.identity import follow_merges
from localspot.crm.objects.inputs import BatchRead
from localspot.crm.objects.queries.history import HistoryQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.objects.queries.rows import HistoryEntry
from localspot.crm.objects.rendering import property_value, render_record
from localspot.crm.objects.service import SOURCE_API, RecordService
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome
from localspot.kernel.portals.principal import Principal
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.model import COLUMN_UPDATED
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portal_data import PortalData
from localspot.kernel.storage.records import RecordRow

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_HISTORY_INPUTS = 50
_MAX_CURSOR_DIGITS = 18


@dataclass(frozen=True)
class ReadOptions:
    """What a read returns besides the record: `properties` (None or empty: the type's defaults), value
    histories, and associations to the named types."""

    properties: Sequence[str] | None = None
    history: Sequence[str] | None = None
    associations: Sequence[str] | None = None


class RecordReads:
    def __init__(self, database: Database, records: RecordService) -> None:
        self.database = database
        self.records = records

    def get(
        self,
        principal: Principal,
        type_name: str,
        object_id: str,
        options: ReadOptions,
        *,
        id_property: str | None = None,
        archived: bool = False,
    ) -> dict[str, Any]:
        """A merged record's id reads as the record it was merged into."""
        with self.database.session(write=False) as session:
            schema, object_type = self.records.open_type(session, principal, type_name, write=False)
            record_id = identity.resolve_ids(session, principal, object_type, [(object_id, id_property)])[0]
            record = self._find(session, principal.portal_id, object_type, record_id, archived=archived)
            if record is None:
                raise errors.object_not_found(object_id)
            return self._render(session, schema, object_type, [record], options)[0]

    def list(
        self,
        principal: Principal,
        type_name: str,
        options: ReadOptions,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        archived: bool = False,
    ) -> dict[str, Any]:
        """Keyset paging on the record id: `after` is the id of the page's first record, so pages stay
        stable while records are written between them. `paging` is absent on the last page."""
        start = parse_cursor(after)
        with self.database.session(write=False) as session:
            schema, object_type = self.records.open_type(session, principal, type_name, write=False)
            rows = RecordQueries.of(session).list_records(
                principal.portal_id, object_type.object_type_id, after_id=start - 1, limit=limit + 1, archived=archived
            )
            page = rows[:limit]
            body: dict[str, Any] = {"results": self._render(session, schema, object_type, page, options)}
        if len(rows) > limit:
            body["paging"] = {"next": {"after": str(rows[limit].id)}}
        return body

    def batch_read(
        self, principal: Principal, type_name: str, body: BatchRead, *, archived: bool = False
    ) -> tuple[int, dict[str, Any]]:
        """Missing records come back as one OBJECT_NOT_FOUND error listing their ids (207)."""
        outcome = BatchOutcome(self.database.clock)
        if body.properties_with_history and len(body.inputs) > MAX_HISTORY_INPUTS:
            raise errors.too_many_history_inputs(MAX_HISTORY_INPUTS)
        if len(body.inputs) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        keys = list(dict.fromkeys(str(item.id) for item in body.inputs))
        options = ReadOptions(body.properties, body.properties_with_history)
        with self.database.session(write=False) as session:
            schema, object_type = self.records.open_type(session, principal, type_name, write=False)
            resolved = identity.resolve_ids(session, principal, object_type, [(k, body.id_property) for k in keys])
            found = RecordQueries.of(session).fetch_records(
                principal.portal_id,
                object_type.object_type_id,
                sorted({r for r in resolved if r is not None}),
                archived=archived,
            )
            records = [found[r] for r in resolved if r is not None and r in found]
            outcome.results = self._render(session, schema, object_type, records, options)
        missing = [key for key, r in zip(keys, resolved, strict=True) if r is None or r not in found]
        if missing:
            outcome.errors.append(errors.objects_not_found(object_type.error_name, missing))
        return outcome.response(200)

    def by_ids(
        self, principal: Principal, type_name: str, ids: Sequence[int], options: ReadOptions
    ) -> list[dict[str, Any]]:
        """The live records among `ids`, rendered, in id order (an export's page of matching records)."""
        with self.database.session(write=False) as session:
            schema, object_type = self.records.open_type(session, principal, type_name, write=False)
            found = RecordQueries.of(session).fetch_records(principal.portal_id, object_type.object_type_id, ids)
            return self._render(session, schema, object_type, [found[i] for i in sorted(found)], options)

    def counts(self, portal_id: int) -> dict[str, int]:
        """Live records per object type id (for other areas: the limits they report)."""
        with self.database.session(write=False) as session:
            return PortalData.of(session).record_counts(portal_id)

    def display_names(self, portal_id: int, object_type: ObjectType, ids: Sequence[int]) -> dict[int, str]:
        """The primary display value of each live record among `ids` (its id where it has none)."""
        with self.database.session(write=False) as session:
            found = RecordQueries.of(session).fetch_records(portal_id, object_type.object_type_id, ids)
        shown = object_type.primary_display_property
        return {i: (shown and property_value(object_type, r, shown)) or str(i) for i, r in found.items()}

    # --- helpers ---------------------------------------------------------------------------------------

    @staticmethod
    def _find(
        session: Session, portal_id: int, object_type: ObjectType, record_id: int | None, *, archived: bool
    ) -> RecordRow | None:
        """With `archived=False` a merged record's id finds the record it was merged into."""
        if record_id is None:
            return None
        record = (
            RecordQueries.of(session)
            .fetch_records(portal_id, object_type.object_type_id, [record_id], archived=None)
            .get(record_id)
        )
        if record is not None and not archived:
            record = follow_merges(session, portal_id, object_type, record)
        if record is None or record.archived != archived:
            return None
        return record

    def _render(
        self,
        session: Session,
        schema: PortalSchema,
        object_type: ObjectType,
        records: Sequence[RecordRow],
        options: ReadOptions,
    ) -> list[dict[str, Any]]:
        # Filtered once here rather than per record: a batch read may name a great many properties.
        defined = object_type.properties
        names = [
            name for name in dict.fromkeys(options.properties or object_type.default_properties) if name in defined
        ]
        ids = [record.id for record in records]
        histories = (
            self._histories(session, schema.portal_id, object_type, records, options.history)
            if options.history
            else None
        )
        associations = (
            read_associations(session, schema, object_type, ids, options.associations) if options.associations else {}
        )
        rendered = []
        for record in records:
            body = render_record(
                object_type,
                record,
                properties=names,
                history=histories.get(record.id, {}) if histories is not None else None,
            )
            if record.id in associations:
                body["associations"] = associations[record.id]
            rendered.append(body)
        return rendered

    @staticmethod
    def _histories(
        session: Session,
        portal_id: int,
        object_type: ObjectType,
        records: Sequence[RecordRow],
        requested: Sequence[str],
    ) -> dict[int, dict[str, list[HistoryEntry]]]:
        """Newest first. A property without history rows has never been updated: its history is its
        current value, set when the record was created (nothing when it is empty); the last-modified date
        (a record column) was set by the record's last change."""
        names = [name for name in dict.fromkeys(requested) if name in object_type.properties]
        stored = HistoryQueries.of(session).fetch_history(portal_id, [record.id for record in records], names)
        histories: dict[int, dict[str, list[HistoryEntry]]] = {}
        for record in records:
            own: dict[str, list[HistoryEntry]] = {}
            for name in names:
                entries = stored.get((record.id, name))
                if entries is None:
                    value = property_value(object_type, record, name)
                    modified = object_type.properties[name].column == COLUMN_UPDATED
                    set_at = record.updated_at if modified else record.created_at
                    entries = [HistoryEntry(value, set_at, SOURCE_API)] if value else []
                own[name] = entries
            histories[record.id] = own
        return histories


def parse_cursor(after: str | None) -> int:
    """The record id a page starts at; 0 for the first page."""
    if after is None or after == "":
        return 0
    text = after.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_CURSOR_DIGITS:
        raise errors.invalid_paging_cursor(after)
    return int(text)
