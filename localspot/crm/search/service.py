"""`POST /crm/v3/objects/{type}/search`: HubSpot's PublicObjectSearchRequest checked, turned into store
conditions (values converted to the stored form of each property's type), run, and rendered.

Decisions (docs/search.md): filters ANDed in a group, groups ORed; NEQ, NOT_IN, NOT_HAS_PROPERTY and
NOT_CONTAINS_TOKEN also match records without a value; a filter or sort on an unknown property matches
nothing / is ignored; one sort rule (the first); `query` matches records where every word of the query is
the start of a word of one of the type's searchable properties.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from localspot.crm.objects.rendering import render_record
from localspot.crm.objects.service import RecordService
from localspot.crm.objects.values import as_text
from localspot.crm.search.conditions import (
    Associated,
    Compare,
    Condition,
    ContainsToken,
    FullText,
    HasValue,
    Not,
    Nothing,
    OneOf,
    Sort,
    contains_token,
    starts_words,
    tokens_of,
)
from localspot.crm.search.queries.counts import SearchCounts
from localspot.crm.search.queries.search import SearchQueries
from localspot.kernel import errors
from localspot.kernel.numbers import finite_decimal
from localspot.kernel.portals.principal import Principal
from localspot.kernel.schema import Catalog, ObjectType, PortalSchema
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.records import RecordRow
from localspot.kernel.storage.search_index import COLUMN, EXACT, MULTI, NUMBER, TEXT, Target, keyed_targets, target_for
from localspot.kernel.timeutil import iso_from_ms, parse_date, parse_instant_ms

T = TypeVar("T")
MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_QUERY_LENGTH = 3000
MAX_LIMIT = 200
DEFAULT_LIMIT = 10
MAX_RESULTS = 10_000
ASSOCIATIONS_PREFIX = "associations."

Scalar = str | int | float | bool


class SearchFilter(msgspec.Struct, rename="camel"):
    property_name: str
    operator: str
    value: Scalar | None = None
    high_value: Scalar | None = None
    values: list[Scalar] | None = None


class SearchFilterGroup(msgspec.Struct):
    filters: list[SearchFilter] | None = None


class SortRule(msgspec.Struct, rename="camel"):
    property_name: str
    direction: str = "ASCENDING"


class SearchRequest(msgspec.Struct, rename="camel"):
    filter_groups: list[SearchFilterGroup] | None = None
    # The older request's one group of filters (Airbyte's source still sends it): one more group.
    filters: list[SearchFilter] | None = None
    sorts: list[str | SortRule] | None = None
    query: str | None = None
    properties: list[str] | None = None
    limit: int | None = None
    after: str | int | None = None


_COMPARISONS = {"EQ": "=", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
_WITH_VALUE = frozenset({*_COMPARISONS, "NEQ", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"})
_WITH_VALUES = frozenset({"IN", "NOT_IN"})
OPERATORS = frozenset({*_WITH_VALUE, *_WITH_VALUES, "BETWEEN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"})


class SearchService:
    def __init__(self, database: Database, records: RecordService, catalog: Catalog) -> None:
        self.database = database
        self.records = records
        # What SQLite's lazy search keys hold for each catalogue type with search indexes.
        self.keyed = {t.object_type_id: keyed_targets(t) for t in catalog.object_types if t.search_indexes}
        self.counts = SearchCounts()
        # Search's word splitting, which SQLite has no SQL for (PostgreSQL does it in SQL).
        database.add_function("localspot_contains_token", 2, contains_token)
        database.add_function("localspot_starts_words", 2, starts_words)

    def search(self, principal: Principal, type_name: str, request: SearchRequest) -> dict[str, Any]:
        limit, offset = _paging(request)
        groups = _checked_groups(request)
        if request.query is not None and len(request.query) > MAX_QUERY_LENGTH:
            raise errors.search_query_too_long(MAX_QUERY_LENGTH)
        object_type, total, rows = self._caught_up(
            lambda session: self._run(session, principal, type_name, request, groups, offset, limit)
        )
        properties = request.properties or list(object_type.default_properties)
        body: dict[str, Any] = {
            "total": total,
            "results": [render_record(object_type, row, properties=properties) for row in rows],
        }
        if offset + limit < total:
            body["paging"] = {"next": {"after": str(offset + limit)}}
        return body

    # --- for other areas (lists): HubSpot's search limits do not apply ------------------------------

    def matching_ids(
        self,
        principal: Principal,
        type_name: str,
        groups: list[list[SearchFilter]],
        *,
        after_id: int | None = None,
        before_id: int | None = None,
        limit: int,
    ) -> tuple[int, list[int]]:
        """(how many records match, the ids of up to `limit` of them in id order: ascending after
        `after_id`, or descending before `before_id`). `groups` are ORed, the filters of a group ANDed; no
        group matches nothing."""
        if not groups:
            return 0, []
        check_filters(groups)
        return self._caught_up(
            lambda session: self._matching(session, principal, type_name, groups, after_id, before_id, limit)
        )

    def _caught_up(self, work: Callable[[Session], T]) -> T:
        """`work` in a read that sees every write that returned before it began. Writes reach SQLite's
        search indexes lazily (cheaper writes): when they are behind, a write session brings them up to
        date and `work` runs in that same transaction, so the keys and the records it reads agree."""
        with self.database.session(write=False) as session:
            if not SearchQueries.of(session).search_behind():
                return work(session)
        with self.database.session(write=True, catch_up=True) as session:
            SearchQueries.of(session).catch_up_search(self.keyed, counts=self.counts)
            return work(session)

    def _matching(
        self,
        session: Session,
        principal: Principal,
        type_name: str,
        groups: list[list[SearchFilter]],
        after_id: int | None,
        before_id: int | None,
        limit: int,
    ) -> tuple[int, list[int]]:
        schema, object_type = self.records.open_type(session, principal, type_name, write=False)
        conditions = [_flatten([_condition(schema, object_type, f) for f in group]) for group in groups]
        queries = SearchQueries.of(session)
        keyed = self.keyed.get(object_type.object_type_id, ())
        total, _ = queries.search_records(
            principal.portal_id,
            object_type.object_type_id,
            conditions,
            None,
            offset=0,
            limit=0,
            keyed=keyed,
            counts=self.counts,
        )
        id_target = Target("id", COLUMN)
        if before_id is not None:
            bound: list[Condition] = [Compare(id_target, "<", before_id)]
        else:
            bound = [Compare(id_target, ">", after_id)] if after_id is not None else []
        _, rows = queries.search_records(
            principal.portal_id,
            object_type.object_type_id,
            [[*group, *bound] for group in conditions],
            Sort(id_target, descending=before_id is not None),
            offset=0,
            limit=limit,
            keyed=keyed,
            counts=self.counts,
        )
        return total, [row.id for row in rows]

    def _run(
        self,
        session: Session,
        principal: Principal,
        type_name: str,
        request: SearchRequest,
        groups: list[list[SearchFilter]],
        offset: int,
        limit: int,
    ) -> tuple[ObjectType, int, list[RecordRow]]:
        schema, object_type = self.records.open_type(session, principal, type_name, write=False)
        conditions = [[_condition(schema, object_type, f) for f in group] for group in groups]
        conditions = _with_query(object_type, conditions, request.query)
        total, rows = SearchQueries.of(session).search_records(
            principal.portal_id,
            object_type.object_type_id,
            conditions,
            _sort(object_type, request.sorts),
            offset=offset,
            limit=limit,
            keyed=self.keyed.get(object_type.object_type_id, ()),
            counts=self.counts,
        )
        return object_type, total, rows


def _paging(request: SearchRequest) -> tuple[int, int]:
    limit = DEFAULT_LIMIT if request.limit is None else request.limit
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.search_bad_limit(limit, MAX_LIMIT)
    after = request.after
    if after is None or after == "":
        offset = 0
    else:
        text = str(after).strip()
        if not text.isdigit():
            raise errors.search_bad_after(str(after))
        offset = int(text)
    if offset + limit > MAX_RESULTS:
        raise errors.search_too_many_results(MAX_RESULTS)
    return limit, offset


def _checked_groups(request: SearchRequest) -> list[list[SearchFilter]]:
    groups = [group.filters or [] for group in request.filter_groups or ()]
    if request.filters:
        groups.append(request.filters)
    if len(groups) > MAX_FILTER_GROUPS:
        raise errors.search_too_many_groups(len(groups), MAX_FILTER_GROUPS)
    for filters in groups:
        if len(filters) > MAX_FILTERS_PER_GROUP:
            raise errors.search_too_many_filters_in_group(len(filters), MAX_FILTERS_PER_GROUP)
    count = sum(len(filters) for filters in groups)
    if count > MAX_FILTERS:
        raise errors.search_too_many_filters(count, MAX_FILTERS)
    check_filters(groups)
    return groups


def check_filters(groups: list[list[SearchFilter]]) -> None:
    """Each filter's operator and the values it needs, with the search's errors."""
    for filters in groups:
        for item in filters:
            operator = item.operator
            if operator not in OPERATORS:
                raise errors.search_unknown_operator(operator, sorted(OPERATORS))
            if operator in _WITH_VALUE and item.value is None:
                raise errors.search_missing_field(operator, "value")
            if operator == "BETWEEN" and (item.value is None or item.high_value is None):
                raise errors.search_missing_field(operator, "value" if item.value is None else "highValue")
            if operator in _WITH_VALUES and item.values is None:
                raise errors.search_missing_field(operator, "values")


def _condition(schema: PortalSchema, object_type: ObjectType, item: SearchFilter) -> Condition | list[Condition]:
    name = item.property_name
    if name.startswith(ASSOCIATIONS_PREFIX):
        return _association_condition(schema, name.removeprefix(ASSOCIATIONS_PREFIX), item)
    target = target_for(object_type, name)
    if target is None:
        return Nothing()
    operator = item.operator
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        present = HasValue(_as_text_target(target))
        return present if operator == "HAS_PROPERTY" else Not(present)
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        if target.kind == COLUMN:
            return Nothing() if operator == "CONTAINS_TOKEN" else Not(Nothing())
        contains = ContainsToken(_as_text_target(target), as_text(item.value).lower())
        return contains if operator == "CONTAINS_TOKEN" else Not(contains)
    convert = _converter(object_type, name, target)
    if operator in ("IN", "NOT_IN"):
        one_of = OneOf(target, tuple(convert(v) for v in item.values or ()))
        return one_of if operator == "IN" else Not(one_of)
    if operator == "BETWEEN":
        return [Compare(target, ">=", convert(item.value)), Compare(target, "<=", convert(item.high_value))]
    if operator == "NEQ":
        return Not(Compare(target, "=", convert(item.value)))
    return Compare(target, _COMPARISONS[operator], convert(item.value))


def _as_text_target(target: Target) -> Target:
    """Presence and token tests read the stored text, whatever the type compares as."""
    return target if target.kind == COLUMN else Target(target.name, EXACT)


def _association_condition(schema: PortalSchema, type_name: str, item: SearchFilter) -> Condition:
    other = schema.find(type_name)
    if other is None:
        return Nothing()
    operator = item.operator
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        linked = Associated(other.object_type_id, None)
        return linked if operator == "HAS_PROPERTY" else Not(linked)
    if operator not in ("EQ", "NEQ", "IN", "NOT_IN"):
        return Nothing()
    raw = [item.value] if operator in ("EQ", "NEQ") else list(item.values or ())
    ids = tuple(int(text) for v in raw if (text := as_text(v).strip()).isdigit() and len(text) < 19)
    linked = Associated(other.object_type_id, ids)
    return linked if operator in ("EQ", "IN") else Not(linked)


def _converter(object_type: ObjectType, name: str, target: Target) -> Any:
    """The function from a filter value to the stored form the target compares against."""
    prop = object_type.properties.get(name)
    kind = target.kind

    def convert(raw: Any) -> Any:
        text = as_text(raw).strip()
        if kind == COLUMN:
            if target.name == "id":
                if text.isdigit() and len(text) < 19:
                    return int(text)
                raise errors.search_bad_value(name, as_text(raw), "an object id")
            ms = parse_instant_ms(text)
            if ms is None:
                raise errors.search_bad_value(name, as_text(raw), "a datetime (epoch milliseconds or ISO 8601)")
            return ms
        if kind == NUMBER:
            number = finite_decimal(text)
            if number is None:
                raise errors.search_bad_value(name, as_text(raw), "a number")
            return float(number)
        if kind == TEXT:
            return as_text(raw).lower()
        if kind == MULTI or prop is None:
            return as_text(raw)
        if prop.type == "datetime":
            ms = parse_instant_ms(text)
            if ms is None:
                raise errors.search_bad_value(name, as_text(raw), "a datetime (epoch milliseconds or ISO 8601)")
            return iso_from_ms(ms)
        if prop.type == "date":
            day = parse_date(text)
            if day is None:
                raise errors.search_bad_value(name, as_text(raw), "a date (epoch milliseconds or ISO 8601)")
            return day
        if prop.type == "bool":
            return text.lower()
        return as_text(raw)  # enumerations: case-sensitive

    return convert


def _flatten(group: list[Condition | list[Condition]]) -> list[Condition]:
    flat: list[Condition] = []
    for item in group:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def _with_query(
    object_type: ObjectType, groups: list[list[Condition | list[Condition]]], query: str | None
) -> list[list[Condition]]:
    """Each group's conditions, with the `query` ANDed to every group (to the whole search)."""
    flat = [_flatten(group) for group in groups]
    tokens = tuple(tokens_of(query or ""))
    if not tokens:
        return flat
    names = tuple(n for n in object_type.searchable_properties if target_for(object_type, n) is not None)
    full_text = FullText(names, tokens, indexed=not object_type.custom)
    return [[*group, full_text] for group in flat] if flat else [[full_text]]


def _sort(object_type: ObjectType, sorts: list[str | SortRule] | None) -> Sort | None:
    """The first rule (HubSpot applies one); an unknown property sorts nothing (creation order)."""
    if not sorts:
        return None
    rule = sorts[0]
    if isinstance(rule, str):
        name, descending = (rule[1:], True) if rule.startswith("-") else (rule, False)
    else:
        if rule.direction not in ("ASCENDING", "DESCENDING"):
            raise errors.search_bad_sort_direction(rule.direction)
        name, descending = rule.property_name, rule.direction == "DESCENDING"
    target = target_for(object_type, name)
    return Sort(target, descending) if target is not None else None
