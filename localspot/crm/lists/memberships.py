"""A list's members: MANUAL and SNAPSHOT lists keep theirs (added, removed, copied from another list);
a DYNAMIC list's are the records its filters match now, found by the search area, by record id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from localspot.crm.lists import errors
from localspot.crm.lists.filters import search_groups
from localspot.crm.lists.inputs import MembershipChange, RecordsBatch
from localspot.crm.lists.queries import ListQueries
from localspot.crm.lists.service import ListService
from localspot.crm.search.service import SearchFilter
from localspot.kernel.batch import BatchOutcome
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.timeutil import iso_from_ms

KEPT = ("MANUAL", "SNAPSHOT")
DEFAULT_PAGE, MAX_PAGE = 100, 250
MAX_CHANGE = 100_000


def _ids(raw: Sequence[str | int]) -> list[int]:
    """The record ids that can exist (others are reported missing by the caller)."""
    return [int(v) for v in raw if str(v).isdigit() and len(str(v)) < 19]


class MembershipService:
    def __init__(self, lists: ListService) -> None:
        self.lists = lists
        self.database = lists.database

    # --- reads ---------------------------------------------------------------------------------------

    def page(
        self, principal: Principal, raw_id: str, *, after: str | None, before: str | None, limit: int, join_order: bool
    ) -> dict[str, Any]:
        definition = self.lists.find(principal, raw_id)
        if not 1 <= limit <= MAX_PAGE:
            raise errors.invalid_list(f"limit must be from 1 to {MAX_PAGE}.")
        descending = after is None and before is not None
        cursor = _cursor(after if after is not None else before)
        list_id = int(definition["listId"])
        if definition["processingType"] == "DYNAMIC":
            stamp = definition["filtersUpdatedAt"]
            total, ids = self.lists.search.matching_ids(
                self.lists.members_principal(principal),
                definition["objectTypeId"],
                search_groups(definition["filterBranch"]),
                after_id=None if cursor is None or descending else cursor[0],
                before_id=cursor[0] if cursor is not None and descending else None,
                limit=limit + 1,
            )
            rows = [(record_id, stamp, f"{record_id}") for record_id in ids]
        else:
            with self.database.session(write=False) as session:
                queries = ListQueries.of(session)
                total = queries.member_count(principal.portal_id, list_id)
                found = queries.members(
                    principal.portal_id,
                    list_id,
                    by_join_order=join_order,
                    after=cursor,
                    descending=descending,
                    limit=limit + 1,
                )
            rows = [
                (record_id, iso_from_ms(added), f"{record_id}-{added}" if join_order else f"{record_id}")
                for record_id, added in found
            ]
        body: dict[str, Any] = {
            "results": [{"recordId": str(r), "membershipTimestamp": stamp} for r, stamp, _ in rows[:limit]],
            "total": total,
        }
        if len(rows) > limit:
            token = rows[limit - 1][2]
            body["paging"] = {"prev": {"before": token}} if descending else {"next": {"after": token}}
        return body

    def of_record(self, principal: Principal, object_type_id: str, raw_record_id: str) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        results = self._record_memberships(principal, object_type_id, raw_record_id)
        return {"results": results, "total": len(results)}

    def batch_of_records(self, principal: Principal, body: RecordsBatch) -> tuple[int, dict[str, Any]]:
        principal.require(Operation.LISTS_READ)
        outcome = BatchOutcome(self.database.clock)
        for item in body.inputs:
            raw = str(item.record_id)
            memberships = self._record_memberships(principal, item.object_type_id, raw, missing_ok=False)
            if memberships is None:
                outcome.errors.append(
                    ApiError(404, "OBJECT_NOT_FOUND", f"No record {raw[:32]} of {item.object_type_id[:40]}.")
                )
                continue
            outcome.results.append(
                {"objectTypeId": item.object_type_id, "recordId": raw, "recordListMemberships": memberships}
            )
        return outcome.response(200)

    def _record_memberships(
        self, principal: Principal, object_type_id: str, raw_record_id: str, *, missing_ok: bool = True
    ) -> Any:
        record_ids = _ids([raw_record_id])
        with self.database.session(write=False) as session:
            queries = ListQueries.of(session)
            live = queries.live_records(principal.portal_id, object_type_id, record_ids)
            if not live:
                return [] if missing_ok else None
            record_id = record_ids[0]
            kept = queries.record_memberships(principal.portal_id, record_id)
            definitions = {int(d["listId"]): d for d in queries.lists(principal.portal_id, [i for i, _ in kept])}
            dynamic = queries.dynamic_lists(principal.portal_id, object_type_id)
        found = [
            _membership(definitions[list_id], iso_from_ms(added)) for list_id, added in kept if list_id in definitions
        ]
        for definition in dynamic:
            groups = [[*group, _id_is(record_id)] for group in search_groups(definition["filterBranch"])]
            total, _ = self.lists.search.matching_ids(
                self.lists.members_principal(principal), object_type_id, groups, limit=0
            )
            if total:
                found.append(_membership(definition, definition["filtersUpdatedAt"]))
        return sorted(found, key=lambda m: int(m["listId"]))

    # --- writes --------------------------------------------------------------------------------------

    def add(self, principal: Principal, raw_id: str, raw_ids: Sequence[str | int]) -> dict[str, Any]:
        return self.change(principal, raw_id, MembershipChange(list(raw_ids), []))

    def remove(self, principal: Principal, raw_id: str, raw_ids: Sequence[str | int]) -> dict[str, Any]:
        return self.change(principal, raw_id, MembershipChange([], list(raw_ids)))

    def change(self, principal: Principal, raw_id: str, body: MembershipChange) -> dict[str, Any]:
        definition = self._kept(principal, raw_id)
        if len(body.record_ids_to_add) + len(body.record_ids_to_remove) > MAX_CHANGE:
            raise errors.invalid_list(f"At most {MAX_CHANGE} records a call.")
        list_id = int(definition["listId"])
        to_add, to_remove = _ids(body.record_ids_to_add), _ids(body.record_ids_to_remove)
        with self.database.session(write=True) as session:
            queries = ListQueries.of(session)
            live = queries.live_records(principal.portal_id, definition["objectTypeId"], [*to_add, *to_remove])
            members = queries.members_among(principal.portal_id, list_id, [*to_add, *to_remove])
            added = sorted({i for i in to_add if i in live and i not in members})
            removed = sorted({i for i in to_remove if i in live and i in members})
            queries.add_members(principal.portal_id, list_id, added, session.clock.now_ms())
            queries.remove_members(principal.portal_id, list_id, removed)
        asked = [*body.record_ids_to_add, *body.record_ids_to_remove]
        missing = sorted({str(v) for v in asked if not str(v).isdigit() or int(str(v)) not in live})
        return {
            "recordsIdsAdded": [str(i) for i in added],
            "recordIdsRemoved": [str(i) for i in removed],
            "recordIdsMissing": missing,
        }

    def add_from(self, principal: Principal, raw_id: str, raw_source: str) -> None:
        definition = self._kept(principal, raw_id)
        source = self.lists.find(principal, raw_source)
        if source["listId"] == definition["listId"]:
            raise errors.invalid_list("A list cannot take its members from itself.")
        if source["objectTypeId"] != definition["objectTypeId"]:
            raise errors.invalid_list("Both lists must hold the same object type.")
        if source["processingType"] == "DYNAMIC":
            _, ids = self.lists.search.matching_ids(
                self.lists.members_principal(principal),
                source["objectTypeId"],
                search_groups(source["filterBranch"]),
                limit=MAX_CHANGE,
            )
        else:
            with self.database.session(write=False) as session:
                ids = ListQueries.of(session).all_members(principal.portal_id, int(source["listId"]))
        if len(ids) >= MAX_CHANGE:
            raise errors.invalid_list(f"The source list must have fewer than {MAX_CHANGE} members.")
        with self.database.session(write=True) as session:
            ListQueries.of(session).add_members(
                principal.portal_id, int(definition["listId"]), ids, session.clock.now_ms()
            )

    def clear(self, principal: Principal, raw_id: str) -> None:
        definition = self._kept(principal, raw_id)
        with self.database.session(write=True) as session:
            ListQueries.of(session).remove_members(principal.portal_id, int(definition["listId"]))

    def _kept(self, principal: Principal, raw_id: str) -> dict[str, Any]:
        definition = self.lists.find(principal, raw_id, write=True)
        if definition["processingType"] not in KEPT:
            raise errors.not_for_processing_type(definition["listId"], definition["processingType"], KEPT)
        return definition


def _membership(definition: dict[str, Any], added: str) -> dict[str, Any]:
    return {
        "listId": definition["listId"],
        "listVersion": definition["listVersion"],
        "isPublicList": True,
        "firstAddedTimestamp": added,
        "lastAddedTimestamp": added,
    }


def _id_is(record_id: int) -> SearchFilter:
    return SearchFilter("hs_object_id", "EQ", value=str(record_id))


def _cursor(token: str | None) -> tuple[int, int] | None:
    """A paging token: `recordId` (by id) or `recordId-addedAt` (join order); anything else starts over."""
    if not token:
        return None
    record, _, added = token.partition("-")
    if not record.isdigit() or len(record) > 18 or (added and (not added.isdigit() or len(added) > 18)):
        raise errors.invalid_list("after and before take the paging token of a previous page.")
    return int(record), int(added or 0)
