"""Deal splits as CRM objects of type `deal_split` (docs/decisions.md, "Deal splits"): `GET
/crm/v3/objects/deal_split` pages every split of the portal by id, and `POST …/deal_split/search` filters
them on their properties with the search's request and rules (filters ANDed in a group, groups ORed, an
unknown property matches nothing, one sort rule). A portal holds few splits: they are filtered in memory."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from localspot.crm.deal_splits.queries import SplitQueries, SplitRow
from localspot.crm.objects.reads import parse_cursor
from localspot.crm.search.service import SearchFilter, SearchRequest, SortRule, check_filters
from localspot.kernel import errors
from localspot.kernel.numbers import finite_decimal
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms, parse_instant_ms

LIST_DEFAULT, LIST_MAX = 10, 100
SEARCH_DEFAULT, SEARCH_MAX, SEARCH_RESULTS = 10, 200, 10_000

Split = tuple[int, SplitRow]  # (deal id, split)
# Each property's comparable value (dates in epoch ms), and how a filter's value converts to it.
_NUMBERS: dict[str, Callable[[Split], Decimal]] = {
    "hs_object_id": lambda s: Decimal(s[1].id),
    "hs_deal_id": lambda s: Decimal(s[0]),
    "hubspot_owner_id": lambda s: Decimal(s[1].owner_id),
    "hs_deal_split_percentage": lambda s: Decimal(s[1].percentage),
    "hs_createdate": lambda s: Decimal(s[1].created_at),
    "hs_lastmodifieddate": lambda s: Decimal(s[1].updated_at),
}
_DATES = frozenset({"hs_createdate", "hs_lastmodifieddate"})


def render_object(split: Split) -> dict[str, Any]:
    deal_id, row = split
    created, updated = iso_from_ms(row.created_at), iso_from_ms(row.updated_at)
    return {
        "id": str(row.id),
        "properties": {
            "hs_createdate": created,
            "hs_deal_id": str(deal_id),
            "hs_deal_split_percentage": row.percentage,
            "hs_lastmodifieddate": updated,
            "hs_object_id": str(row.id),
            "hubspot_owner_id": str(row.owner_id),
        },
        "createdAt": created,
        "updatedAt": updated,
        "archived": False,
    }


class DealSplitObjects:
    def __init__(self, database: Database) -> None:
        self.database = database

    def _all(self, principal: Principal) -> list[Split]:
        principal.require(Operation.DEAL_SPLITS)
        with self.database.session(write=False) as session:
            return SplitQueries.of(session).every_split(principal.portal_id)

    def page(self, principal: Principal, *, after: str | None, limit: int, archived: bool) -> dict[str, Any]:
        """Splits by id from `after` (the id a page starts at), `limit` of them; none archived (a split is
        replaced, never archived)."""
        start = parse_cursor(after)
        found = [s for s in self._all(principal) if s[1].id >= start and not archived]
        body: dict[str, Any] = {"results": [render_object(s) for s in found[:limit]]}
        if len(found) > limit:
            body["paging"] = {"next": {"after": str(found[limit][1].id), "link": ""}}
        return body

    def search(self, principal: Principal, request: SearchRequest) -> dict[str, Any]:
        groups = [group.filters or [] for group in request.filter_groups or ()]
        if request.filters:
            groups.append(request.filters)
        check_filters(groups)
        limit = SEARCH_DEFAULT if request.limit is None else request.limit
        if not 1 <= limit <= SEARCH_MAX:
            raise errors.search_bad_limit(limit, SEARCH_MAX)
        offset = _offset(request.after)
        if offset + limit > SEARCH_RESULTS:
            raise errors.search_too_many_results(SEARCH_RESULTS)
        found = [s for s in self._all(principal) if not groups or any(_matches(s, g) for g in groups)]
        _sort(found, request.sorts)
        page = found[offset : offset + limit]
        body: dict[str, Any] = {"total": len(found), "results": [render_object(s) for s in page]}
        if offset + limit < len(found):
            body["paging"] = {"next": {"after": str(offset + limit)}}
        return body


def _offset(after: str | int | None) -> int:
    if after is None or after == "":
        return 0
    text = str(after).strip()
    if not text.isdigit():
        raise errors.search_bad_after(str(after))
    return int(text)


def _number(name: str, value: Any) -> Decimal:
    """A filter's value in the property's comparable form; a value that is none is HubSpot's 400."""
    text = str(value).strip()
    if name in _DATES:
        ms = parse_instant_ms(text)
        if ms is not None:
            return Decimal(ms)
        raise errors.search_bad_value(name, text, "a datetime (epoch milliseconds or ISO 8601)")
    number = finite_decimal(text)
    if number is None:
        raise errors.search_bad_value(name, text, "a number")
    return Decimal(number)


def _matches(split: Split, filters: list[SearchFilter]) -> bool:
    return all(_holds(split, item) for item in filters)


def _holds(split: Split, item: SearchFilter) -> bool:
    read = _NUMBERS.get(item.property_name)
    operator = item.operator
    if read is None:  # an unknown property: the filter matches nothing, as in the search
        return operator in ("NEQ", "NOT_IN", "NOT_HAS_PROPERTY", "NOT_CONTAINS_TOKEN")
    own = read(split)
    name = item.property_name
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return operator == "HAS_PROPERTY"  # every split has each of its properties
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        return operator == "NOT_CONTAINS_TOKEN"  # no text to hold a token
    if operator in ("IN", "NOT_IN"):
        inside = own in {_number(name, v) for v in item.values or ()}
        return inside == (operator == "IN")
    if operator == "BETWEEN":
        return _number(name, item.value) <= own <= _number(name, item.high_value)
    other = _number(name, item.value)
    return {
        "EQ": own == other,
        "NEQ": own != other,
        "LT": own < other,
        "LTE": own <= other,
        "GT": own > other,
        "GTE": own >= other,
    }[operator]


def _sort(found: list[Split], sorts: list[str | SortRule] | None) -> None:
    """By id, then by the first sort rule on a known property (the search's one rule)."""
    found.sort(key=lambda s: s[1].id)
    if not sorts:
        return
    first = sorts[0]
    rule = SortRule(first) if isinstance(first, str) else first
    if rule.direction not in ("ASCENDING", "DESCENDING"):
        raise errors.search_bad_sort_direction(rule.direction)
    read = _NUMBERS.get(rule.property_name)
    if read is not None:
        found.sort(key=read, reverse=rule.direction == "DESCENDING")
