"""Record writes and reads for every object type, driven by the type's definition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from localspot.crm.associations import inline as inline_associations
from localspot.crm.objects import identity
from localspot.crm.objects.batch_steps import collect, start_batch, validate_creates
from localspot.crm.objects.inputs import CreateInput, PropertyValue, UpdateInput
from localspot.crm.objects.pending import Pending
from localspot.crm.objects.queries.history import HistoryQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.objects.queries.unique import UniqueValueQueries
from localspot.crm.objects.values import validate_properties
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome
from localspot.kernel.errors import ApiError
from localspot.kernel.errors import object_types as object_type_errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.storage import Database, Session, UniqueViolation
from localspot.kernel.storage.events import CREATION, DELETION, PROPERTY_CHANGE, Change, EventSink, NoEvents, emit
from localspot.kernel.storage.records import RecordRow

SOURCE_API = "API"
# What a caller runs inside a batch write's transaction: (session, the failed inputs by index, the indexes of
# the inputs that created a record; the others not failed updated one).
InTransaction = Callable[[Session, Mapping[int, ApiError], set[int]], None] | None
# An upsert whose creates lose a race to a concurrent upsert is run again this many times in all.
UPSERT_ATTEMPTS = 5


class RecordService:
    def __init__(self, database: Database, schemas: SchemaCache, events: EventSink | None = None) -> None:
        self.database = database
        self.schemas = schemas
        # Told of every record change, in the change's transaction (webhook events).
        self.events: EventSink = events or NoEvents()

    # --- helpers shared by every operation -------------------------------------------------------------

    def open_type(
        self, session: Session, principal: Principal, type_name: str, *, write: bool, operations: Sequence[str] = ()
    ) -> tuple[PortalSchema, ObjectType]:
        """The path's type, once the token may read it (or write it: `operations` are the record writes the
        request makes, which the type's definition must take)."""
        schema = self.schemas.load(session, principal.portal_id)
        object_type = schema.resolve(type_name)
        refused = object_type.unsupported_writes(operations)
        if refused:
            raise object_type_errors.writes_unsupported(object_type.name, refused)
        principal.require(Operation.OBJECTS_WRITE if write else Operation.OBJECTS_READ, object_type)
        return schema, object_type

    # --- batch create ----------------------------------------------------------------------------------

    def batch_create(
        self, principal: Principal, type_name: str, inputs: Sequence[CreateInput], *, inside: InTransaction = None
    ) -> BatchOutcome:
        """All-or-nothing, unless every input carries an objectWriteTraceId: then valid inputs are
        created and invalid ones reported in a 207. `inside(session, failures)` runs in the write's own
        transaction, after it (an import records its progress with the rows it wrote)."""
        outcome, partial = start_batch(inputs, self.database.clock)
        portal_id = principal.portal_id
        # Values are checked before the write lock is taken, against the schema this process last loaded,
        # so other writers wait only for what needs the database; if the schema moved meanwhile (another
        # process changed it), they are checked again against the current one.
        cached = self.schemas.cached(portal_id)
        early_type = cached.find(type_name) if cached is not None else None
        if early_type is not None and early_type.unsupported_writes(["create"]):
            early_type = None  # refused once the type is opened below
        checked = validate_creates(early_type, inputs, portal_id) if early_type is not None else None
        try:
            with self.database.session(write=True) as session:
                schema, object_type = self.open_type(session, principal, type_name, write=True, operations=["create"])
                if checked is None or object_type is not early_type:
                    checked = validate_creates(object_type, inputs, portal_id)
                pending, failures = checked
                targets = inline_associations.lookup_targets(
                    session, portal_id, [inputs[p.index].associations for p in pending]
                )
                stager = inline_associations.Stager(schema, object_type, targets)
                for item in pending:
                    staged = stager.stage(inputs[item.index].associations)
                    if isinstance(staged, ApiError):
                        failures[item.index] = staged
                    else:
                        item.staged_associations = staged
                pending = [p for p in pending if p.index not in failures]
                failures.update(
                    inline_associations.limit_failures(
                        session,
                        portal_id,
                        object_type.object_type_id,
                        {p.index: p.staged_associations for p in pending if p.staged_associations},
                    )
                )
                pending = [p for p in pending if p.index not in failures]
                pending = self._settle(session, portal_id, object_type, pending, failures, partial=partial)
                created = self._insert(session, portal_id, object_type, pending)
                if inside is not None:
                    inside(session, failures, set(created))
        except UniqueViolation:
            raise self._conflict_after_race(principal, type_name, [p.values for p in pending]) from None
        collect(outcome, object_type, created, failures, [item.object_write_trace_id for item in inputs])
        return outcome

    def _insert(
        self, session: Session, portal_id: int, object_type: ObjectType, pending: Sequence[Pending]
    ) -> dict[int, RecordRow]:
        if not pending:
            return {}
        now = self.database.clock.now_ms()
        ids = session.reserve_ids(len(pending))
        type_id = object_type.object_type_id
        RecordQueries.of(session).insert_records(
            portal_id, type_id, [(rid, now, p.values) for rid, p in zip(ids, pending, strict=True)]
        )
        unique_names = [prop.name for prop in object_type.unique_properties()]
        UniqueValueQueries.of(session).claim_unique_values(
            portal_id,
            type_id,
            [
                (name, p.values[name], rid)
                for rid, p in zip(ids, pending, strict=True)
                for name in unique_names
                if p.values.get(name)
            ],
        )
        association_rows = [
            row
            for rid, p in zip(ids, pending, strict=True)
            for row in inline_associations.association_rows(rid, type_id, p.staged_associations or ())
        ]
        inline_associations.insert_associations(session, portal_id, association_rows, now, set(ids))
        if association_rows:
            schema = self.schemas.load(session, portal_id)
            inline_associations.report(self.events, session, portal_id, schema, association_rows)
        if self.events.watches(session, portal_id, type_id):
            emit(
                self.events,
                session,
                portal_id,
                type_id,
                [Change(CREATION, rid, p.values) for rid, p in zip(ids, pending, strict=True)],
            )
        return {
            p.index: RecordRow(rid, type_id, now, now, False, None, p.values)
            for rid, p in zip(ids, pending, strict=True)
        }

    # --- batch update ----------------------------------------------------------------------------------

    def batch_update(
        self, principal: Principal, type_name: str, inputs: Sequence[UpdateInput], *, inside: InTransaction = None
    ) -> BatchOutcome:
        """Missing records come back as one OBJECT_NOT_FOUND error in a 207; invalid values fail the
        whole batch unless every input carries an objectWriteTraceId."""
        outcome, partial = start_batch(inputs, self.database.clock)
        portal_id = principal.portal_id
        failures: dict[int, ApiError] = {}
        missing: list[int] = []
        pending: list[Pending] = []
        try:
            with self.database.session(write=True) as session:
                _, object_type = self.open_type(session, principal, type_name, write=True, operations=["update"])
                targets = self._locked_targets(session, principal, object_type, inputs)
                for index, item in enumerate(inputs):
                    record = targets[index]
                    if record is None:
                        missing.append(index)
                        continue
                    try:
                        changes = validate_properties(
                            object_type,
                            item.properties,
                            portal_id=portal_id,
                            existing=record.properties,
                            creating=False,
                        )
                    except ApiError as error:
                        failures[index] = error
                        continue
                    pending.append(Pending(index, item.object_write_trace_id, changes, record))
                pending = self._settle(session, portal_id, object_type, pending, failures, partial=partial)
                updated = self._apply_updates(session, portal_id, object_type, pending)
                if inside is not None:
                    missed = {i: errors.object_not_found(str(inputs[i].id)) for i in missing}
                    inside(session, {**failures, **missed}, set())
        except UniqueViolation:
            raise self._conflict_after_race(principal, type_name, [p.values for p in pending]) from None
        collect(outcome, object_type, updated, failures, [item.object_write_trace_id for item in inputs])
        if missing:
            outcome.errors.append(
                errors.objects_not_found(
                    object_type.error_name,
                    [str(inputs[i].id) for i in missing],
                    [t for i in missing if (t := inputs[i].object_write_trace_id)],
                )
            )
        return outcome

    def _apply_updates(
        self, session: Session, portal_id: int, object_type: ObjectType, pending: Sequence[Pending]
    ) -> dict[int, RecordRow]:
        if not pending:
            return {}
        now = self.database.clock.now_ms()
        type_id = object_type.object_type_id
        changes: list[tuple[RecordRow, str, str, str]] = []  # (record, name, old value, new value)
        rows: list[tuple[int, int, dict[str, str]]] = []
        updated: dict[int, RecordRow] = {}
        for item in pending:
            record = item.record
            assert record is not None
            values = dict(record.properties)
            for name, value in item.values.items():
                old = values.get(name, "")
                if value == old:
                    continue
                changes.append((record, name, old, value))
                if value:
                    values[name] = value
                else:
                    del values[name]
            rows.append((record.id, now, values))
            updated[item.index] = RecordRow(record.id, type_id, record.created_at, now, False, None, values)
        # A property's first change also writes the value it had since the record was created.
        with_history = HistoryQueries.of(session).names_with_history(
            portal_id, [(r.id, name) for r, name, old, _ in changes if old]
        )
        unique_names = {prop.name for prop in object_type.unique_properties()}
        history_rows: list[tuple[int, str, str, int, str]] = []
        released: list[tuple[str, int]] = []
        claimed: list[tuple[str, str, int]] = []
        for record, name, old, value in changes:
            if old and (record.id, name) not in with_history:
                history_rows.append((record.id, name, old, record.created_at, SOURCE_API))
            history_rows.append((record.id, name, value, now, SOURCE_API))
            if name in unique_names:
                if old:
                    released.append((name, record.id))
                if value:
                    claimed.append((name, value, record.id))
        RecordQueries.of(session).update_records(portal_id, rows)
        HistoryQueries.of(session).insert_history(portal_id, history_rows)
        UniqueValueQueries.of(session).release_unique_values(portal_id, type_id, released)
        UniqueValueQueries.of(session).claim_unique_values(portal_id, type_id, claimed)
        if changes and self.events.watches(session, portal_id, type_id):
            changed: dict[int, dict[str, str]] = {}
            for record, name, _, value in changes:
                changed.setdefault(record.id, {})[name] = value
            emit(
                self.events,
                session,
                portal_id,
                type_id,
                [Change(PROPERTY_CHANGE, rid, values) for rid, values in changed.items()],
            )
        return updated

    # --- batch upsert ----------------------------------------------------------------------------------

    def batch_upsert(
        self, principal: Principal, type_name: str, inputs: Sequence[UpdateInput], *, inside: InTransaction = None
    ) -> BatchOutcome:
        """Each input names its record by a unique property: an existing record is updated, a missing one
        created with that value set. Each result says whether it is `new`. Invalid inputs follow batch
        create's rule (207 only when every input carries an objectWriteTraceId)."""
        for _ in range(UPSERT_ATTEMPTS - 1):
            try:
                return self._upsert(principal, type_name, inputs, inside)
            except UniqueViolation:
                # A concurrent upsert created one of our records first: once it has committed, ours
                # finds and updates it.
                continue
        try:
            return self._upsert(principal, type_name, inputs, inside)
        except UniqueViolation:
            raise self._conflict_after_race(principal, type_name, [{}]) from None

    def _upsert(
        self, principal: Principal, type_name: str, inputs: Sequence[UpdateInput], inside: InTransaction
    ) -> BatchOutcome:
        outcome, partial = start_batch(inputs, self.database.clock)
        portal_id = principal.portal_id
        failures: dict[int, ApiError] = {}
        pending: list[Pending] = []
        with self.database.session(write=True) as session:
            upsert = ["create", "update"]
            _, object_type = self.open_type(session, principal, type_name, write=True, operations=upsert)
            for item in inputs:
                if not item.id_property:
                    raise errors.id_property_required()
                if identity.id_property_name(principal, object_type, item.id_property) is None:
                    raise errors.non_unique_id_property(object_type.object_type_id, item.id_property, portal_id)
            targets = self._locked_targets(session, principal, object_type, inputs)
            for index, item in enumerate(inputs):
                record = targets[index]
                raw = item.properties if record else {**item.properties, str(item.id_property): str(item.id)}
                try:
                    values = validate_properties(
                        object_type,
                        raw,
                        portal_id=portal_id,
                        existing=record.properties if record else None,
                        creating=record is None,
                    )
                except ApiError as error:
                    failures[index] = error
                    continue
                if record is None:
                    values = {name: value for name, value in values.items() if value != ""}
                pending.append(Pending(index, item.object_write_trace_id, values, record))
            try:
                settled = self._settle(session, portal_id, object_type, pending, failures, partial=partial)
            except ApiError as error:
                if error.status == 409:
                    self._check_not_created_meanwhile(session, principal, object_type, inputs, pending)
                raise
            if any(failure.status == 409 for failure in failures.values()):
                self._check_not_created_meanwhile(session, principal, object_type, inputs, pending)
            pending = settled
            written = self._apply_updates(session, portal_id, object_type, [p for p in pending if p.record])
            written.update(self._insert(session, portal_id, object_type, [p for p in pending if not p.record]))
            if inside is not None:
                inside(session, failures, {p.index for p in pending if p.record is None})
        collect(outcome, object_type, written, failures, [item.object_write_trace_id for item in inputs])
        created = {p.index for p in pending if p.record is None}
        for index, result in zip(sorted(written), outcome.results, strict=True):
            result["new"] = index in created
        return outcome

    def _locked_targets(
        self, session: Session, principal: Principal, object_type: ObjectType, inputs: Sequence[UpdateInput]
    ) -> list[RecordRow | None]:
        """The live record each input names (None where none), locked for this write. Two inputs naming
        one record, by the same key or by different unique properties, are a 400."""
        resolved = identity.resolve_ids(session, principal, object_type, [(str(i.id), i.id_property) for i in inputs])
        repeated = identity.repeated_records(resolved, [str(item.id) for item in inputs])
        if repeated:
            raise errors.duplicate_ids(repeated)
        records = RecordQueries.of(session).fetch_records(
            principal.portal_id, object_type.object_type_id, [r for r in resolved if r is not None], lock=True
        )
        return [records.get(r) if r is not None else None for r in resolved]

    def _check_not_created_meanwhile(
        self,
        session: Session,
        principal: Principal,
        object_type: ObjectType,
        inputs: Sequence[UpdateInput],
        pending: Sequence[Pending],
    ) -> None:
        """Raises UniqueViolation (so the upsert runs again and updates) when a record this upsert is
        about to create was committed by a concurrent writer after its id was resolved. Asked after a
        unique-value conflict was seen, so a commit the conflict check saw is seen here too."""
        by_property: dict[str, list[str]] = defaultdict(list)
        for item in pending:
            if item.record is None:
                name = str(inputs[item.index].id_property)
                by_property[name].append(item.values[name])
        for name, values in by_property.items():
            if UniqueValueQueries.of(session).unique_owners(
                principal.portal_id, object_type.object_type_id, name, values
            ):
                raise UniqueViolation(f"an upserted {name} was created concurrently")

    # --- archive ---------------------------------------------------------------------------------------

    def batch_archive(self, principal: Principal, type_name: str, ids: Sequence[str | int]) -> None:
        """Idempotent: unknown and already archived ids are ignored. Archived records give up their
        unique values; their associations stay stored (reads hide them)."""
        if len(ids) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        parsed = sorted({r for r in map(inline_associations.parse_record_id, ids) if r is not None})
        with self.database.session(write=True) as session:
            _, object_type = self.open_type(session, principal, type_name, write=True, operations=["archive"])
            archived = RecordQueries.of(session).archive_records(
                principal.portal_id, object_type.object_type_id, parsed, self.database.clock.now_ms()
            )
            UniqueValueQueries.of(session).release_all_unique_values(principal.portal_id, archived)
            if archived and self.events.watches(session, principal.portal_id, object_type.object_type_id):
                emit(
                    self.events,
                    session,
                    principal.portal_id,
                    object_type.object_type_id,
                    [Change(DELETION, record_id) for record_id in archived],
                )

    # --- single-record writes: the batch paths with one input ------------------------------------------

    def create(self, principal: Principal, type_name: str, item: CreateInput) -> tuple[int, dict[str, Any]]:
        """Without a trace id the batch is all-or-nothing, so an invalid record is a plain 400."""
        single = CreateInput(properties=item.properties, associations=item.associations)
        return 201, self.batch_create(principal, type_name, [single]).results[0]

    def update(
        self,
        principal: Principal,
        type_name: str,
        object_id: str,
        properties: dict[str, PropertyValue],
        *,
        id_property: str | None = None,
    ) -> dict[str, Any]:
        """A merged record's id updates the record it was merged into."""
        single = UpdateInput(id=object_id, properties=properties, id_property=id_property)
        outcome = self.batch_update(principal, type_name, [single])
        if not outcome.results and id_property is None:
            survivor = self._survivor_id(principal, type_name, object_id)
            if survivor is not None:
                single = UpdateInput(id=str(survivor), properties=properties)
                outcome = self.batch_update(principal, type_name, [single])
        if not outcome.results:
            raise errors.object_not_found(object_id)
        return outcome.results[0]

    def _survivor_id(self, principal: Principal, type_name: str, object_id: str) -> int | None:
        record_id = inline_associations.parse_record_id(object_id)
        if record_id is None:
            return None
        with self.database.session(write=False) as session:
            _, object_type = self.open_type(session, principal, type_name, write=False)
            record = RecordQueries.of(session).fetch_records(
                principal.portal_id, object_type.object_type_id, [record_id], archived=None
            )
            found = record.get(record_id)
            if found is None or found.merged_into is None:
                return None
            survivor = identity.follow_merges(session, principal.portal_id, object_type, found)
            return survivor.id if survivor is not None and not survivor.archived else None

    def archive(self, principal: Principal, type_name: str, object_id: str) -> None:
        self.batch_archive(principal, type_name, [object_id])

    def apply_changes(
        self, session: Session, portal_id: int, object_type: ObjectType, record: RecordRow, changes: dict[str, str]
    ) -> RecordRow:
        """Writes already validated changes to one record (with history and unique values)."""
        return self._apply_updates(session, portal_id, object_type, [Pending(0, None, changes, record)])[0]

    def _settle(
        self,
        session: Session,
        portal_id: int,
        object_type: ObjectType,
        pending: Sequence[Pending],
        failures: dict[int, ApiError],
        *,
        partial: bool,
    ) -> list[Pending]:
        """Adds unique-value clashes to `failures`; without partial success the first failure is the
        answer, otherwise the inputs still fit to write."""
        failures.update(identity.unique_conflicts(session, portal_id, object_type, pending))
        if failures and not partial:
            raise failures[min(failures)]
        return [p for p in pending if p.index not in failures]

    def _conflict_after_race(
        self, principal: Principal, type_name: str, attempted: Sequence[dict[str, str]]
    ) -> ApiError:
        """A concurrent writer took a unique value between our check and our write: report who holds it."""
        with self.database.session(write=False) as session:
            _, object_type = self.open_type(session, principal, type_name, write=False)
            for prop in object_type.unique_properties():
                values = sorted({v[prop.name] for v in attempted if v.get(prop.name)})
                owners = UniqueValueQueries.of(session).unique_owners(
                    principal.portal_id, object_type.object_type_id, prop.name, values
                )
                for value, owner in owners.items():
                    return errors.unique_value_conflict(object_type.object_type_id, prop.name, value, str(owner))
        return errors.unique_value_taken_concurrently()
