"""A DYNAMIC list's scheduled conversion to a static one (`/{listId}/schedule-conversion`), and its size and
edits history. A conversion is due on a date (`CONVERSION_DATE`, midnight UTC) or after a span of inactivity
(`INACTIVITY`), both on the shared clock; a due conversion happens at the list's first use after its time: its
members as they are then become the members of a MANUAL list."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any, Protocol

import msgspec

from localspot.crm.lists import errors
from localspot.crm.lists.filters import search_groups
from localspot.crm.lists.queries import ListQueries
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms, parse_instant_ms

CONVERSION = "_conversion"
DAY_MS = 86_400_000
UNIT_MS = {"DAY": DAY_MS, "WEEK": 7 * DAY_MS, "MONTH": 30 * DAY_MS}
MAX_OFFSET = 10_000


class ListService(Protocol):
    """What conversions need of the list service (which calls `convert_if_due` itself)."""

    database: Database

    def matching_members(self, principal: Principal, definition: dict[str, Any], groups: list[Any]) -> list[int]: ...

    def find(self, principal: Principal, raw_id: str, *, write: bool = False) -> dict[str, Any]: ...

    def size(self, principal: Principal, definition: dict[str, Any]) -> int: ...


class ConversionTime(msgspec.Struct, rename="camel"):
    conversion_type: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    time_unit: str | None = None
    offset: int | None = None


class ListConversions:
    def __init__(self, lists: ListService) -> None:
        self.lists = lists

    def get(self, principal: Principal, raw_id: str) -> dict[str, Any]:
        return _response(self.lists.find(principal, raw_id))

    def put(self, principal: Principal, raw_id: str, body: ConversionTime) -> dict[str, Any]:
        definition = self.lists.find(principal, raw_id, write=True)
        if definition["processingType"] != "DYNAMIC":
            raise errors.not_for_processing_type(definition["listId"], definition["processingType"], ("DYNAMIC",))
        with self.lists.database.session(write=True) as session:
            now = session.clock.now_ms()
            requested, due = _checked(body, now, _last_activity(definition))
            definition[CONVERSION] = {"requestedConversionTime": requested, "dueAt": due}
            definition["updatedAt"] = iso_from_ms(now)
            ListQueries.of(session).save_list(principal.portal_id, definition)
        return _response(definition)

    def delete(self, principal: Principal, raw_id: str) -> None:
        definition = self.lists.find(principal, raw_id, write=True)
        scheduled = definition.get(CONVERSION)
        if scheduled is None or "convertedAt" in scheduled:
            raise errors.no_conversion(definition["listId"])
        with self.lists.database.session(write=True) as session:
            del definition[CONVERSION]
            ListQueries.of(session).save_list(principal.portal_id, definition)

    def history(self, principal: Principal, raw_id: str, start: str | None, end: str | None) -> dict[str, Any]:
        """The list's size and its filter edits between two instants. localspot keeps no past sizes: the size
        history holds the current size, stamped now, when now falls in the span (docs/decisions.md, "Lists")."""
        definition = self.lists.find(principal, raw_id)
        start_ms, end_ms = _instant("startDate", start), _instant("endDate", end)
        if start_ms > end_ms:
            raise errors.invalid_list("startDate must not be after endDate.")
        now = self.lists.database.clock.now_ms()
        sizes = [{"size": self.lists.size(principal, definition), "timestamp": iso_from_ms(now)}]
        edited = parse_instant_ms(definition["filtersUpdatedAt"]) or 0
        return {
            "sizeHistory": sizes if start_ms <= now <= end_ms else [],
            "editHistory": [definition["filtersUpdatedAt"]] if start_ms <= edited <= end_ms else [],
        }


def convert_if_due(lists: ListService, principal: Principal, definition: dict[str, Any]) -> dict[str, Any]:
    """The list, converted first if its conversion has come due."""
    scheduled = definition.get(CONVERSION)
    if scheduled is None or "convertedAt" in scheduled or definition["processingType"] != "DYNAMIC":
        return definition
    if lists.database.clock.now_ms() < scheduled["dueAt"]:
        return definition
    members = lists.matching_members(principal, definition, search_groups(definition["filterBranch"]))
    with lists.database.session(write=True) as session:
        queries = ListQueries.of(session)
        current = queries.lists(principal.portal_id, [int(definition["listId"])])
        if not current or current[0]["processingType"] != "DYNAMIC":
            return current[0] if current else definition  # another request converted it first
        now = session.clock.now_ms()
        queries.add_members(principal.portal_id, int(definition["listId"]), members, now)
        definition[CONVERSION] = {**scheduled, "convertedAt": iso_from_ms(now)}
        definition.update(
            processingType="MANUAL", listVersion=definition["listVersion"] + 1, updatedAt=iso_from_ms(now)
        )
        queries.save_list(principal.portal_id, definition)
    return definition


def _checked(body: ConversionTime, now: int, last_activity: int) -> tuple[dict[str, Any], int]:
    if body.conversion_type == "CONVERSION_DATE":
        if body.year is None or body.month is None or body.day is None:
            raise errors.invalid_list("A CONVERSION_DATE conversion needs year, month and day.")
        if not (1 <= body.month <= 12 and 1970 <= body.year <= 9999):
            raise errors.invalid_list("month must be 1 to 12 and year 1970 to 9999.")
        if not 1 <= body.day <= calendar.monthrange(body.year, body.month)[1]:
            raise errors.invalid_list(f"{body.year}-{body.month:02d} has no day {body.day}.")
        due = int(datetime(body.year, body.month, body.day, tzinfo=UTC).timestamp() * 1000)
        if due <= now:
            raise errors.invalid_list("The conversion date must be in the future.")
        return {"conversionType": "CONVERSION_DATE", "year": body.year, "month": body.month, "day": body.day}, due
    if body.conversion_type == "INACTIVITY":
        if body.time_unit not in UNIT_MS:
            raise errors.invalid_list("An INACTIVITY conversion needs a timeUnit of DAY, WEEK or MONTH.")
        if body.offset is None or not 1 <= body.offset <= MAX_OFFSET:
            raise errors.invalid_list(f"An INACTIVITY conversion needs an offset from 1 to {MAX_OFFSET}.")
        requested = {"conversionType": "INACTIVITY", "timeUnit": body.time_unit, "offset": body.offset}
        return requested, max(last_activity, now) + body.offset * UNIT_MS[body.time_unit]
    raise errors.invalid_list("conversionType must be CONVERSION_DATE or INACTIVITY.")


def _last_activity(definition: dict[str, Any]) -> int:
    # A DYNAMIC list's members change with its records, which localspot does not date per list: inactivity is
    # counted from the list's last filter change (docs/decisions.md, "Lists").
    return parse_instant_ms(definition["filtersUpdatedAt"]) or 0


def _instant(name: str, raw: str | None) -> int:
    if not raw:
        raise errors.invalid_list(f"{name} is required (an ISO-8601 instant).")
    parsed = parse_instant_ms(raw)
    if parsed is None:
        raise errors.invalid_list(f"{name} must be an ISO-8601 instant, got {raw[:40]!r}.")
    return parsed


def _response(definition: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"listId": definition["listId"]}
    scheduled = definition.get(CONVERSION)
    if scheduled is not None:
        body["requestedConversionTime"] = scheduled["requestedConversionTime"]
        if "convertedAt" in scheduled:
            body["convertedAt"] = scheduled["convertedAt"]
    return body
