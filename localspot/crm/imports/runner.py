"""Runs imports in the background, in every server process: each takes the oldest import left to run (a lease
in the database, so two processes never run one import at once, and a crashed process's import is taken up
again once its lease runs out) and applies its rows in batches of up to 100 through the object engine.

Each batch's rows, the errors of its rows, the import's counters and the row it has reached are written in one
transaction (the object engine's `inside` hook): after a crash the import resumes at the first row whose batch
did not commit, so no row is applied twice and none is counted done without being written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from localspot.crm.associations.inputs import AssociationSpec, InlineAssociation, ObjectId
from localspot.crm.imports.queries import ImportQueries
from localspot.crm.imports.request import ALTERNATE_ID, OBJECT_ID, Column, FilePlan, ImportRequest, plan
from localspot.crm.imports.rows import CellError, converted, error_type_of, read_rows
from localspot.crm.objects.inputs import CreateInput, UpdateInput
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.objects.service import RecordService
from localspot.kernel.batch import MAX_BATCH_INPUTS
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage import Database, DatabaseUnavailable, Session, StorageFull
from localspot.kernel.storage.portals import ALL_SCOPES

_log = logging.getLogger("localspot")
# A process that dies holding an import's lease holds it this long at most; each batch renews it.
LEASE_MS = 10_000
# How often an idle process looks for imports another process started (its own wake it at once).
POLL_S = 1.0
_ID_ONLY = ReadOptions(["hs_object_id"])


class _Canceled(Exception):
    """The import was cancelled while a batch ran: its transaction is rolled back."""


@dataclass
class _Batch:
    kind: str | None = None
    inputs: list[Any] = field(default_factory=list)
    lines: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows_done: int = 0
    total_rows: int = 0


class ImportRunner:
    def __init__(
        self,
        database: Database,
        schemas: SchemaCache,
        records: RecordService,
        reads: RecordReads,
        *,
        wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self.database = database
        self.schemas = schemas
        self.records = records
        self.reads = reads
        # Leases are the server's own bookkeeping: real time, whatever the control plane's clock says.
        self.wall_ms = wall_ms
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """An import was started here: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="localspot-imports", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_one()
            except (ApiError, DatabaseUnavailable, StorageFull):
                ran = False  # expected while the database is away, busy or full: the next poll tries again
            except Exception:
                _log.exception("an import could not run")
                ran = False
            if not ran:
                self._wake.wait(POLL_S)
                self._wake.clear()

    def run_one(self) -> bool:
        """Runs the oldest import left to run, if any; True when there was one."""
        # Most polls find nothing: a plain read asks first, so an idle server takes no write lock.
        with self.database.session(write=False, settle=False) as session:
            if not ImportQueries.of(session).any_runnable(self.wall_ms()):
                return False
        with self.database.session(write=True) as session:
            claimed = ImportQueries.of(session).claim(self.wall_ms(), LEASE_MS)
        if claimed is None:
            return False
        _ImportRun(self, *claimed).run()
        return True


