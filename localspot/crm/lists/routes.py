"""`/crm/v3/lists/...` and its date-versioned twins: lists and their members."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.lists.conversion import ConversionTime, ListConversions
from localspot.crm.lists.folders import FolderService
from localspot.crm.lists.inputs import (
    FiltersUpdate,
    FolderCreate,
    ListCreate,
    ListMove,
    ListSearch,
    MembershipChange,
    RecordsBatch,
)
from localspot.crm.lists.memberships import DEFAULT_PAGE, MAX_PAGE, MembershipService
from localspot.crm.lists.service import ListService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(
    api: Api, lists: ListService, members: MembershipService, folders: FolderService, conversions: ListConversions
) -> list[BaseRoute]:
    def filters(call: Call) -> bool:
        return call.query.flag("includeFilters")

    def collection(call: Call) -> Outcome:
        if call.method == "POST":
            return lists.create(call.principal, call.body(ListCreate))
        return lists.get_many(call.principal, call.query.values("listIds") or [], include_filters=filters(call))

    def single(call: Call) -> Outcome:
        if call.method == "DELETE":
            return lists.delete(call.principal, call.path["listId"])
        return lists.get(call.principal, call.path["listId"], include_filters=filters(call))

    def page(join_order: bool):
        def handler(call: Call) -> Outcome:
            return members.page(
                call.principal,
                call.path["listId"],
                after=call.query.text("after"),
                before=call.query.text("before"),
                limit=call.query.integer("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE),
                join_order=join_order,
            )

        return handler

    def memberships(call: Call) -> Outcome:
        return members.clear(call.principal, call.path["listId"])

    def route(path: str, handler, methods: list[str]) -> Route:
        return Route(path, api.endpoint(handler), methods=methods)

    return [
        route("/", collection, ["GET", "POST"]),
        route("/search", lambda c: lists.search_lists(c.principal, c.body(ListSearch)), ["POST"]),
        route("/folders", lambda c: folders.get(c.principal, c.query.text("folderId")), ["GET"]),
        route(
            "/folders",
            lambda c: folders.create(c.principal, (b := c.body(FolderCreate)).name, _text(b.parent_folder_id)),
            ["POST"],
        ),
        route(
            "/folders/move-list",
            lambda c: folders.move_list(c.principal, str((b := c.body(ListMove)).list_id), str(b.new_folder_id)),
            ["PUT"],
        ),
        route(
            "/folders/{folderId}/rename",
            lambda c: folders.rename(c.principal, c.path["folderId"], c.query.text("newFolderName")),
            ["PUT"],
        ),
        route(
            "/folders/{folderId}/move/{newParentFolderId}",
            lambda c: folders.move(c.principal, c.path["folderId"], c.path["newParentFolderId"]),
            ["PUT"],
        ),
        route("/folders/{folderId}", lambda c: folders.delete(c.principal, c.path["folderId"]), ["DELETE"]),
        route("/idmapping", lambda c: folders.legacy_id(c.principal, c.query.text("legacyListId")), ["GET"]),
        route("/idmapping", lambda c: folders.legacy_ids(c.principal, c.body(list[str | int])), ["POST"]),
        route(
            "/records/memberships/batch/read",
            lambda c: members.batch_of_records(c.principal, c.body(RecordsBatch)),
            ["POST"],
        ),
        route(
            "/records/{objectTypeId}/{recordId}/memberships",
            lambda c: members.of_record(c.principal, c.path["objectTypeId"], c.path["recordId"]),
            ["GET"],
        ),
        route(
            "/object-type-id/{objectTypeId}/name/{listName}",
            lambda c: lists.by_name(
                c.principal, c.path["objectTypeId"], c.path["listName"], include_filters=filters(c)
            ),
            ["GET"],
        ),
        route("/{listId}", single, ["GET", "DELETE"]),
        route(
            "/{listId}/update-list-name",
            lambda c: lists.rename(c.principal, c.path["listId"], c.query.text("listName"), include_filters=filters(c)),
            ["PUT"],
        ),
        route(
            "/{listId}/update-list-filters",
            lambda c: lists.update_filters(c.principal, c.path["listId"], c.body(FiltersUpdate).filter_branch),
            ["PUT"],
        ),
        route("/{listId}/restore", lambda c: lists.restore(c.principal, c.path["listId"]), ["PUT"]),
        route("/{listId}/schedule-conversion", lambda c: conversions.get(c.principal, c.path["listId"]), ["GET"]),
        route(
            "/{listId}/schedule-conversion",
            lambda c: conversions.put(c.principal, c.path["listId"], c.body(ConversionTime)),
            ["PUT"],
        ),
        route("/{listId}/schedule-conversion", lambda c: conversions.delete(c.principal, c.path["listId"]), ["DELETE"]),
        route(
            "/{listId}/size-and-edits-history/between",
            lambda c: conversions.history(
                c.principal, c.path["listId"], c.query.text("startDate"), c.query.text("endDate")
            ),
            ["GET"],
        ),
        route("/{listId}/memberships", page(join_order=False), ["GET"]),
        route("/{listId}/memberships", memberships, ["DELETE"]),
        route("/{listId}/memberships/join-order", page(join_order=True), ["GET"]),
        route(
            "/{listId}/memberships/add",
            lambda c: members.add(c.principal, c.path["listId"], c.body(list[str | int])),
            ["PUT"],
        ),
        route(
            "/{listId}/memberships/remove",
            lambda c: members.remove(c.principal, c.path["listId"], c.body(list[str | int])),
            ["PUT"],
        ),
        route(
            "/{listId}/memberships/add-and-remove",
            lambda c: members.change(c.principal, c.path["listId"], c.body(MembershipChange)),
            ["PUT"],
        ),
        route(
            "/{listId}/memberships/add-from/{sourceListId}",
            lambda c: members.add_from(c.principal, c.path["listId"], c.path["sourceListId"]),
            ["PUT"],
        ),
    ]


def _text(value: str | int | None) -> str | None:
    return None if value is None else str(value)
