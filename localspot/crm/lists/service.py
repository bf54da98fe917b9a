"""Lists: create, read (by id, by ids, by name), search, rename, change filters, delete and restore. The
members are `memberships.py`'s."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from localspot.crm.lists import conversion, errors
from localspot.crm.lists.filters import normalised, search_groups
from localspot.crm.lists.inputs import ListCreate, ListSearch
from localspot.crm.lists.queries import FolderQueries, ListQueries
from localspot.crm.search.service import SearchService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database, UniqueViolation
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms

PROCESSING_TYPES = ("MANUAL", "SNAPSHOT", "DYNAMIC")
MAX_NAME_LENGTH = 500
MAX_SEARCH_COUNT = 500
# What a list's members are read through: every record of the type, whatever the caller's record scopes
# (HubSpot asks for `crm.lists.read` alone).
_LISTS_PRINCIPAL_SCOPES = frozenset({ALL_SCOPES})
# localspot has no HubSpot users: lists are made and changed by this one (docs/decisions.md, "Lists").
USER_ID = "1"
# The folder a list is filed in, kept in its definition but not part of HubSpot's list object.
FOLDER_KEY = "_folderId"


def list_id_of(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise errors.list_not_found(raw)
    return int(raw)


class ListService:
    def __init__(self, database: Database, schemas: SchemaCache, search: SearchService) -> None:
        self.database = database
        self.schemas = schemas
        self.search = search

    def members_principal(self, principal: Principal) -> Principal:
        return Principal(principal.portal_id, _LISTS_PRINCIPAL_SCOPES)

    def size(self, principal: Principal, definition: dict[str, Any]) -> int:
        if definition["processingType"] == "DYNAMIC":
            groups = search_groups(definition["filterBranch"])
            total, _ = self.search.matching_ids(
                self.members_principal(principal), definition["objectTypeId"], groups, limit=0
            )
            return total
        with self.database.session(write=False) as session:
            return ListQueries.of(session).member_count(principal.portal_id, int(definition["listId"]))

    # --- reads ---------------------------------------------------------------------------------------

    def get(self, principal: Principal, raw_id: str, *, include_filters: bool) -> dict[str, Any]:
        return {"list": self.rendered(principal, self.find(principal, raw_id), include_filters=include_filters)}

    def get_many(self, principal: Principal, raw_ids: list[str], *, include_filters: bool) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        ids = [int(raw) for raw in raw_ids if raw.isdigit() and len(raw) < 19]
        with self.database.session(write=False) as session:
            found = ListQueries.of(session).lists(principal.portal_id, ids)
        return {"lists": [self.rendered(principal, d, include_filters=include_filters) for d in found]}

    def by_name(self, principal: Principal, object_type_id: str, name: str, *, include_filters: bool) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        with self.database.session(write=False) as session:
            found = ListQueries.of(session).list_by_name(principal.portal_id, object_type_id, name)
        if found is None:
            raise errors.list_not_found(name)
        return {"list": self.rendered(principal, found, include_filters=include_filters)}

    def find(self, principal: Principal, raw_id: str, *, write: bool = False, deleted: bool = False) -> dict[str, Any]:
        principal.require(Operation.LISTS_WRITE if write else Operation.LISTS_READ)
        with self.database.session(write=False) as session:
            found = ListQueries.of(session).lists(principal.portal_id, [list_id_of(raw_id)], deleted=deleted)
        if not found:
            raise errors.list_not_found(raw_id)
        return found[0] if deleted else conversion.convert_if_due(self, principal, found[0])

    def rendered(self, principal: Principal, definition: dict[str, Any], *, include_filters: bool) -> dict[str, Any]:
        body = {key: value for key, value in definition.items() if not key.startswith("_")}
        if not include_filters:
            body.pop("filterBranch", None)
        body["size"] = self.size(principal, definition)
        return body

    def search_lists(self, principal: Principal, body: ListSearch) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        count = min(body.count if body.count is not None else 20, MAX_SEARCH_COUNT)
        offset = body.offset or 0
        if count < 0 or offset < 0:
            raise errors.invalid_list("count and offset must not be negative.")
        with self.database.session(write=False) as session:
            found = ListQueries.of(session).lists(principal.portal_id)
        query = (body.query or "").strip().lower()
        wanted_ids = {str(i) for i in body.list_ids or []}
        found = [
            d
            for d in found
            if (not query or query in d["name"].lower())
            and (not body.processing_types or d["processingType"] in body.processing_types)
            and (not body.object_type_id or d["objectTypeId"] == body.object_type_id)
            and (not wanted_ids or d["listId"] in wanted_ids)
        ]
        found.sort(key=_search_order(body.sort))
        page = found[offset : offset + count]
        lists = []
        for definition in page:
            result = {
                k: v
                for k, v in definition.items()
                if k not in ("filterBranch", "listPermissions", "membershipSettings")
            }
            extra = {"hs_list_size": str(self.size(principal, definition)), "hs_list_reference_count": "0"}
            for name in body.additional_properties or []:
                value = (definition.get("customProperties") or {}).get(name)
                if value is not None:
                    extra[name] = value
            result["additionalProperties"] = extra
            lists.append(result)
        return {
            "lists": lists,
            "total": len(found),
            "offset": offset + len(page),
            "hasMore": offset + len(page) < len(found),
        }

    # --- writes --------------------------------------------------------------------------------------

    def create(self, principal: Principal, body: ListCreate) -> dict[str, Any]:
        principal.require(Operation.LISTS_WRITE)
        name = _checked_name(body.name)
        if body.processing_type not in PROCESSING_TYPES:
            raise errors.invalid_list(
                f"processingType must be one of {', '.join(PROCESSING_TYPES)}.", "ListError.INVALID_PROCESSING_TYPE"
            )
        if body.processing_type == "MANUAL" and body.filter_branch:
            raise errors.invalid_list("A MANUAL list takes no filterBranch.")
        if body.processing_type != "MANUAL" and not body.filter_branch:
            raise errors.invalid_list(f"A {body.processing_type} list needs a filterBranch.")
        groups = search_groups(body.filter_branch) if body.filter_branch else []
        with _unique_name(name), self.database.session(write=True) as session:
            object_type = self.schemas.load(session, principal.portal_id).find(body.object_type_id)
            if object_type is None or object_type.object_type_id != body.object_type_id:
                raise errors.invalid_object_type(body.object_type_id)
            queries = ListQueries.of(session)
            if queries.name_taken(principal.portal_id, name):
                raise errors.list_name_taken(name)
            list_id = session.reserve_ids(1)[0]
            now = iso_from_ms(session.clock.now_ms())
            definition: dict[str, Any] = {
                "listId": str(list_id),
                "listVersion": 1,
                "name": name,
                "objectTypeId": body.object_type_id,
                "processingType": body.processing_type,
                "processingStatus": "COMPLETE",
                "createdAt": now,
                "updatedAt": now,
                "filtersUpdatedAt": now,
                "createdById": USER_ID,
                "updatedById": USER_ID,
                "listPermissions": {
                    "teamsWithEditAccess": [],
                    "usersWithEditAccess": [],
                    **(body.list_permissions or {}),
                },
                "membershipSettings": {
                    "membershipTeamId": None,
                    "includeUnassigned": None,
                    **(body.membership_settings or {}),
                },
            }
            if body.filter_branch:
                definition["filterBranch"] = normalised(body.filter_branch)
            if body.custom_properties:
                definition["customProperties"] = dict(body.custom_properties)
            if body.list_folder_id:
                if str(body.list_folder_id) not in {
                    f["id"] for f in FolderQueries.of(session).folders(principal.portal_id)
                }:
                    raise errors.invalid_list(f"Folder {body.list_folder_id} does not exist.")
                definition[FOLDER_KEY] = str(body.list_folder_id)
            queries.insert_list(principal.portal_id, list_id, definition)
        if body.processing_type == "SNAPSHOT":
            self._snapshot_members(principal, definition, groups)
        return {"list": self.rendered(principal, definition, include_filters=True)}

    def matching_members(self, principal: Principal, definition: dict[str, Any], groups: list[Any]) -> list[int]:
        """Every record the filter groups match now, in id order (a list frozen from its filters)."""
        members: list[int] = []
        after: int | None = None
        while True:
            _, ids = self.search.matching_ids(
                self.members_principal(principal), definition["objectTypeId"], groups, after_id=after, limit=1000
            )
            members += ids
            if len(ids) < 1000:
                return members
            after = ids[-1]

    def _snapshot_members(self, principal: Principal, definition: dict[str, Any], groups: list[Any]) -> None:
        """A SNAPSHOT list's members: its filters evaluated once, at creation."""
        members = self.matching_members(principal, definition, groups)
        with self.database.session(write=True) as session:
            ListQueries.of(session).add_members(
                principal.portal_id, int(definition["listId"]), members, session.clock.now_ms()
            )

    def rename(
        self, principal: Principal, raw_id: str, new_name: str | None, *, include_filters: bool
    ) -> dict[str, Any]:
        definition = self.find(principal, raw_id, write=True)
        name = _checked_name(new_name or "")
        with _unique_name(name), self.database.session(write=True) as session:
            queries = ListQueries.of(session)
            if queries.name_taken(principal.portal_id, name, except_id=int(definition["listId"])):
                raise errors.list_name_taken(name)
            definition.update(name=name, updatedAt=iso_from_ms(session.clock.now_ms()))
            queries.save_list(principal.portal_id, definition)
        return {"updatedList": self.rendered(principal, definition, include_filters=include_filters)}

    def update_filters(self, principal: Principal, raw_id: str, branch: dict[str, Any]) -> dict[str, Any]:
        definition = self.find(principal, raw_id, write=True)
        if definition["processingType"] != "DYNAMIC":
            raise errors.not_for_processing_type(definition["listId"], definition["processingType"], ("DYNAMIC",))
        search_groups(branch)
        with self.database.session(write=True) as session:
            now = iso_from_ms(session.clock.now_ms())
            definition.update(
                filterBranch=normalised(branch),
                listVersion=definition["listVersion"] + 1,
                filtersUpdatedAt=now,
                updatedAt=now,
            )
            ListQueries.of(session).save_list(principal.portal_id, definition)
        return {"updatedList": self.rendered(principal, definition, include_filters=True)}

    def delete(self, principal: Principal, raw_id: str) -> None:
        definition = self.find(principal, raw_id, write=True)
        with self.database.session(write=True) as session:
            now = session.clock.now_ms()
            definition["deletedAt"] = iso_from_ms(now)
            ListQueries.of(session).save_list(principal.portal_id, definition, deleted_at=now)

    def restore(self, principal: Principal, raw_id: str) -> None:
        definition = self.find(principal, raw_id, write=True, deleted=True)
        definition.pop("deletedAt", None)
        with _unique_name(definition["name"]), self.database.session(write=True) as session:
            queries = ListQueries.of(session)
            if queries.name_taken(principal.portal_id, definition["name"]):
                raise errors.list_name_taken(definition["name"])
            queries.save_list(principal.portal_id, definition)


@contextlib.contextmanager
def _unique_name(name: str) -> Iterator[None]:
    """A concurrent write that took the name between the check and the commit: the same 409."""
    try:
        yield
    except UniqueViolation:
        raise errors.list_name_taken(name) from None


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise errors.invalid_list(f"A list name is 1 to {MAX_NAME_LENGTH} characters.")
    return name


def _search_order(sort: str | None) -> Any:
    key = (sort or "").lstrip("-").upper()
    field = {"HS_UPDATED_AT": "updatedAt", "HS_CREATED_AT": "createdAt", "HS_LIST_NAME": "name"}.get(key)
    descending = bool(sort) and sort.startswith("-")

    def order(definition: dict[str, Any]) -> Any:
        if field is None:
            return int(definition["listId"])
        value = definition[field].lower() if field == "name" else definition[field]
        return value

    if descending:
        return lambda d: _Reversed(order(d))
    return order


class _Reversed:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return other.value < self.value
