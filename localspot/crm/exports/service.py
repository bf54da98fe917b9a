"""Exports: a request is checked and stored, and its file is made when it is downloaded, streamed a page of
records at a time (memory stays bounded whatever the export's size). The status answers `COMPLETE` at once
with a link localspot serves itself, valid for five minutes of the shared clock, as HubSpot's links are; each
status call mints a new link."""

from __future__ import annotations

import csv
import io
import secrets
import tempfile
from collections.abc import Iterator
from typing import Any

import msgspec

from localspot.crm.exports import errors
from localspot.crm.exports.queries import ExportQueries
from localspot.crm.exports.request import ExportPlan, ExportRequest, plan
from localspot.crm.lists.memberships import MAX_PAGE as LIST_PAGE
from localspot.crm.lists.memberships import MembershipService
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.search.service import SearchService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms

LINK_LIFETIME_MS = 5 * 60 * 1000
PAGE = 500
MAX_ID_DIGITS = 18
# Where the files are served, under the classic prefix: what a status answers as its `result`.
FILES_PATH = "/crm/v3/exports/export/files/"


class ExportService:
    def __init__(
        self,
        database: Database,
        schemas: SchemaCache,
        reads: RecordReads,
        search: SearchService,
        members: MembershipService,
    ) -> None:
        self.database = database
        self.schemas = schemas
        self.reads = reads
        self.search = search
        self.members = members

    def start(self, principal: Principal, body: ExportRequest) -> tuple[int, dict[str, Any]]:
        principal.require(Operation.EXPORTS)
        with self.database.session(write=False) as session:
            export_plan = plan(body, self.schemas.load(session, principal.portal_id))
        if export_plan.groups:
            # The filters are checked now, with the search's own errors, rather than when the file is made.
            self.search.matching_ids(principal, export_plan.object_type_id, _lists(export_plan.groups), limit=1)
        if export_plan.list_id is not None:
            self.members.page(principal, export_plan.list_id, after=None, before=None, limit=1, join_order=False)
        with self.database.session(write=True) as session:
            export_id = session.reserve_ids(1)[0]
            ExportQueries.of(session).insert_export(
                principal.portal_id, export_id, msgspec.to_builtins(body), session.clock.now_ms()
            )
        return 202, {"id": str(export_id), "links": {}}

    def status(self, principal: Principal, raw_id: str, base_url: str) -> dict[str, Any]:
        principal.require(Operation.EXPORTS)
        export_id = self._id(principal, raw_id)
        token = secrets.token_urlsafe(24)
        with self.database.session(write=True) as session:
            found = ExportQueries.of(session).export(principal.portal_id, export_id)
            if found is None:
                raise errors.export_not_granted(raw_id, principal.portal_id)
            now = session.clock.now_ms()
            ExportQueries.of(session).forget_downloads(now)
            ExportQueries.of(session).insert_download(token, principal.portal_id, export_id, now + LINK_LIFETIME_MS)
        created = iso_from_ms(found[1])
        return {
            "status": "COMPLETE",
            "result": f"{base_url.rstrip('/')}{FILES_PATH}{token}",
            "requestedAt": created,
            "startedAt": created,
            "completedAt": created,
            "links": {},
        }

    def get(self, principal: Principal, raw_id: str) -> dict[str, Any]:
        principal.require(Operation.EXPORTS)
        export_id = self._id(principal, raw_id)
        with self.database.session(write=False) as session:
            found = ExportQueries.of(session).export(principal.portal_id, export_id)
            if found is None:
                raise errors.export_not_granted(raw_id, principal.portal_id)
            request = msgspec.convert(found[0], ExportRequest)
            export_plan = plan(request, self.schemas.load(session, principal.portal_id))
        created = iso_from_ms(found[1])
        return {
            "id": str(export_id),
            "exportType": export_plan.export_type,
            "exportState": "DONE",
            "exportName": export_plan.name,
            "objectType": export_plan.object_type_id,
            "objectProperties": list(export_plan.properties),
            "createdAt": created,
            "updatedAt": created,
        }

    # --- the file ------------------------------------------------------------------------------------------

    def download(self, token: str) -> tuple[str, str, Iterator[bytes]]:
        """(media type, file name, the file's bytes as they are made) for a live link."""
        with self.database.session(write=False) as session:
            link = ExportQueries.of(session).download(token[:64])
            if link is None or link[2] <= session.clock.now_ms():
                raise errors.download_expired()
            portal_id, export_id, _ = link
            request = msgspec.convert(ExportQueries.of(session).export(portal_id, export_id)[0], ExportRequest)
            schema = self.schemas.load(session, portal_id)
            export_plan = plan(request, schema)
        principal = Principal(portal_id, frozenset({ALL_SCOPES}))
        object_type = schema.types[export_plan.object_type_id]
        associated = [schema.types[t] for t in export_plan.associated_type_ids]
        table = _table(export_plan, object_type, associated, self._records(principal, export_plan))
        name = f"{export_plan.name or 'export'}-{export_id}"
        if export_plan.file_format == "XLSX":
            return _XLSX, f"{name}.xlsx", _xlsx(table)
        return "text/csv; charset=utf-8", f"{name}.csv", _csv(table)

    def _records(self, principal: Principal, export_plan: ExportPlan) -> Iterator[list[dict[str, Any]]]:
        type_id = export_plan.object_type_id
        options = ReadOptions(list(export_plan.properties), associations=list(export_plan.associated_type_ids) or None)
        if export_plan.list_id is not None:
            after: str | None = None
            while True:
                page = self.members.page(
                    principal, export_plan.list_id, after=after, before=None, limit=LIST_PAGE, join_order=False
                )
                ids = sorted(int(member["recordId"]) for member in page["results"])
                if ids:
                    yield self.reads.by_ids(principal, type_id, ids, options)
                after = page.get("paging", {}).get("next", {}).get("after")
                if after is None:
                    return
        if export_plan.groups:
            after_id: int | None = None
            while True:
                _, ids = self.search.matching_ids(
                    principal, type_id, _lists(export_plan.groups), after_id=after_id, limit=PAGE
                )
                if not ids:
                    return
                yield self.reads.by_ids(principal, type_id, ids, options)
                after_id = ids[-1]
        cursor: str | None = None
        while True:
            page = self.reads.list(principal, type_id, options, limit=PAGE, after=cursor)
            yield page["results"]
            cursor = page.get("paging", {}).get("next", {}).get("after")
            if cursor is None:
                return

    @staticmethod
    def _id(principal: Principal, raw_id: str) -> int:
        if not raw_id.isdigit() or len(raw_id) > MAX_ID_DIGITS:
            raise errors.export_not_granted(raw_id, principal.portal_id)
        return int(raw_id)