class _ImportRun:
    def __init__(self, runner: ImportRunner, portal_id: int, import_id: int) -> None:
        self.runner = runner
        self.portal_id = portal_id
        self.import_id = import_id
        self.principal = Principal(portal_id, frozenset({ALL_SCOPES}))

    def run(self) -> None:
        database = self.runner.database
        with database.session(write=False) as session:
            row = ImportQueries.of(session).get(self.portal_id, self.import_id)
            files = ImportQueries.of(session).files(self.portal_id, self.import_id)
            schema = self.runner.schemas.load(session, self.portal_id)
        if row is None or row.state != "PROCESSING":
            return
        self.counters = dict(row.counters)
        request = msgspec.convert(row.request, ImportRequest)
        try:
            plans = plan(request, schema)
        except ApiError as error:
            self._finish("FAILED", [self._file_error(files[0][1] if files else 0, error.message)])
            return
        for index in range(row.file_index, len(plans)):
            file_id = files[index][1]
            with database.session(write=False) as session:
                data = ImportQueries.of(session).file_data(self.portal_id, self.import_id, index)
            start = row.row_number if index == row.file_index else 0
            finished = _FileRun(self, index, file_id, plans[index], schema.types[plans[index].object_type_id])
            outcome = finished.run(data, start, request.date_format)
            if outcome != "DONE":
                if outcome == "FAILED":
                    self._finish("FAILED", [])
                return
            if index + 1 < len(plans):
                self._commit([], rows_done=0, file_index=index + 1)
        self._finish("DONE", [])

    # --- writes of the import's own state ------------------------------------------------------------------

    def record(
        self,
        session: Session,
        errors: list[dict[str, Any]],
        counters: dict[str, int],
        *,
        file_index: int,
        rows_done: int,
    ) -> None:
        """Inside a batch's transaction: its errors, the counters and the row reached; raises _Canceled when
        the import was cancelled meanwhile."""
        queries = ImportQueries.of(session)
        current = queries.get(self.portal_id, self.import_id, lock=True)
        if current is None or current.state != "PROCESSING":
            raise _Canceled()
        now = session.clock.now_ms()
        if errors:
            queries.insert_errors(self.portal_id, self.import_id, session.reserve_ids(len(errors))[0], now, errors)
        queries.advance(
            self.portal_id,
            self.import_id,
            state="PROCESSING",
            counters=counters,
            file_index=file_index,
            row_number=rows_done,
            now=now,
            lease_until=self.runner.wall_ms() + LEASE_MS,
        )

    def _commit(
        self, errors: list[dict[str, Any]], *, rows_done: int, file_index: int, counters: dict[str, int] | None = None
    ) -> bool:
        counters = counters if counters is not None else self.counters
        try:
            with self.runner.database.session(write=True) as session:
                self.record(session, errors, counters, file_index=file_index, rows_done=rows_done)
        except _Canceled:
            return False
        self.counters = counters
        return True

    def _finish(self, state: str, errors: list[dict[str, Any]]) -> None:
        with self.runner.database.session(write=True) as session:
            queries = ImportQueries.of(session)
            current = queries.get(self.portal_id, self.import_id, lock=True)
            if current is None or current.state != "PROCESSING":
                return
            now = session.clock.now_ms()
            if errors:
                queries.insert_errors(self.portal_id, self.import_id, session.reserve_ids(len(errors))[0], now, errors)
            queries.set_state(self.portal_id, self.import_id, state, now)
            queries.drop_files(self.portal_id, self.import_id)

    @staticmethod
    def _file_error(file_id: int, message: str) -> dict[str, Any]:
        return {
            "errorType": "INVALID_COLUMN_CONFIGURATION",
            "sourceData": _source(0, file_id, []),
            "errorMessage": message,
        }


