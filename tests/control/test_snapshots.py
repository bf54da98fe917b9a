"""Named portal snapshots: take, list, restore, delete; and the SQLite file copy."""

from __future__ import annotations

import sqlite3

import pytest

from tests.support.asserts import ISO_MS, assert_error
from tests.support.server import backend_name


def test_restore_brings_back_records_definitions_and_associations(admin, new_portal):
    portal_id, client = new_portal()
    seeded = admin.post(
        f"/portals/{portal_id}/seed",
        json={
            "contacts": [{"ref": "a", "properties": {"email": "snap@example.com"}}],
            "companies": [{"ref": "c", "properties": {"name": "Snap"}, "associations": [{"to": "a"}]}],
        },
    ).json()
    contact_id, company_id = seeded["refs"]["a"], seeded["refs"]["c"]
    taken = admin.post(f"/portals/{portal_id}/snapshots", json={"name": "before"})
    assert taken.status_code == 201
    assert taken.json()["name"] == "before" and taken.json()["recordCount"] == 2
    assert ISO_MS.match(taken.json()["createdAt"])

    client.patch(f"/crm/v3/objects/contacts/{contact_id}", json={"properties": {"firstname": "Changed"}})
    client.delete(f"/crm/v3/objects/companies/{company_id}")
    extra = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "later@example.com"}}).json()

    assert admin.post(f"/portals/{portal_id}/snapshots/before/restore").status_code == 204
    contact = client.get(f"/crm/v3/objects/contacts/{contact_id}", params={"properties": "firstname,email"}).json()
    assert contact["properties"]["firstname"] is None and contact["properties"]["email"] == "snap@example.com"
    assert client.get(f"/crm/v3/objects/companies/{company_id}").status_code == 200
    assert client.get(f"/crm/v3/objects/contacts/{extra['id']}").status_code == 404
    associated = client.get(f"/crm/v4/objects/companies/{company_id}/associations/contacts").json()["results"]
    assert [r["toObjectId"] for r in associated] == [int(contact_id)]
    # Restored unique values and the search index follow the restored records.
    found = client.post(
        "/crm/v3/objects/contacts/search",
        json={
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "snap@example.com"}]}]
        },
    ).json()
    assert [r["id"] for r in found["results"]] == [contact_id]
    gone = client.post("/crm/v3/objects/contacts/search", json={"query": "later"}).json()
    assert gone["total"] == 0
    taken_email = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "snap@example.com"}})
    assert taken_email.status_code == 409
    new = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "new@example.com"}}).json()
    assert int(new["id"]) > int(extra["id"])  # ids keep increasing across a restore


def test_snapshots_are_listed_deleted_and_named_once(admin, new_portal):
    portal_id, _ = new_portal()
    assert admin.post(f"/portals/{portal_id}/snapshots", json={"name": "one"}).status_code == 201
    assert admin.post(f"/portals/{portal_id}/snapshots", json={"name": "two"}).status_code == 201
    again = admin.post(f"/portals/{portal_id}/snapshots", json={"name": "one"})
    assert_error(again, 409, "CONFLICT")
    names = [s["name"] for s in admin.get(f"/portals/{portal_id}/snapshots").json()["results"]]
    assert names == ["one", "two"]
    assert admin.delete(f"/portals/{portal_id}/snapshots/one").status_code == 204
    assert [s["name"] for s in admin.get(f"/portals/{portal_id}/snapshots").json()["results"]] == ["two"]
    assert_error(admin.delete(f"/portals/{portal_id}/snapshots/one"), 404, "OBJECT_NOT_FOUND")
    assert_error(admin.post(f"/portals/{portal_id}/snapshots/one/restore"), 404, "OBJECT_NOT_FOUND")
    for bad in ({"name": ""}, {"name": "../x"}, {"name": "x" * 101}, {}, {"name": 3}):
        assert_error(admin.post(f"/portals/{portal_id}/snapshots", json=bad), 400, "VALIDATION_ERROR")


def test_snapshots_survive_a_restart(fresh_server):
    import httpx

    running = fresh_server()
    with httpx.Client(base_url=f"{running.url}/_localspot", timeout=30) as admin:
        assert admin.post("/portals/1/snapshots", json={"name": "kept"}).status_code == 201
    running.stop()
    running.start()
    with httpx.Client(base_url=f"{running.url}/_localspot", timeout=30) as admin:
        assert [s["name"] for s in admin.get("/portals/1/snapshots").json()["results"]] == ["kept"]


def test_the_database_file_copy_is_a_consistent_sqlite_database(admin, api, tmp_path):
    target = tmp_path / "copy.db"
    answer = admin.post("/snapshot", json={"path": str(target)})
    if backend_name() == "postgres":
        assert_error(answer, 400, "VALIDATION_ERROR")
        return
    assert answer.status_code == 201
    assert answer.json()["path"] == str(target) and answer.json()["bytes"] > 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM portals").fetchone()[0] >= 1
    assert_error(admin.post("/snapshot", json={"path": str(target)}), 400, "VALIDATION_ERROR")  # exists
    missing = admin.post("/snapshot", json={"path": str(tmp_path / "no" / "such" / "dir.db")})
    assert_error(missing, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("path", ["/portals/999999999999997/snapshots"])
def test_snapshots_of_an_unknown_portal_are_404s(admin, path):
    assert_error(admin.get(path), 404, "OBJECT_NOT_FOUND")
    assert_error(admin.post(path, json={"name": "x"}), 404, "OBJECT_NOT_FOUND")
