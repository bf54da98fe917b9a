"""The one place associations between existing records are changed.

Every write goes through `AssociationWriter.apply`: it loads what is stored between each pair, works out
the new set of types (every association keeps the pair's unlabeled default type; labels are added,
replaced or removed as the operation asks), checks configured limits, and writes both directions so that
each association is visible from either record under the inverse type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from localspot.crm.associations.queries.associations import AssociationQueries, LimitSlot, TypeKey
from localspot.crm.associations.queries.labels import AssociationSchemaQueries
from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.model import AssociationType
from localspot.kernel.storage import Session
from localspot.kernel.storage.events import ASSOCIATION_CHANGE, Change, EventSink, NoEvents


@dataclass
class PairChange:
    """What one input asks for between two records (from → to)."""

    from_id: int
    to_id: int
    add: Sequence[AssociationType] = ()
    remove: Sequence[AssociationType] = ()
    # PUT-with-labels semantics: the labels given replace the pair's labels (when any label is given).
    replace_labels: bool = False
    remove_all: bool = False


@dataclass
class _Limits:
    """Configured maxToObjectIds per (from type, to type, type key), and the running counts they bound."""

    maximum: dict[tuple[str, str, TypeKey], int]
    # (owner record, from type, to type, type key) → how many records the owner has under that type
    counts: dict[tuple[int, str, str, TypeKey], int] = field(default_factory=dict)


class AssociationWriter:
    def __init__(
        self,
        session: Session,
        schema: PortalSchema,
        portal_id: int,
        from_type: ObjectType,
        to_type: ObjectType,
        events: EventSink | None = None,
    ) -> None:
        self.session = session
        self.events: EventSink = events or NoEvents()
        self.types = (from_type, to_type)
        self.schema = schema
        self.portal_id = portal_id
        self.from_type = from_type.object_type_id
        self.to_type = to_type.object_type_id
        self.default = schema.default_association_type(self.from_type, self.to_type)

    def apply(self, changes: Sequence[PairChange]) -> tuple[dict[int, ApiError], dict[tuple[int, int], set[TypeKey]]]:
        """Errors by change index (nothing is written for those), and the final types of every pair."""
        pairs = sorted({(c.from_id, c.to_id) for c in changes})
        stored = AssociationQueries.of(self.session).association_types_between(self.portal_id, self.to_type, pairs)
        original = {pair: set(stored.get(pair, ())) for pair in pairs}
        state = {pair: set(types) for pair, types in original.items()}
        limits = self._load_limits(changes)
        failures: dict[int, ApiError] = {}
        for index, change in enumerate(changes):
            pair = (change.from_id, change.to_id)
            target = self._target(state[pair], change)
            error = self._check_limits(limits, change, state[pair], target)
            if error is not None:
                failures[index] = error
                continue
            state[pair] = target
        self._write(original, state)
        return failures, state

    def _target(self, current: set[TypeKey], change: PairChange) -> set[TypeKey]:
        default_key = self._key(self.default) if self.default else None
        removing = {self._key(t) for t in change.remove}
        if change.remove_all or (default_key is not None and default_key in removing):
            return set()
        if removing:
            return current - removing
        adding = {self._key(t) for t in change.add}
        if default_key is not None:
            adding.add(default_key)
        labels_given = any(key != default_key for key in adding)
        if change.replace_labels and labels_given:
            return adding
        return current | adding

    # --- limits ----------------------------------------------------------------------------------------

    def _load_limits(self, changes: Sequence[PairChange]) -> _Limits:
        forward, backward = (self.from_type, self.to_type), (self.to_type, self.from_type)
        rows = AssociationSchemaQueries.of(self.session).association_limits(self.portal_id, [forward, backward])
        limits = _Limits({(r.from_type, r.to_type, (r.category, r.type_id)): r.max_to_object_ids for r in rows})
        slots: dict[LimitSlot, tuple[int, str, str, TypeKey]] = {}
        for from_type, to_type, key in limits.maximum:
            owners: set[int] = set()
            if (from_type, to_type) == forward:
                owners |= {c.from_id for c in changes}
            if (from_type, to_type) == backward:
                owners |= {c.to_id for c in changes}
            for owner in owners:
                slots[(owner, to_type, key[0], key[1])] = (owner, from_type, to_type, key)
        counts = AssociationQueries.of(self.session).counts_under_limits(self.portal_id, slots)
        for slot, count in counts.items():
            limits.counts[slots[slot]] = count
        return limits

    def _check_limits(
        self, limits: _Limits, change: PairChange, current: set[TypeKey], target: set[TypeKey]
    ) -> ApiError | None:
        """Only additions are bounded: lowering a limit keeps associations already over it."""
        if not limits.maximum:
            return None
        steps: list[tuple[tuple[int, str, str, TypeKey], int]] = []
        for keys, delta in ((target - current, 1), (current - target, -1)):
            for key in keys:
                steps.append(((change.from_id, self.from_type, self.to_type, key), delta))
                inverse = self._inverse_key(key)
                if inverse is not None:
                    steps.append(((change.to_id, self.to_type, self.from_type, inverse), delta))
        for slot, delta in steps:
            owner, from_type, to_type, key = slot
            maximum = limits.maximum.get((from_type, to_type, key))
            if maximum is not None and delta > 0 and limits.counts.get(slot, 0) + 1 > maximum:
                return errors.association_limit_exceeded(str(owner), key[0], key[1], maximum)
        for slot, delta in steps:
            if slot in limits.counts:
                limits.counts[slot] += delta
        return None

    # --- writing ---------------------------------------------------------------------------------------

    def _write(self, original: dict[tuple[int, int], set[TypeKey]], state: dict[tuple[int, int], set[TypeKey]]) -> None:
        inserts = []
        deletes = []
        cleared = []
        for pair, before in original.items():
            after = state[pair]
            from_id, to_id = pair
            if before and not after:
                cleared.append(pair)
                continue
            for category, type_id in sorted(after - before):
                inserts.append((from_id, to_id, self.from_type, self.to_type, category, type_id))
                inverse = self._inverse_key((category, type_id))
                if inverse is not None:
                    inserts.append((to_id, from_id, self.to_type, self.from_type, inverse[0], inverse[1]))
            for category, type_id in sorted(before - after):
                deletes.append((from_id, to_id, category, type_id))
                inverse = self._inverse_key((category, type_id))
                if inverse is not None:
                    deletes.append((to_id, from_id, inverse[0], inverse[1]))
        AssociationQueries.of(self.session).delete_association_pairs(self.portal_id, cleared)
        AssociationQueries.of(self.session).delete_associations(self.portal_id, deletes)
        AssociationQueries.of(self.session).insert_associations(self.portal_id, inserts, self.session.clock.now_ms())
        added = [pair for pair, before in original.items() if not before and state[pair]]
        self._report(added, removed=False)
        self._report(cleared, removed=True)

    def clear(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Every association between each pair, in both directions."""
        queries = AssociationQueries.of(self.session)
        if self._watched():
            stored = queries.association_types_between(self.portal_id, self.to_type, sorted(set(pairs)))
            self._report([pair for pair in sorted(stored) if stored[pair]], removed=True)
        queries.delete_association_pairs(self.portal_id, pairs)

    def _watched(self) -> bool:
        return any(self.events.watches(self.session, self.portal_id, t.object_type_id) for t in self.types)

    def _report(self, pairs: Sequence[tuple[int, int]], *, removed: bool) -> None:
        """An associationChange for each side of each pair (HubSpot sends one per direction)."""
        if not pairs or not self._watched():
            return
        for (one, other), flip in ((self.types, False), (self.types[::-1], True)):
            if not self.events.watches(self.session, self.portal_id, one.object_type_id):
                continue
            changes = [
                association_change(one, other, *(pair[::-1] if flip else pair), removed=removed) for pair in pairs
            ]
            self.events.record(self.session, self.portal_id, one.object_type_id, changes)

    def _inverse_key(self, key: TypeKey) -> TypeKey | None:
        definition = self.schema.association_type(self.from_type, self.to_type, key[0], key[1])
        return (definition.category, definition.inverse_type_id) if definition else None

    @staticmethod
    def _key(definition: AssociationType) -> TypeKey:
        return (definition.category, definition.type_id)


def association_change(one: ObjectType, other: ObjectType, from_id: int, to_id: int, *, removed: bool) -> Change:
    """What `one`'s record `from_id` reports of its association with `other`'s `to_id` (HubSpot's fields)."""
    details = {
        "associationType": f"{one.error_name}_TO_{other.error_name}",
        "fromObjectId": from_id,
        "toObjectId": to_id,
        "associationRemoved": removed,
        "isPrimaryAssociation": False,
    }
    return Change(ASSOCIATION_CHANGE, from_id, None, details, other.object_type_id)


def labels_of(schema: PortalSchema, from_type: str, to_type: str, keys: set[TypeKey]) -> list[str]:
    """The labels among a pair's types, in a stable order (the unlabeled type has none)."""
    labels = []
    for category, type_id in sorted(keys):
        definition = schema.association_type(from_type, to_type, category, type_id)
        if definition is not None and definition.label:
            labels.append(definition.label)
    return labels
