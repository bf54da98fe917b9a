"""Imports: a multipart request is checked against the portal's schema and stored whole (its request and its
files) in one transaction, answered `STARTED`, and run in the background by `ImportRunner` (runner.py), which
applies the rows through the object engine's batch writes."""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Callable
from typing import Any

from localspot.crm.imports import errors
from localspot.crm.imports.queries import ImportQueries, ImportRow
from localspot.crm.imports.request import as_json, decode_request, plan
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms

DEFAULT_PAGE = 10
MAX_PAGE = 100
MAX_ID_DIGITS = 18
CANCELLABLE = ("STARTED", "PROCESSING", "DEFERRED")


class ImportService:
    def __init__(self, database: Database, schemas: SchemaCache, *, started: Callable[[], None] = lambda: None):
        self.database = database
        self.schemas = schemas
        # Told of each import stored (the runner of this process, which then takes it at once).
        self.started = started

    def start(self, principal: Principal, body: bytes) -> dict[str, Any]:
        principal.require(Operation.IMPORTS)
        raw_request, files = _parts(body)
        request = decode_request(raw_request)
        with self.database.session(write=True) as session:
            schema = self.schemas.load(session, principal.portal_id)
            plans = plan(request, schema)
            for file_plan in plans:
                if file_plan.file_name not in files:
                    raise errors.invalid_import(
                        f"No file part named {file_plan.file_name!r}: each files[].fileName must be the "
                        "uploaded file's name."
                    )
            import_id, *file_ids = session.reserve_ids(1 + len(plans))
            now = session.clock.now_ms()
            stored = as_json(request)
            queries = ImportQueries.of(session)
            queries.insert_import(principal.portal_id, import_id, request.name, stored, now)
            for index, (file_plan, file_id) in enumerate(zip(plans, file_ids, strict=True)):
                queries.insert_file(
                    principal.portal_id, import_id, index, file_id, file_plan.file_name, files[file_plan.file_name]
                )
            row = queries.get(principal.portal_id, import_id)
            assert row is not None
        self.started()
        return render(row, file_ids)

    def get(self, principal: Principal, raw_id: str) -> dict[str, Any]:
        principal.require(Operation.IMPORTS)
        import_id = parse_import_id(raw_id)
        with self.database.session(write=False) as session:
            row = self._row(session, principal.portal_id, import_id)
            return render(row, _file_ids(session, row))

    def page(self, principal: Principal, after: str | None, limit: int) -> dict[str, Any]:
        principal.require(Operation.IMPORTS)
        start = parse_import_id(after) if after else 0
        with self.database.session(write=False) as session:
            rows = ImportQueries.of(session).page(principal.portal_id, start, limit + 1)
            body: dict[str, Any] = {"results": [render(row, _file_ids(session, row)) for row in rows[:limit]]}
        if len(rows) > limit:
            body["paging"] = {"next": {"after": str(rows[limit - 1].id)}}
        return body

    def cancel(self, principal: Principal, raw_id: str) -> dict[str, Any]:
        """An import still to run stops before its next batch of rows (the rows already written stay)."""
        principal.require(Operation.IMPORTS)
        import_id = parse_import_id(raw_id)
        with self.database.session(write=True) as session:
            row = self._row(session, principal.portal_id, import_id, lock=True)
            now = session.clock.now_ms()
            if row.state in CANCELLABLE:
                ImportQueries.of(session).set_state(principal.portal_id, import_id, "CANCELED", now)
                ImportQueries.of(session).drop_files(principal.portal_id, import_id)
        at = iso_from_ms(now)
        return {"status": "COMPLETE", "requestedAt": at, "startedAt": at, "completedAt": at, "links": {}}

    def errors(
        self, principal: Principal, raw_id: str, *, after: str | None, limit: int, messages: bool, row_data: bool
    ) -> dict[str, Any]:
        principal.require(Operation.IMPORTS)
        import_id = parse_import_id(raw_id)
        start = parse_import_id(after) if after else 0
        with self.database.session(write=False) as session:
            self._row(session, principal.portal_id, import_id)
            found = ImportQueries.of(session).errors_page(principal.portal_id, import_id, start, limit + 1)
        results = []
        for error_id, created_at, error in found[:limit]:
            shown = {"id": str(error_id), "createdAt": created_at, **error}
            if not messages:
                shown.pop("errorMessage", None)
            if not row_data:
                shown["sourceData"] = {**shown["sourceData"], "rowData": []}
            results.append(shown)
        body: dict[str, Any] = {"results": results}
        if len(found) > limit:
            body["paging"] = {"next": {"after": str(found[limit - 1][0])}}
        return body

    @staticmethod
    def _row(session: Any, portal_id: int, import_id: int, *, lock: bool = False) -> ImportRow:
        row = ImportQueries.of(session).get(portal_id, import_id, lock=lock)
        if row is None:
            raise errors.import_not_found(import_id)
        return row


def parse_import_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > MAX_ID_DIGITS or int(raw) <= 0:
        raise errors.import_id_not_positive(raw)
    return int(raw)


def render(row: ImportRow, file_ids: list[int]) -> dict[str, Any]:
    """HubSpot's PublicImportResponse."""
    request = row.request
    mapped = sorted(
        {
            m.get("columnObjectTypeId") or m.get("columnObjectType")
            for f in request.get("files", [])
            for m in f["fileImportPage"]["columnMappings"]
        }
        - {None}
    )
    return {
        "id": str(row.id),
        "state": row.state,
        "createdAt": iso_from_ms(row.created_at),
        "updatedAt": iso_from_ms(row.updated_at),
        "optOutImport": False,
        "mappedObjectTypeIds": mapped,
        "metadata": {"counters": row.counters, "fileIds": [str(f) for f in file_ids], "objectLists": []},
        "importName": row.name,
        "importSource": "API",
        "importRequestJson": request,
    }


def _file_ids(session: Any, row: ImportRow) -> list[int]:
    return [file_id for _, file_id, _ in ImportQueries.of(session).files(row.portal_id, row.id)]


def _parts(body: bytes) -> tuple[str, dict[str, bytes]]:
    """The `importRequest` text and each `files` part by its file name, from a multipart/form-data body. The
    boundary is the body's first line (every client sends the body without a preamble)."""
    first_line = body[: body.find(b"\r\n")] if b"\r\n" in body[:200] else b""
    boundary = first_line[2:].decode("latin-1")
    if not first_line.startswith(b"--") or not 0 < len(boundary) <= 70 or '"' in boundary:
        raise errors.not_multipart()
    head = f'Content-Type: multipart/form-data; boundary="{boundary}"\r\nMIME-Version: 1.0\r\n\r\n'.encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise errors.not_multipart()
    raw_request: str | None = None
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "importRequest":
            raw_request = payload.decode("utf-8", errors="replace")
        elif name == "files":
            filename = part.get_filename()
            if not filename:
                raise errors.invalid_import("Each `files` part needs a filename.")
            files[filename] = payload
    if raw_request is None or not files:
        raise errors.not_multipart()
    return raw_request, files
