"""List folders (a tree under the root `0`) and the legacy id mapping."""

from __future__ import annotations

import uuid

from tests.crm.lists.test_lists import BASE, create_list
from tests.support.asserts import assert_error


def folder(api, name: str, parent: str | None = None) -> dict:
    body = {"name": name, **({"parentFolderId": parent} if parent else {})}
    created = api.post(f"{BASE}/folders", json=body)
    assert created.status_code == 200, created.text
    return created.json()["folder"]


def test_folders_hold_folders_and_lists(new_portal):
    _, api = new_portal()
    top = folder(api, "Campaigns")
    assert (top["parentFolderId"], top["childNodes"], top["childLists"]) == ("0", [], [])
    inner = folder(api, "2026", parent=top["id"])
    made = create_list(api, listFolderId=int(inner["id"]))
    root = api.get(f"{BASE}/folders").json()["folder"]
    assert root["id"] == "0" and [n["id"] for n in root["childNodes"]] == [top["id"]]
    assert [n["id"] for n in root["childNodes"][0]["childNodes"]] == [inner["id"]]
    assert root["childLists"] == []
    assert api.get(f"{BASE}/folders", params={"folderId": inner["id"]}).json()["folder"]["childLists"] == [
        int(made["listId"])
    ]
    moved = api.put(f"{BASE}/folders/move-list", json={"listId": made["listId"], "newFolderId": "0"})
    assert moved.status_code == 204
    assert api.get(f"{BASE}/folders").json()["folder"]["childLists"] == [int(made["listId"])]
    renamed = api.put(f"{BASE}/folders/{inner['id']}/rename", params={"newFolderName": "Archive"}).json()["folder"]
    assert renamed["name"] == "Archive"
    up = api.put(f"{BASE}/folders/{inner['id']}/move/0").json()["folder"]
    assert up["parentFolderId"] == "0"
    loop = api.put(f"{BASE}/folders/{top['id']}/move/{top['id']}")
    assert_error(loop, 400, "VALIDATION_ERROR")
    assert api.delete(f"{BASE}/folders/{inner['id']}").status_code == 204
    assert_error(api.get(f"{BASE}/folders", params={"folderId": inner["id"]}), 404, "OBJECT_NOT_FOUND")
    assert_error(api.delete(f"{BASE}/folders/0"), 400, "VALIDATION_ERROR")


def test_a_folder_with_lists_is_not_deleted(api):
    holder = folder(api, f"Holder {uuid.uuid4().hex[:6]}")
    create_list(api, listFolderId=int(holder["id"]))
    assert_error(api.delete(f"{BASE}/folders/{holder['id']}"), 400, "VALIDATION_ERROR")
    assert_error(
        api.post(f"{BASE}/folders", json={"name": "x", "parentFolderId": "999999999"}), 404, "OBJECT_NOT_FOUND"
    )


def test_legacy_ids_map_to_the_same_ids(api):
    made = create_list(api)
    assert api.get(f"{BASE}/idmapping", params={"legacyListId": made["listId"]}).json() == {
        "legacyListId": made["listId"],
        "listId": made["listId"],
    }
    batch = api.post(f"{BASE}/idmapping", json=[made["listId"], "999999999"]).json()
    assert batch == {
        "legacyListIdsToIdsMapping": [{"legacyListId": made["listId"], "listId": made["listId"]}],
        "missingLegacyListIds": ["999999999"],
    }
    body = assert_error(api.get(f"{BASE}/idmapping", params={"legacyListId": "abc"}), 400, "VALIDATION_ERROR")
    assert body["message"] == "Id abc can't be converted to java.lang.Integer"
