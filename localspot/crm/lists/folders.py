"""List folders: a tree under the root folder `0`, each folder holding folders and lists."""

from __future__ import annotations

from typing import Any

from localspot.crm.lists import errors
from localspot.crm.lists.queries import FolderQueries, ListQueries
from localspot.crm.lists.service import FOLDER_KEY, USER_ID, ListService
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.timeutil import iso_from_ms

ROOT = "0"
MAX_FOLDER_NAME = 200


def folder_not_found(folder_id: str) -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", f"Folder {folder_id[:40]} does not exist.", context={"folderId": [folder_id[:40]]}
    )


class FolderService:
    def __init__(self, lists: ListService) -> None:
        self.lists = lists
        self.database = lists.database

    def get(self, principal: Principal, folder_id: str | None) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        return {"folder": self._tree(principal, folder_id or ROOT, with_lists=True)}

    def create(self, principal: Principal, name: str, parent: str | None) -> dict[str, Any]:
        principal.require(Operation.LISTS_WRITE)
        name = _checked_name(name)
        parent = parent or ROOT
        with self.database.session(write=True) as session:
            folders = {f["id"]: f for f in FolderQueries.of(session).folders(principal.portal_id)}
            if parent != ROOT and parent not in folders:
                raise folder_not_found(parent)
            now = iso_from_ms(session.clock.now_ms())
            folder = {
                "id": str(session.reserve_ids(1)[0]),
                "parentFolderId": parent,
                "name": name,
                "createdAt": now,
                "updatedAt": now,
                "updatedContentsAt": now,
                "userId": int(USER_ID),
            }
            FolderQueries.of(session).save_folder(principal.portal_id, folder)
        return {"folder": self._tree(principal, folder["id"], with_lists=True)}

    def rename(self, principal: Principal, folder_id: str, name: str | None) -> dict[str, Any]:
        return self._change(principal, folder_id, name=_checked_name(name or ""))

    def move(self, principal: Principal, folder_id: str, new_parent: str) -> dict[str, Any]:
        return self._change(principal, folder_id, parentFolderId=new_parent)

    def _change(self, principal: Principal, folder_id: str, **changes: str) -> dict[str, Any]:
        principal.require(Operation.LISTS_WRITE)
        with self.database.session(write=True) as session:
            queries = FolderQueries.of(session)
            folders = {f["id"]: f for f in queries.folders(principal.portal_id)}
            folder = folders.get(folder_id)
            if folder is None:
                raise folder_not_found(folder_id)
            parent = changes.get("parentFolderId")
            if parent is not None:
                if parent != ROOT and parent not in folders:
                    raise folder_not_found(parent)
                ancestor: str | None = parent
                while ancestor not in (None, ROOT):
                    if ancestor == folder_id:
                        raise errors.invalid_list("A folder cannot move into itself or one of its folders.")
                    ancestor = folders[ancestor]["parentFolderId"]
            folder.update(changes, updatedAt=iso_from_ms(session.clock.now_ms()))
            queries.save_folder(principal.portal_id, folder)
        return {"folder": self._tree(principal, folder_id, with_lists=True)}

    def move_list(self, principal: Principal, raw_list_id: str, folder_id: str) -> None:
        definition = self.lists.find(principal, raw_list_id, write=True)
        with self.database.session(write=True) as session:
            folders = {f["id"] for f in FolderQueries.of(session).folders(principal.portal_id)}
            if folder_id != ROOT and folder_id not in folders:
                raise folder_not_found(folder_id)
            definition[FOLDER_KEY] = folder_id
            ListQueries.of(session).save_list(principal.portal_id, definition)

    def delete(self, principal: Principal, folder_id: str) -> None:
        principal.require(Operation.LISTS_WRITE)
        if folder_id == ROOT:
            raise errors.invalid_list("The root folder cannot be deleted.")
        tree = self._tree(principal, folder_id, with_lists=True)
        if tree["childNodes"] or tree["childLists"]:
            raise errors.invalid_list("Only an empty folder can be deleted: move its lists and folders first.")
        with self.database.session(write=True) as session:
            FolderQueries.of(session).delete_folder(principal.portal_id, int(folder_id))

    def _tree(self, principal: Principal, folder_id: str, *, with_lists: bool) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            folders = FolderQueries.of(session).folders(principal.portal_id)
            lists = ListQueries.of(session).lists(principal.portal_id) if with_lists else []
        by_id = {f["id"]: f for f in folders}
        if folder_id == ROOT:
            node: dict[str, Any] = {"id": ROOT, "parentFolderId": "-1", "name": "root"}
        elif folder_id in by_id:
            node = dict(by_id[folder_id])
        else:
            raise folder_not_found(folder_id)

        def children(parent: str) -> list[dict[str, Any]]:
            return [
                {**f, "childNodes": children(f["id"]), "childLists": []}
                for f in folders
                if f["parentFolderId"] == parent
            ]

        node["childNodes"] = children(folder_id)
        node["childLists"] = [int(d["listId"]) for d in lists if d.get(FOLDER_KEY, ROOT) == folder_id]
        return node

    # --- id mapping: localspot's lists have one id, which is also their legacy id ---------------------

    def legacy_id(self, principal: Principal, raw: str | None) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        legacy = _legacy(raw or "")
        definition = self.lists.find(principal, str(legacy))
        return {"legacyListId": str(legacy), "listId": definition["listId"]}

    def legacy_ids(self, principal: Principal, raw_ids: list[str | int]) -> dict[str, Any]:
        principal.require(Operation.LISTS_READ)
        if len(raw_ids) > 10_000:
            raise errors.invalid_list("At most 10,000 legacy list ids a call.")
        legacy = [_legacy(str(raw)) for raw in raw_ids]
        with self.database.session(write=False) as session:
            found = {int(d["listId"]) for d in ListQueries.of(session).lists(principal.portal_id, legacy)}
        return {
            "legacyListIdsToIdsMapping": [{"legacyListId": str(i), "listId": str(i)} for i in legacy if i in found],
            "missingLegacyListIds": [str(i) for i in legacy if i not in found],
        }


def _legacy(raw: str) -> int:
    if not raw.strip().isdigit() or len(raw.strip()) > 10:
        raise errors.invalid_list(f"Id {raw[:40]} can't be converted to java.lang.Integer")
    return int(raw.strip())


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_FOLDER_NAME:
        raise errors.invalid_list(f"A folder name is 1 to {MAX_FOLDER_NAME} characters.")
    return name
