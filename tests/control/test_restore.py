"""`POST /_localspot/portals/{portalId}/objects/{objectType}/{objectId}/restore`: an archived record is live
again with its values, unique values and associations; live, unknown, merged and other portals' ids are 404s,
and a unique value another record took meanwhile is a 409 that restores nothing."""

from __future__ import annotations

import uuid

from tests.support.asserts import assert_error

CONTACTS = "/crm/v3/objects/contacts"


def _restore(admin, portal_id: int, object_id: str, type_name: str = "contacts"):
    return admin.post(f"/portals/{portal_id}/objects/{type_name}/{object_id}/restore")


def _assert_not_found(answer, object_id: str) -> None:
    body = assert_error(answer, 404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.")
    assert body["context"] == {"id": [object_id]}


def test_an_archived_record_comes_back_with_its_values_and_associations(admin, new_portal):
    portal_id, client = new_portal()
    email = f"restore-{uuid.uuid4().hex[:12]}@example.com"
    contact = client.post(CONTACTS, json={"properties": {"email": email, "firstname": "Back"}}).json()["id"]
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Keeps"}}).json()["id"]
    linked = client.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    assert linked.status_code == 200, linked.text
    assert client.delete(f"{CONTACTS}/{contact}").status_code == 204
    assert client.get(f"{CONTACTS}/{contact}").status_code == 404

    restored = _restore(admin, portal_id, contact)
    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert (body["id"], body["archived"]) == (contact, False)
    assert (body["properties"]["email"], body["properties"]["firstname"]) == (email, "Back")
    read = client.get(f"{CONTACTS}/{contact}", params={"associations": "companies"})
    assert read.status_code == 200, read.text
    assert [a["id"] for a in read.json()["associations"]["companies"]["results"]] == [company]
    # Its unique email is its own again: another contact cannot take it, and it reads by email.
    taken = client.post(CONTACTS, json={"properties": {"email": email}})
    assert_error(taken, 409, "CONFLICT", f"Contact already exists. Existing ID: {contact}")
    assert client.get(f"{CONTACTS}/{email}", params={"idProperty": "email"}).json()["id"] == contact
    # Restored once: now live, so a second restore is a 404.
    _assert_not_found(_restore(admin, portal_id, contact), contact)


def test_unknown_live_merged_and_other_portals_ids_are_404s(admin, new_portal):
    portal_id, client = new_portal()
    other_id, other = new_portal()
    live = client.post(CONTACTS, json={"properties": {"lastname": "live"}}).json()["id"]
    _assert_not_found(_restore(admin, portal_id, live), live)
    _assert_not_found(_restore(admin, portal_id, "987654321987"), "987654321987")
    _assert_not_found(_restore(admin, portal_id, "not-a-number"), "not-a-number")
    theirs = other.post(CONTACTS, json={"properties": {"lastname": "theirs"}}).json()["id"]
    assert other.delete(f"{CONTACTS}/{theirs}").status_code == 204
    _assert_not_found(_restore(admin, portal_id, theirs), theirs)
    assert other.get(f"{CONTACTS}/{theirs}").status_code == 404  # still archived in its own portal
    # A record merged into another stays merged.
    merged = client.post(CONTACTS, json={"properties": {"lastname": "merged"}}).json()["id"]
    answer = client.post(f"{CONTACTS}/merge", json={"primaryObjectId": live, "objectIdToMerge": merged})
    assert answer.status_code == 200, answer.text
    _assert_not_found(_restore(admin, portal_id, merged), merged)
    assert _restore(admin, other_id, theirs).status_code == 200
    missing = _restore(admin, 987654321987, theirs)
    assert_error(missing, 404, "OBJECT_NOT_FOUND", "Portal 987654321987 does not exist.")


def test_a_unique_value_taken_meanwhile_is_a_409_and_restores_nothing(admin, new_portal):
    portal_id, client = new_portal()
    email = f"taken-{uuid.uuid4().hex[:12]}@example.com"
    first = client.post(CONTACTS, json={"properties": {"email": email}}).json()["id"]
    assert client.delete(f"{CONTACTS}/{first}").status_code == 204
    second = client.post(CONTACTS, json={"properties": {"email": email}}).json()["id"]
    conflict = _restore(admin, portal_id, first)
    assert_error(conflict, 409, "CONFLICT", f"Contact already exists. Existing ID: {second}")
    assert client.get(f"{CONTACTS}/{first}").status_code == 404
