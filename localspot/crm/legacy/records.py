"""Records through the legacy paths: pages in id order behind an `offset`, and recently modified records
newest first, each read with its values' histories and associations through the objects area, and put in
the legacy shape of its type by `legacy.objects`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localspot.crm.legacy.shapes import ms
from localspot.crm.objects.reads import MAX_PAGE_SIZE, ReadOptions, RecordReads
from localspot.crm.properties.service import PropertyService
from localspot.crm.search.service import SearchFilter, SearchFilterGroup, SearchRequest, SearchService, SortRule
from localspot.kernel.portals.principal import Principal

# Each type's last-modified property, the recent endpoints' order.
MODIFIED = {"contacts": "lastmodifieddate"}
DEFAULT_MODIFIED = "hs_lastmodifieddate"
# How many records the recent endpoints reach at most (HubSpot: the 10,000 most recent).
MAX_RECENT = 10_000
# How many records a recent page reads beyond its size, to order ties of one timestamp by id.
_TIE_MARGIN = 100
ASSOCIATED_TYPES = ("contacts", "companies", "deals", "tickets")


@dataclass(frozen=True)
class Wanted:
    """What to read of each record: property names (None: every property of the type), the names whose
    every version is wanted, and whether associations are."""

    properties: Sequence[str] | None
    history: frozenset[str] = frozenset()
    associations: bool = False


@dataclass
class Page:
    records: list[dict[str, Any]]
    types: dict[str, str]
    has_more: bool
    total: int = 0


class LegacyRecords:
    def __init__(self, reads: RecordReads, properties: PropertyService, search: SearchService) -> None:
        self.reads = reads
        self.properties = properties
        self.search = search

    def property_types(self, principal: Principal, type_name: str) -> dict[str, str]:
        return {p["name"]: p["type"] for p in self.properties.list(principal, type_name)["results"]}

    def _options(self, types: dict[str, str], wanted: Wanted) -> ReadOptions:
        names = list(types) if wanted.properties is None else [n for n in wanted.properties if n in types]
        # Every read value comes with its history: the legacy shape gives each value's timestamp and source.
        return ReadOptions(
            properties=names or ["hs_object_id"],
            history=names or None,
            associations=list(ASSOCIATED_TYPES) if wanted.associations else None,
        )

    def page(self, principal: Principal, type_name: str, wanted: Wanted, *, limit: int, offset: int | None) -> Page:
        """Up to `limit` records with ids above `offset`, in id order."""
        types = self.property_types(principal, type_name)
        options = self._options(types, wanted)
        found: list[dict[str, Any]] = []
        after = None if offset is None else str(offset + 1)
        has_more = False
        while len(found) < limit:
            body = self.reads.list(
                principal, type_name, options, limit=min(MAX_PAGE_SIZE, limit - len(found)), after=after
            )
            found.extend(_only(body["results"], wanted))
            has_more = "paging" in body
            if not has_more:
                break
            after = body["paging"]["next"]["after"]
        return Page(found, types, has_more)

    def one(self, principal: Principal, type_name: str, record_id: str, wanted: Wanted) -> Page:
        types = self.property_types(principal, type_name)
        record = self.reads.get(principal, type_name, record_id, self._options(types, wanted))
        return Page(_only([record], wanted), types, False)

    def recent(
        self,
        principal: Principal,
        type_name: str,
        wanted: Wanted,
        *,
        count: int,
        offset: int,
        since: int | None,
    ) -> Page:
        """The records modified at or after `since`, newest first, from the `offset`th on."""
        modified = MODIFIED.get(type_name, DEFAULT_MODIFIED)
        filters = [SearchFilter(modified, "GTE", str(since))] if since is not None else []
        total, ids = self._ids_by_modified(principal, type_name, filters, modified, count=count, offset=offset)
        return self._read_ids(principal, type_name, wanted, ids, has_more=offset + len(ids) < total, total=total)

    def before(
        self,
        principal: Principal,
        type_name: str,
        wanted: Wanted,
        *,
        count: int,
        time_offset: int | None,
        id_offset: int | None,
    ) -> Page:
        """The records modified before (`time_offset`, `id_offset`), newest first (ties: the higher id
        first): contacts v1's recently updated pages."""
        modified = MODIFIED.get(type_name, DEFAULT_MODIFIED)
        filters = [SearchFilter(modified, "LTE", str(time_offset))] if time_offset is not None else []
        total, ids = self._ids_by_modified(principal, type_name, filters, modified, count=count + _TIE_MARGIN, offset=0)
        page = self._read_ids(principal, type_name, wanted, ids)
        keyed = sorted(((ms(r["updatedAt"]) or 0, int(r["id"]), r) for r in page.records), key=lambda k: (-k[0], -k[1]))
        if time_offset is not None and id_offset is not None:
            keyed = [k for k in keyed if (k[0], k[1]) < (time_offset, id_offset)]
        page.records = [r for _, _, r in keyed[:count]]
        page.has_more = len(keyed) > count or len(ids) < total
        return page

    def modified_after(self, principal: Principal, type_name: str, wanted: Wanted, *, count: int, since: int) -> Page:
        """Up to `count` records modified at or after `since`, oldest first (ties: the lower id first)."""
        modified = MODIFIED.get(type_name, DEFAULT_MODIFIED)
        filters = [SearchFilter(modified, "GTE", str(since))]
        total, ids = self._ids_by_modified(
            principal, type_name, filters, modified, count=count, offset=0, descending=False
        )
        page = self._read_ids(principal, type_name, wanted, ids, has_more=len(ids) < total, total=total)
        page.records.sort(key=lambda r: (ms(r["updatedAt"]) or 0, int(r["id"])))
        return page

    # --- helpers ---------------------------------------------------------------------------------------

    def _ids_by_modified(
        self,
        principal: Principal,
        type_name: str,
        filters: list[SearchFilter],
        modified: str,
        *,
        count: int,
        offset: int,
        descending: bool = True,
    ) -> tuple[int, list[str]]:
        """(how many records match, the ids of up to `count` of them from the `offset`th on, in modified
        order)."""
        ids: list[str] = []
        total = 0
        position = offset
        while len(ids) < count and position < MAX_RECENT:
            size = min(200, count - len(ids), MAX_RECENT - position)
            request = SearchRequest(
                filter_groups=[SearchFilterGroup(filters)] if filters else None,
                sorts=[SortRule(modified, "DESCENDING" if descending else "ASCENDING")],
                properties=["hs_object_id"],
                limit=size,
                after=str(position) if position else None,
            )
            body = self.search.search(principal, type_name, request)
            total = min(body["total"], MAX_RECENT)
            ids.extend(r["id"] for r in body["results"])
            if "paging" not in body or not body["results"]:
                break
            position += len(body["results"])
        return total, ids

    def _read_ids(
        self,
        principal: Principal,
        type_name: str,
        wanted: Wanted,
        ids: Sequence[str],
        *,
        has_more: bool = False,
        total: int = 0,
    ) -> Page:
        types = self.property_types(principal, type_name)
        options = self._options(types, wanted)
        records = _only([self.reads.get(principal, type_name, record_id, options) for record_id in ids], wanted)
        return Page(records, types, has_more, total)


def _only(records: list[dict[str, Any]], wanted: Wanted) -> list[dict[str, Any]]:
    """The records with only the wanted properties (the modern read adds the type's system trio)."""
    if wanted.properties is not None:
        names = set(wanted.properties)
        for record in records:
            record["properties"] = {k: v for k, v in record["properties"].items() if k in names}
    return records