def _lists(groups: tuple[tuple[Any, ...], ...]) -> list[list[Any]]:
    return [list(group) for group in groups]


def _table(
    export_plan: ExportPlan,
    object_type: ObjectType,
    associated: list[ObjectType],
    pages: Iterator[list[dict[str, Any]]],
) -> Iterator[list[str]]:
    """The header row, then a row per record: property labels and option labels unless the export asks for
    internal names (`NAMES`) and values (`VALUES`); one column of associated record ids per associated type."""
    props = [object_type.properties[name] for name in export_plan.properties]
    header = [p.name if export_plan.internal_names else p.label for p in props]
    header += [
        f"associated_{t.name}_ids" if export_plan.internal_names else f"Associated {t.singular.title()} IDs"
        for t in associated
    ]
    yield header
    labels = {
        p.name: {str(o.get("value")): str(o.get("label", o.get("value"))) for o in p.options}
        for p in props
        if p.options and not export_plan.internal_values
    }
    for page in pages:
        for record in page:
            values = record["properties"]
            row = []
            for prop in props:
                value = values.get(prop.name) or ""
                if prop.name in labels and value:
                    value = ";".join(labels[prop.name].get(part, part) for part in value.split(";"))
                row.append(value)
            linked = record.get("associations", {})
            for t in associated:
                found = linked.get(t.name, {}).get("results", [])
                row.append(";".join(dict.fromkeys(str(a["id"]) for a in found)))
            yield row


def _csv(table: Iterator[list[str]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for n, row in enumerate(table):
        writer.writerow(row)
        if n % 200 == 0 or buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(table: Iterator[list[str]]) -> Iterator[bytes]:
    try:
        import openpyxl
    except ImportError:
        raise errors.spreadsheets_need_the_extra() from None
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in table:
        sheet.append(row)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(64 * 1024):
            yield chunk