class _FileRun:
    def __init__(self, run: _ImportRun, index: int, file_id: int, file_plan: FilePlan, object_type: ObjectType):
        self.run_of = run
        self.index = index
        self.file_id = file_id
        self.plan = file_plan
        self.object_type = object_type

    def run(self, data: bytes, start: int, date_format: str) -> str:
        """DONE, CANCELED or FAILED (a file that cannot be read)."""
        self.date_format = date_format
        rows = read_rows(data, self.plan.file_format)
        header = next(rows, None) if self.plan.has_header else None
        try:
            self.positions = self._positions(header)
        except ValueError as exc:
            self.run_of._commit(
                [_ImportRun._file_error(self.file_id, str(exc))], rows_done=start, file_index=self.index
            )
            return "FAILED"
        self.width = len(header) if header is not None else None
        line = 1 if header is not None else 0
        batch = _Batch(rows_done=start)
        done = 0
        try:
            for cells in rows:
                line += 1
                done += 1
                if done <= start:
                    continue
                if not any(cell.strip() for cell in cells):
                    batch.total_rows += 1
                    batch.rows_done = done
                    continue
                kind, item = self._row(cells, line)
                if (kind is not None and batch.kind not in (None, kind)) or len(batch.inputs) == MAX_BATCH_INPUTS:
                    if not self._flush(batch):
                        return "CANCELED"
                    batch = _Batch(rows_done=batch.rows_done)
                # Counted in the batch that takes the row, so a resumed import counts it once.
                batch.total_rows += 1
                if kind is None:
                    batch.errors.append(item)
                else:
                    batch.kind = kind
                    batch.inputs.append(item)
                    batch.lines.append((line, cells))
                batch.rows_done = done
        except Exception as exc:  # csv.Error (a cell too large, a malformed quote), a spreadsheet that will not read
            if isinstance(exc, _Canceled):
                return "CANCELED"
            failure = {
                "errorType": "COULD_NOT_PARSE_ROW",
                "sourceData": _source(line, self.file_id, []),
                "errorMessage": f"Row {line} could not be read: {exc}",
            }
            batch.errors.append(failure)
            self._flush(batch)
            return "FAILED"
        return "DONE" if self._flush(batch) else "CANCELED"

    def _positions(self, header: list[str] | None) -> list[tuple[Column, int]]:
        if header is None:
            return [(column, column.position) for column in self.plan.columns]
        by_name = {name.strip().lower(): n for n, name in enumerate(header)}
        positions = []
        for column in self.plan.columns:
            found = by_name.get(column.name.strip().lower())
            if found is None:
                raise ValueError(f"The file {self.plan.file_name} has no column {column.name!r}.")
            positions.append((column, found))
        return positions

    def _row(self, cells: list[str], line: int) -> tuple[str | None, Any]:
        if self.width is not None and len(cells) != self.width:
            return None, self._error("INCORRECT_NUMBER_OF_COLUMNS", line, cells, "Incorrect number of columns")
        properties: dict[str, str] = {}
        identifier: tuple[Column, str] | None = None
        associations: list[InlineAssociation] = []
        for column, position in self.positions:
            cell = cells[position].strip() if position < len(cells) else ""
            if not cell:
                continue
            if column.kind == "ASSOCIATION" and column.key_property is not None:
                found = self._record_id(column.to_type_id or "", column.key_property, cell)
                if found is None:
                    message = f"No {column.to_type_id} record has {column.key_property} {cell!r}"
                    return None, self._error("NO_OBJECT_ID_FROM_ASSOCIATION_IDENTIFIER", line, cells, message, cell)
                spec = AssociationSpec(column.association_category, column.association_type_id or 0)
                associations.append(InlineAssociation(ObjectId(found), [spec]))
                continue
            if column.kind == OBJECT_ID or column.kind == "ASSOCIATION":
                if not cell.isdigit() or len(cell) > 18:
                    return None, self._error("INVALID_OBJECT_ID", line, cells, f"{cell!r} is not a record id", cell)
                if column.kind == OBJECT_ID:
                    identifier = (column, cell)
                else:
                    spec = AssociationSpec(column.association_category, column.association_type_id or 0)
                    associations.append(InlineAssociation(ObjectId(cell), [spec]))
                continue
            prop = self.object_type.properties[column.property_name or ""]
            try:
                properties[prop.name] = converted(prop, cell, self.date_format)
            except CellError as error:
                return None, self._error(error.error_type, line, cells, str(error), error.value, position)
            if column.kind == ALTERNATE_ID:
                identifier = (column, properties[prop.name])
        trace = str(line)
        operation = self.plan.operation
        if operation == "CREATE":
            if identifier is not None and identifier[0].kind == OBJECT_ID:
                return None, self._error("CREATE_ONLY_IMPORT", line, cells, "A create-only import names no record id")
            return "create", CreateInput(properties, associations, trace)
        if identifier is None:
            if operation == "UPDATE":
                return None, self._error("UPDATE_ONLY_IMPORT", line, cells, "The row names no record to update")
            return "create", CreateInput(properties, associations, trace)
        column, key = identifier
        if column.kind == ALTERNATE_ID and operation == "UPSERT" and associations and not self._exists(column, key):
            # Associations are written inline on create: a row that will create its record creates it.
            return "create", CreateInput(properties, associations, trace)
        if column.kind == ALTERNATE_ID:
            rest = {name: value for name, value in properties.items() if name != column.property_name}
            kind = "upsert" if operation == "UPSERT" else "update"
            return kind, UpdateInput(key, rest, column.property_name, trace)
        return "update", UpdateInput(key, properties, None, trace)

    def _exists(self, column: Column, key: str) -> bool:
        return self._record_id(self.object_type.object_type_id, column.property_name or "", key) is not None

    def _record_id(self, type_id: str, id_property: str, key: str) -> str | None:
        """The id of the record of that type whose unique property has that value, if there is one."""
        reads = self.run_of.runner.reads
        try:
            found = reads.get(self.run_of.principal, type_id, key, _ID_ONLY, id_property=id_property)
        except ApiError:
            return None
        return str(found["id"])

    def _flush(self, batch: _Batch) -> bool:
        run = self.run_of
        counters = dict(run.counters)
        counters["TOTAL_ROWS"] = counters.get("TOTAL_ROWS", 0) + batch.total_rows
        if not batch.inputs:
            counters["ERRORS"] = counters.get("ERRORS", 0) + len(batch.errors)
            return run._commit(batch.errors, rows_done=batch.rows_done, file_index=self.index, counters=counters)
        try:
            self._write(batch, counters)
        except _Canceled:
            return False
        except ApiError as whole:
            if len(batch.inputs) == 1:
                line, cells = batch.lines[0]
                failed = self._from_api_error(whole, line, cells)
                counters["ERRORS"] = counters.get("ERRORS", 0) + len(batch.errors) + 1
                return run._commit(
                    [*batch.errors, failed], rows_done=batch.rows_done, file_index=self.index, counters=counters
                )
            return self._one_by_one(batch)
        return True

    def _one_by_one(self, batch: _Batch) -> bool:
        """A batch refused as a whole (two rows naming one record, a race for a unique value): each row on its
        own, so each gets its own answer."""
        first_row = batch.rows_done - len(batch.inputs)
        for n, (item, line) in enumerate(zip(batch.inputs, batch.lines, strict=True)):
            single = _Batch(batch.kind, [item], [line], batch.errors if n == 0 else [], first_row + n + 1)
            single.total_rows = batch.total_rows if n == 0 else 0
            if not self._flush(single):
                return False
        return True

    def _write(self, batch: _Batch, counters: dict[str, int]) -> None:
        run = self.run_of

        def inside(session: Session, failures: Mapping[int, ApiError], created: set[int]) -> None:
            failed = [self._from_api_error(error, *batch.lines[index]) for index, error in sorted(failures.items())]
            written = len(batch.inputs) - len(failures)
            counters["CREATED_OBJECTS"] = counters.get("CREATED_OBJECTS", 0) + len(created)
            counters["UPDATED_OBJECTS"] = counters.get("UPDATED_OBJECTS", 0) + written - len(created)
            counters["UNIQUE_OBJECTS_WRITTEN"] = counters.get("UNIQUE_OBJECTS_WRITTEN", 0) + written
            counters["ERRORS"] = counters.get("ERRORS", 0) + len(batch.errors) + len(failed)
            run.record(session, [*batch.errors, *failed], counters, file_index=self.index, rows_done=batch.rows_done)

        records = run.runner.records
        write = {"create": records.batch_create, "update": records.batch_update, "upsert": records.batch_upsert}
        write[batch.kind or "create"](run.principal, self.object_type.name, batch.inputs, inside=inside)
        run.counters = counters

    def _from_api_error(self, error: ApiError, line: int, cells: list[str]) -> dict[str, Any]:
        code = (error.errors or [{}])[0].get("code")
        error_type = error_type_of(code, error.category, error.status)
        if self.plan.operation == "CREATE" and error.status == 409:
            error_type = "CREATE_ONLY_IMPORT"
        return self._error(error_type, line, cells, error.message)

    def _error(
        self,
        error_type: str,
        line: int,
        cells: list[str],
        message: str,
        invalid: str | None = None,
        column: int | None = None,
    ) -> dict[str, Any]:
        error: dict[str, Any] = {
            "errorType": error_type,
            "sourceData": _source(line, self.file_id, cells),
            "objectType": self.object_type.error_name,
            "objectTypeId": self.object_type.object_type_id,
            "errorMessage": message,
        }
        if invalid is not None:
            error["invalidValue"] = invalid
        if column is not None:
            error["knownColumnNumber"] = column
        return error


def _source(line: int, file_id: int, cells: list[str]) -> dict[str, Any]:
    return {
        "lineNumber": line,
        "fileId": file_id,
        "rowData": cells,
        "containsEncryptedProperties": False,
        "additionalRowData": [],
    }
