"""Associations given inline when records are created (`associations: [{to, types}]`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from localspot.crm.associations.inputs import InlineAssociation
from localspot.crm.associations.queries.associations import AssociationQueries, AssociationRow
from localspot.crm.associations.queries.labels import AssociationSchemaQueries
from localspot.crm.associations.writes import association_change
from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.model import ASSOCIATION_CATEGORIES, AssociationType
from localspot.kernel.storage import Session
from localspot.kernel.storage.events import Change, EventSink


def parse_record_id(raw: str | int) -> int | None:
    if type(raw) is str and raw.isdigit() and raw.isascii() and len(raw) <= 18:
        return int(raw)  # the common case, without the copies below
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


# A target as the request named it (a string, or a number from loosely typed clients) -> its record id and
# object type, for every live record among them.
Targets = dict[str | int, tuple[int, str]]


def lookup_targets(session: Session, portal_id: int, inputs: Sequence[Sequence[InlineAssociation]]) -> Targets:
    """Every target any input names that is a live record of the portal: each distinct id parsed once."""
    named = {association.to.id: None for associations in inputs for association in associations}
    parsed = [(raw, parse_record_id(raw)) for raw in named]
    wanted = sorted({target for _, target in parsed if target is not None})
    types = AssociationQueries.of(session).record_types(portal_id, wanted) if wanted else {}
    return {raw: (target, types[target]) for raw, target in parsed if target in types}


Staged = tuple[int, str, str, int, int]  # (target id, target type, category, type id, inverse type id)


class Stager:
    """Checks and expands one batch's inline associations. Records of a batch mostly repeat the same few
    (target type, association type) pairs, so each pair's definitions are looked up once per batch."""

    def __init__(self, schema: PortalSchema, object_type: ObjectType, targets: Targets) -> None:
        self.schema = schema
        self.object_type = object_type
        self.targets = targets
        self._types: dict[tuple[str, str, int], tuple[str, int, int] | None] = {}
        self._defaults: dict[str, tuple[str, int, int] | None] = {}

    def stage(self, associations: Sequence[InlineAssociation]) -> list[Staged] | ApiError:
        """Each association's rows, its target's unlabeled default type included, or the error."""
        staged: list[Staged] = []
        from_type = self.object_type.object_type_id
        for association in associations:
            found = self.targets.get(association.to.id)
            if found is None:
                return errors.invalid_associations(
                    f"One or more associations are invalid: the {association.to.id} record does not exist."
                )
            target, target_type = found
            if not association.types:
                return errors.invalid_associations("One or more associations are invalid: no association types.")
            for spec in association.types:
                definition = self._association_type(target_type, spec.association_category, spec.association_type_id)
                if definition is None:
                    return errors.invalid_associations(
                        f"One or more associations are invalid: association type {spec.association_type_id} "
                        f"({spec.association_category}) is not valid from {from_type} to {target_type}."
                    )
                staged.append((target, target_type, *definition))
            # Every association carries the pair's unlabeled default type, whatever labels it has.
            default = self._default_type(target_type)
            if default is not None:
                staged.append((target, target_type, *default))
        return staged

    def _association_type(self, target_type: str, category: str, type_id: int) -> tuple[str, int, int] | None:
        key = (target_type, category, type_id)
        if key not in self._types:
            definition = None
            if category in ASSOCIATION_CATEGORIES:
                definition = self.schema.association_type(
                    self.object_type.object_type_id, target_type, category, type_id
                )
            self._types[key] = None if definition is None else _type_of(definition)
        return self._types[key]

    def _default_type(self, target_type: str) -> tuple[str, int, int] | None:
        if target_type not in self._defaults:
            default = self.schema.default_association_type(self.object_type.object_type_id, target_type)
            self._defaults[target_type] = None if default is None else _type_of(default)
        return self._defaults[target_type]


def _type_of(definition: AssociationType) -> tuple[str, int, int]:
    return definition.category, definition.type_id, definition.inverse_type_id


def association_rows(record_id: int, object_type_id: str, staged: Sequence[Staged]) -> list[AssociationRow]:
    """Both directions of each staged association."""
    rows: list[AssociationRow] = []
    for target, target_type, category, type_id, inverse_type_id in dict.fromkeys(staged):
        rows.append((record_id, target, object_type_id, target_type, category, type_id))
        rows.append((target, record_id, target_type, object_type_id, category, inverse_type_id))
    return rows


def insert_associations(
    session: Session, portal_id: int, rows: Sequence[AssociationRow], now: int, created: Collection[int]
) -> None:
    """Stores the rows `association_rows` gave, for the records a batch just `created`."""
    AssociationQueries.of(session).insert_associations(portal_id, rows, now, new_records=created)


def report(
    events: EventSink, session: Session, portal_id: int, schema: PortalSchema, rows: Sequence[AssociationRow]
) -> None:
    """An associationChange for each side of each pair a create associated (both directions are in `rows`)."""
    by_type: dict[str, list[Change]] = {}
    for from_id, to_id, from_type, to_type in dict.fromkeys(row[:4] for row in rows):
        if events.watches(session, portal_id, from_type):
            change = association_change(schema.types[from_type], schema.types[to_type], from_id, to_id, removed=False)
            by_type.setdefault(from_type, []).append(change)
    for type_id, changes in by_type.items():
        events.record(session, portal_id, type_id, changes)


def limit_failures(
    session: Session, portal_id: int, object_type_id: str, staged: dict[int, list[Staged]]
) -> dict[int, ApiError]:
    """Inputs whose associations would break a configured association limit, by input index: the new
    record's own count per type, and each target's count under the inverse type (earlier inputs count)."""
    target_types = {target_type for rows in staged.values() for _, target_type, _, _, _ in rows}
    directions = [(object_type_id, t) for t in target_types] + [(t, object_type_id) for t in target_types]
    maximum = {
        (row.from_type, row.to_type, row.category, row.type_id): row.max_to_object_ids
        for row in AssociationSchemaQueries.of(session).association_limits(portal_id, directions)
    }
    if not maximum:
        return {}
    # Each target's count under the inverse type, its slot locked until the batch commits.
    slots = [
        (target, object_type_id, category, type_id)
        for from_type, to_type, category, type_id in maximum
        if to_type == object_type_id
        for rows in staged.values()
        for target, target_type, _, _, inverse_type_id in rows
        if target_type == from_type and inverse_type_id == type_id
    ]
    found = AssociationQueries.of(session).counts_under_limits(portal_id, slots)
    counts = {(owner, category, type_id): n for (owner, _, category, type_id), n in found.items()}
    failures: dict[int, ApiError] = {}
    for index in sorted(staged):
        own: dict[tuple[str, str, int], int] = {}
        bumps: list[tuple[int, str, int]] = []
        for target, target_type, category, type_id, inverse_type_id in dict.fromkeys(staged[index]):
            own_key = (target_type, category, type_id)
            own[own_key] = own.get(own_key, 0) + 1
            mine = maximum.get((object_type_id, target_type, category, type_id))
            if mine is not None and own[own_key] > mine:
                failures[index] = errors.association_limit_exceeded("being created", category, type_id, mine)
                break
            theirs = maximum.get((target_type, object_type_id, category, inverse_type_id))
            slot = (target, category, inverse_type_id)
            if theirs is not None:
                if counts.get(slot, 0) + 1 > theirs:
                    failures[index] = errors.association_limit_exceeded(str(target), category, inverse_type_id, theirs)
                    break
                bumps.append(slot)
        if index not in failures:
            for slot in bumps:
                counts[slot] = counts.get(slot, 0) + 1
    return failures
