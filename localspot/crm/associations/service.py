"""Record associations: the v4 record and batch APIs and the v3 batch API, over one writer and one reader.

Ids in v4 bodies: `toObjectId`/`fromObjectId` are JSON numbers (what HubSpot sends), `id` fields inside
`from`/`to` objects are strings (as everywhere in the CRM APIs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from localspot.crm.associations.inline import parse_record_id
from localspot.crm.associations.inputs import (
    ArchiveInput,
    AssociationSpec,
    DefaultPair,
    FetchInput,
    LabeledPair,
    ObjectId,
    V3Pair,
)
from localspot.crm.associations.queries.associations import AssociationQueries, TypeKey
from localspot.crm.associations.writes import AssociationWriter, PairChange, labels_of
from localspot.kernel import errors
from localspot.kernel.batch import BatchOutcome
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.model import ASSOCIATION_CATEGORIES, HUBSPOT_DEFINED, AssociationType
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.events import EventSink, NoEvents

MAX_WRITE_INPUTS = 2000
MAX_READ_INPUTS = 1000
PAGE_SIZE = 500


class _Pair:
    """The open schema and both object types of one association call."""

    def __init__(self, schema: PortalSchema, from_type: ObjectType, to_type: ObjectType) -> None:
        self.schema = schema
        self.from_type = from_type
        self.to_type = to_type
        self.from_id = from_type.object_type_id
        self.to_id = to_type.object_type_id

    def definition(self, category: str, type_id: int) -> AssociationType | None:
        if category not in ASSOCIATION_CATEGORIES:
            return None
        return self.schema.association_type(self.from_id, self.to_id, category, type_id)

    def spec_types(self, specs: Sequence[AssociationSpec]) -> list[AssociationType] | ApiError:
        found = []
        for spec in specs:
            definition = self.definition(spec.association_category, spec.association_type_id)
            if definition is None:
                return errors.invalid_association_type(
                    self.from_id, self.to_id, spec.association_category, spec.association_type_id
                )
            found.append(definition)
        return found

    def default_type(self) -> AssociationType:
        default = self.schema.default_association_type(self.from_id, self.to_id)
        if default is None:
            raise errors.validation_error(f"There is no default association type from {self.from_id} to {self.to_id}.")
        return default

    def type_entries(self, keys: Sequence[TypeKey]) -> list[dict[str, Any]]:
        entries = []
        for category, type_id in sorted(keys):
            definition = self.schema.association_type(self.from_id, self.to_id, category, type_id)
            entries.append({"category": category, "typeId": type_id, "label": definition.label if definition else None})
        return entries

    def labels_between(self, from_id: int, to_id: int, keys: set[TypeKey]) -> dict[str, Any]:
        return {
            "fromObjectTypeId": self.from_id,
            "fromObjectId": from_id,
            "toObjectTypeId": self.to_id,
            "toObjectId": to_id,
            "labels": labels_of(self.schema, self.from_id, self.to_id, keys),
        }

    def v3_name(self, category: str, type_id: int) -> str:
        definition = self.schema.association_type(self.from_id, self.to_id, category, type_id)
        if definition is not None and definition.name:
            return definition.name
        return str(type_id)

    def v3_type(self, name: str) -> AssociationType | None:
        """A v3 `type`: a snake-case type name (any case) or a numeric type id."""
        wanted = name.strip().lower()
        candidates = self.schema.association_types(self.from_id, self.to_id)
        for definition in candidates:
            if definition.name and definition.name.lower() == wanted:
                return definition
        for definition in candidates:
            if str(definition.type_id) == wanted:
                return definition
        return None


class AssociationService:
    def __init__(self, database: Database, schemas: SchemaCache, events: EventSink | None = None) -> None:
        self.database = database
        self.schemas = schemas
        # Told of every association added or removed, in the change's transaction (webhook events).
        self.events: EventSink = events or NoEvents()
        # SQLite's new association rows wait in association_pending until something reads associations.
        database.defer(
            "associations",
            lambda session: AssociationQueries.of(session).associations_pending(),
            lambda session: AssociationQueries.of(session).settle_associations(),
        )

    # --- for the records' own lifecycle (objects area: merge, GDPR delete) ----------------------------

    @staticmethod
    def move_all(session: Session, portal_id: int, from_record: int, to_record: int) -> None:
        """Every association of `from_record`, both directions, re-pointed at `to_record`."""
        AssociationQueries.of(session).move_associations(portal_id, from_record, to_record)

    @staticmethod
    def delete_all_of(session: Session, portal_id: int, record_ids: Sequence[int]) -> None:
        """Every association from or to the records, both directions."""
        AssociationQueries.of(session).delete_associations_of(portal_id, record_ids)

    # --- shared --------------------------------------------------------------------------------------

    def _writer(self, session: Session, pair: _Pair, portal_id: int) -> AssociationWriter:
        return AssociationWriter(session, pair.schema, portal_id, pair.from_type, pair.to_type, self.events)

    def open_pair(self, session: Session, principal: Principal, from_name: str, to_name: str, *, write: bool) -> _Pair:
        """Reads need one of the from-type's read scopes, writes one of its write scopes."""
        schema = self.schemas.load(session, principal.portal_id)
        from_type, to_type = schema.resolve(from_name), schema.resolve(to_name)
        principal.require(Operation.ASSOCIATIONS_WRITE if write else Operation.ASSOCIATIONS_READ, from_type)
        return _Pair(schema, from_type, to_type)

    @staticmethod
    def _live(session: Session, portal_id: int, object_type: ObjectType, ids: Sequence[int | None]) -> set[int]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return set()
        found = AssociationQueries.of(session).record_types(portal_id, wanted)
        return {i for i, type_id in found.items() if type_id == object_type.object_type_id}

    def require_record(self, session: Session, portal_id: int, object_type: ObjectType, raw: str) -> int:
        record_id = parse_record_id(raw)
        if record_id is None or record_id not in self._live(session, portal_id, object_type, [record_id]):
            raise errors.association_record_not_found(object_type.object_type_id, str(raw))
        return record_id

    @staticmethod
    def _bound(inputs: Sequence[Any], limit: int) -> None:
        if len(inputs) > limit:
            raise errors.too_many_inputs(limit)

    # --- v4 record API -------------------------------------------------------------------------------

    def create_default(
        self, principal: Principal, from_name: str, from_raw: str, to_name: str, to_raw: str
    ) -> dict[str, Any]:
        outcome = BatchOutcome(self.database.clock)
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            default = pair.default_type()
            from_id, to_id = self.record_pair(session, principal.portal_id, pair, from_raw, to_raw)
            failures, _ = self._writer(session, pair, principal.portal_id).apply(
                [PairChange(from_id, to_id, add=[default])]
            )
            if failures:
                raise failures[0]
        outcome.results = _default_results(from_id, to_id, default)
        return outcome.response(200)[1]

    def create_labeled(
        self,
        principal: Principal,
        from_name: str,
        from_raw: str,
        to_name: str,
        to_raw: str,
        specs: list[AssociationSpec],
    ) -> tuple[int, dict[str, Any]]:
        if not specs:
            raise errors.validation_error("At least one association type is required.")
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            types = pair.spec_types(specs)
            if isinstance(types, ApiError):
                raise types
            from_id, to_id = self.record_pair(session, principal.portal_id, pair, from_raw, to_raw)
            failures, state = self._writer(session, pair, principal.portal_id).apply(
                [PairChange(from_id, to_id, add=types, replace_labels=True)]
            )
            if failures:
                raise failures[0]
        return 201, pair.labels_between(from_id, to_id, state[(from_id, to_id)])

    def record_pair(self, session: Session, portal_id: int, pair: _Pair, from_raw: str, to_raw: str) -> tuple[int, int]:
        from_id = self.require_record(session, portal_id, pair.from_type, from_raw)
        to_id = self.require_record(session, portal_id, pair.to_type, to_raw)
        if from_id == to_id:
            raise errors.self_association(str(from_id))
        return from_id, to_id

    def list(
        self, principal: Principal, from_name: str, from_raw: str, to_name: str, *, after: str | None, limit: int
    ) -> dict[str, Any]:
        cursor = cursor_of(after)
        with self.database.session(write=False) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=False)
            from_id = self.require_record(session, principal.portal_id, pair.from_type, from_raw)
            rows = AssociationQueries.of(session).read_associations(
                principal.portal_id, [from_id], pair.to_id, after=cursor, limit=limit + 1
            )
        results, next_after = page_of(rows.get(from_id, []), limit)
        body: dict[str, Any] = {
            "results": [{"toObjectId": to_id, "associationTypes": pair.type_entries(keys)} for to_id, keys in results]
        }
        if next_after is not None:
            body["paging"] = {"next": {"after": next_after}}
        return body

    def archive(self, principal: Principal, from_name: str, from_raw: str, to_name: str, to_raw: str) -> None:
        """Removes every association between the two records; 204 whether or not there was one."""
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            from_id, to_id = parse_record_id(from_raw), parse_record_id(to_raw)
            if from_id is not None and to_id is not None:
                self._writer(session, pair, principal.portal_id).clear([(from_id, to_id)])

    # --- v4 batch API --------------------------------------------------------------------------------

    def batch_default(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[DefaultPair]
    ) -> tuple[int, dict[str, Any]]:
        self._bound(inputs, MAX_WRITE_INPUTS)

        def changes(pair: _Pair, item: DefaultPair, from_id: int, to_id: int) -> PairChange | ApiError:
            return PairChange(from_id, to_id, add=[pair.default_type()])

        def render(pair: _Pair, change: PairChange, keys: set[TypeKey]) -> list[dict[str, Any]]:
            return _default_results(change.from_id, change.to_id, pair.default_type())

        return self._batch_write(principal, from_name, to_name, inputs, changes, render, success=200)

    def batch_create(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[LabeledPair]
    ) -> tuple[int, dict[str, Any]]:
        self._bound(inputs, MAX_WRITE_INPUTS)

        def changes(pair: _Pair, item: LabeledPair, from_id: int, to_id: int) -> PairChange | ApiError:
            types = pair.spec_types(item.types)
            if isinstance(types, ApiError):
                return types
            if not types:
                return errors.validation_error("At least one association type is required.")
            return PairChange(from_id, to_id, add=types, replace_labels=True)

        def render(pair: _Pair, change: PairChange, keys: set[TypeKey]) -> list[dict[str, Any]]:
            return [pair.labels_between(change.from_id, change.to_id, keys)]

        return self._batch_write(principal, from_name, to_name, inputs, changes, render, success=201)

    def v3_batch_create(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[V3Pair]
    ) -> tuple[int, dict[str, Any]]:
        self._bound(inputs, MAX_WRITE_INPUTS)

        def changes(pair: _Pair, item: V3Pair, from_id: int, to_id: int) -> PairChange | ApiError:
            definition = pair.v3_type(item.type)
            if definition is None:
                return errors.invalid_association_type(pair.from_id, pair.to_id, HUBSPOT_DEFINED, item.type)
            return PairChange(from_id, to_id, add=[definition])

        def render(pair: _Pair, change: PairChange, keys: set[TypeKey]) -> list[dict[str, Any]]:
            definition = change.add[0]
            return [
                {
                    "from": {"id": str(change.from_id)},
                    "to": {"id": str(change.to_id)},
                    "type": pair.v3_name(definition.category, definition.type_id),
                }
            ]

        return self._batch_write(principal, from_name, to_name, inputs, changes, render, success=201)

    def _batch_write(
        self,
        principal: Principal,
        from_name: str,
        to_name: str,
        inputs: Sequence[DefaultPair | LabeledPair | V3Pair],
        make_change: Callable[[_Pair, Any, int, int], PairChange | ApiError],
        render: Callable[[_Pair, PairChange, set[TypeKey]], list[dict[str, Any]]],
        *,
        success: int,
    ) -> tuple[int, dict[str, Any]]:
        """Valid inputs are written; each invalid one (missing record, bad type, over a limit) is an
        error of a 207."""
        outcome = BatchOutcome(self.database.clock)
        portal_id = principal.portal_id
        failures: dict[int, ApiError] = {}
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            ids = [(parse_record_id(i.from_.id), parse_record_id(i.to.id)) for i in inputs]
            live_from = self._live(session, portal_id, pair.from_type, [f for f, _ in ids])
            live_to = self._live(session, portal_id, pair.to_type, [t for _, t in ids])
            planned: list[tuple[int, PairChange]] = []
            for index, (item, (from_id, to_id)) in enumerate(zip(inputs, ids, strict=True)):
                if from_id is None or from_id not in live_from:
                    failures[index] = errors.association_from_not_found(pair.from_id, pair.to_id, str(item.from_.id))
                elif to_id is None or to_id not in live_to:
                    failures[index] = errors.association_to_not_found(
                        pair.from_id, pair.to_id, str(item.from_.id), str(item.to.id)
                    )
                elif from_id == to_id:
                    failures[index] = errors.self_association(str(from_id))
                else:
                    try:
                        change = make_change(pair, item, from_id, to_id)
                    except ApiError as error:
                        change = error
                    if isinstance(change, ApiError):
                        failures[index] = change
                    else:
                        planned.append((index, change))
            writer = self._writer(session, pair, portal_id)
            limit_failures, state = writer.apply([change for _, change in planned])
        for position, (index, change) in enumerate(planned):
            if position in limit_failures:
                failures[index] = limit_failures[position]
            else:
                outcome.results.extend(render(pair, change, state[(change.from_id, change.to_id)]))
        outcome.errors = [failures[index] for index in sorted(failures)]
        return outcome.response(success)

    def batch_read(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[FetchInput]
    ) -> tuple[int, dict[str, Any]]:
        def render(pair: _Pair, to_id: int, keys: list[TypeKey]) -> list[dict[str, Any]]:
            return [{"toObjectId": to_id, "associationTypes": pair.type_entries(keys)}]

        return self._batch_read(principal, from_name, to_name, [(i.id, i.after) for i in inputs], render)

    def v3_batch_read(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[ObjectId]
    ) -> tuple[int, dict[str, Any]]:
        def render(pair: _Pair, to_id: int, keys: list[TypeKey]) -> list[dict[str, Any]]:
            return [{"id": str(to_id), "type": pair.v3_name(category, type_id)} for category, type_id in sorted(keys)]

        return self._batch_read(principal, from_name, to_name, [(i.id, None) for i in inputs], render)

    def _batch_read(
        self,
        principal: Principal,
        from_name: str,
        to_name: str,
        inputs: Sequence[tuple[str | int, str | None]],
        render: Callable[[_Pair, int, list[TypeKey]], list[dict[str, Any]]],
    ) -> tuple[int, dict[str, Any]]:
        """One result per input whose from-record exists (with `paging` when it has more); a 207 error
        for each input whose from-record does not."""
        self._bound(inputs, MAX_READ_INPUTS)
        outcome = BatchOutcome(self.database.clock)
        cursors = [cursor_of(after) for _, after in inputs]
        with self.database.session(write=False) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=False)
            ids = [parse_record_id(raw) for raw, _ in inputs]
            live = self._live(session, principal.portal_id, pair.from_type, ids)
            pages: dict[tuple[int, int], list[tuple[int, str, int]]] = {}
            for cursor in sorted(set(cursors)):
                wanted = sorted({i for i, c in zip(ids, cursors, strict=True) if c == cursor and i in live})
                if wanted:
                    rows = AssociationQueries.of(session).read_associations(
                        principal.portal_id, wanted, pair.to_id, after=cursor, limit=PAGE_SIZE + 1
                    )
                    pages.update({(from_id, cursor): rows.get(from_id, []) for from_id in wanted})
        for (raw, _), record_id, cursor in zip(inputs, ids, cursors, strict=True):
            if record_id is None or record_id not in live:
                outcome.errors.append(errors.association_from_not_found(pair.from_id, pair.to_id, str(raw)))
                continue
            results, next_after = page_of(pages[(record_id, cursor)], PAGE_SIZE)
            result: dict[str, Any] = {
                "from": {"id": str(record_id)},
                "to": [entry for to_id, keys in results for entry in render(pair, to_id, keys)],
            }
            if next_after is not None:
                result["paging"] = {"next": {"after": next_after}}
            outcome.results.append(result)
        return outcome.response(200)

    def batch_archive(self, principal: Principal, from_name: str, to_name: str, inputs: list[ArchiveInput]) -> None:
        self._bound(inputs, MAX_WRITE_INPUTS)
        if sum(len(item.to) for item in inputs) > MAX_WRITE_INPUTS * 10:
            raise errors.too_many_inputs(MAX_WRITE_INPUTS * 10, "associations")
        pairs = []
        for item in inputs:
            from_id = parse_record_id(item.from_.id)
            for target in item.to:
                to_id = parse_record_id(target.id)
                if from_id is not None and to_id is not None:
                    pairs.append((from_id, to_id))
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            self._writer(session, pair, principal.portal_id).clear(pairs)

    def batch_archive_labels(
        self, principal: Principal, from_name: str, to_name: str, inputs: list[LabeledPair]
    ) -> None:
        """Removes the given types; removing the unlabeled type removes every label between the pair."""
        self._bound(inputs, MAX_WRITE_INPUTS)
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            changes = []
            for item in inputs:
                types = pair.spec_types(item.types)
                if isinstance(types, ApiError):
                    raise types
                from_id, to_id = parse_record_id(item.from_.id), parse_record_id(item.to.id)
                if from_id is not None and to_id is not None and types:
                    changes.append(PairChange(from_id, to_id, remove=types))
            self._writer(session, pair, principal.portal_id).apply(changes)

    # --- v3 ------------------------------------------------------------------------------------------

    def v3_types(self, principal: Principal, from_name: str, to_name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=False)
        definitions = sorted(pair.schema.association_types(pair.from_id, pair.to_id), key=lambda d: d.type_id)
        return {"results": [{"id": str(d.type_id), "name": d.name or str(d.type_id)} for d in definitions]}

    def v3_batch_archive(self, principal: Principal, from_name: str, to_name: str, inputs: list[V3Pair]) -> None:
        self._bound(inputs, MAX_WRITE_INPUTS)
        with self.database.session(write=True) as session:
            pair = self.open_pair(session, principal, from_name, to_name, write=True)
            changes = []
            for item in inputs:
                definition = pair.v3_type(item.type)
                if definition is None:
                    raise errors.invalid_association_type(pair.from_id, pair.to_id, HUBSPOT_DEFINED, item.type)
                from_id, to_id = parse_record_id(item.from_.id), parse_record_id(item.to.id)
                if from_id is not None and to_id is not None:
                    changes.append(PairChange(from_id, to_id, remove=[definition]))
            self._writer(session, pair, principal.portal_id).apply(changes)


def cursor_of(after: str | None) -> int:
    if after is None or after == "":
        return 0
    parsed = parse_record_id(after)
    if parsed is None:
        raise errors.validation_error(f"Invalid paging cursor after={after!r}: expected a record id.")
    return parsed


def page_of(rows: list[tuple[int, str, int]], limit: int) -> tuple[list[tuple[int, list[TypeKey]]], str | None]:
    """Rows grouped by target record, cut to `limit` targets; the cursor of the next page if any."""
    grouped: dict[int, list[TypeKey]] = {}
    for to_id, category, type_id in rows:
        grouped.setdefault(to_id, []).append((category, type_id))
    targets = list(grouped.items())
    if len(targets) <= limit:
        return targets, None
    page = targets[:limit]
    return page, str(page[-1][0])


def _default_results(from_id: int, to_id: int, default: AssociationType) -> list[dict[str, Any]]:
    """Both directions of the default association, as HubSpot reports them."""
    return [
        {
            "from": {"id": str(a)},
            "to": {"id": str(b)},
            "associationSpec": {"associationCategory": default.category, "associationTypeId": type_id},
        }
        for a, b, type_id in ((from_id, to_id, default.type_id), (to_id, from_id, default.inverse_type_id))
    ]
