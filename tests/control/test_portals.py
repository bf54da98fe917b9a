"""Portals over the admin API: create, list, read, delete, reset, tokens, owners."""

from __future__ import annotations

import uuid

from tests.conftest import make_client
from tests.support.asserts import ISO_MS, assert_error


def _unused_id() -> int:
    return int(uuid.uuid4().int % 10**12) + 10**9


def test_a_new_portal_answers_its_id_name_and_a_token_that_works(admin, base_url):
    portal_id = _unused_id()
    created = admin.post("/portals", json={"portalId": portal_id, "name": "ci"})
    assert created.status_code == 201
    body = created.json()
    assert body["portalId"] == portal_id and body["name"] == "ci" and body["token"].startswith("pat-local-")
    with make_client(base_url, body["token"]) as client:
        made = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "new@portal.example"}})
        assert made.status_code == 201
    read = admin.get(f"/portals/{portal_id}").json()
    assert read["portalId"] == portal_id and read["name"] == "ci" and ISO_MS.match(read["createdAt"])
    assert read["recordCounts"] == {"contacts": 1}
    assert portal_id in [p["portalId"] for p in admin.get("/portals").json()["results"]]
    assert admin.delete(f"/portals/{portal_id}").status_code == 204


def test_a_portal_without_an_id_gets_the_next_free_one(admin):
    first = admin.post("/portals", json={}).json()
    second = admin.post("/portals", json={}).json()
    assert second["portalId"] > first["portalId"] and first["name"] is None
    for portal in (first, second):
        assert admin.delete(f"/portals/{portal['portalId']}").status_code == 204


def test_an_existing_portal_id_is_a_conflict(admin, new_portal):
    portal_id, _ = new_portal()
    again = admin.post("/portals", json={"portalId": portal_id})
    assert_error(again, 409, "CONFLICT", f"Portal {portal_id} already exists.")


def test_bad_portal_bodies_are_400s(admin):
    assert_error(admin.post("/portals", json={"portalId": 0}), 400, "VALIDATION_ERROR")
    assert_error(admin.post("/portals", json={"portalId": "seven"}), 400, "VALIDATION_ERROR")
    assert_error(admin.post("/portals", json={"colour": "red"}), 400, "VALIDATION_ERROR")
    assert_error(admin.post("/portals", json={"name": "x" * 201}), 400, "VALIDATION_ERROR")
    assert_error(admin.post("/portals", json={"scopes": ["has space"]}), 400, "VALIDATION_ERROR")
    assert_error(admin.post("/portals", content=b"{nope"), 400, "VALIDATION_ERROR")


def test_unknown_portals_are_404s(admin):
    for response in (
        admin.get("/portals/999999999999999"),
        admin.delete("/portals/999999999999999"),
        admin.post("/portals/999999999999999/reset"),
        admin.post("/portals/999999999999999/tokens", json={}),
        admin.get("/portals/not-a-number"),
    ):
        assert_error(response, 404, "OBJECT_NOT_FOUND")


def test_reset_empties_the_portal_but_keeps_its_tokens(admin, new_portal):
    portal_id, client = new_portal()
    contact = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "gone@reset.example"}}).json()
    prop = client.post(
        "/crm/v3/properties/contacts",
        json={
            "name": "reset_me",
            "label": "Reset me",
            "type": "string",
            "fieldType": "text",
            "groupName": "contactinformation",
        },
    )
    assert prop.status_code == 201
    assert admin.post(f"/portals/{portal_id}/reset").status_code == 204
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {}
    assert client.get(f"/crm/v3/objects/contacts/{contact['id']}").status_code == 404
    assert client.get("/crm/v3/properties/contacts/reset_me").status_code == 404
    again = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "gone@reset.example"}})
    assert again.status_code == 201  # the unique email was freed too


def test_reset_leaves_other_portals_alone(admin, new_portal):
    first_id, first = new_portal()
    _, second = new_portal()
    kept = second.post("/crm/v3/objects/contacts", json={"properties": {"email": "kept@other.example"}}).json()
    first.post("/crm/v3/objects/contacts", json={"properties": {"email": "gone@first.example"}})
    assert admin.post(f"/portals/{first_id}/reset").status_code == 204
    assert second.get(f"/crm/v3/objects/contacts/{kept['id']}").status_code == 200


def test_deleting_a_portal_revokes_its_tokens(admin, base_url):
    portal_id = _unused_id()
    token = admin.post("/portals", json={"portalId": portal_id}).json()["token"]
    with make_client(base_url, token) as client:
        assert client.get("/crm/v3/objects/contacts").status_code == 200
        assert admin.delete(f"/portals/{portal_id}").status_code == 204
        assert_error(client.get("/crm/v3/objects/contacts"), 401, "INVALID_AUTHENTICATION")


def test_tokens_with_scopes_and_their_revocation(admin, new_portal, base_url):
    portal_id, _ = new_portal()
    made = admin.post(f"/portals/{portal_id}/tokens", json={"scopes": ["crm.objects.contacts.read"]})
    assert made.status_code == 201
    body = made.json()
    assert body["portalId"] == portal_id and body["scopes"] == ["crm.objects.contacts.read"]
    with make_client(base_url, body["token"]) as client:
        assert client.get("/crm/v3/objects/contacts").status_code == 200
        assert_error(client.get("/crm/v3/objects/deals"), 403, "MISSING_SCOPES")
        assert admin.delete(f"/tokens/{body['token']}").status_code == 204
        assert_error(client.get("/crm/v3/objects/contacts"), 401, "INVALID_AUTHENTICATION")
    assert_error(admin.delete(f"/tokens/{body['token']}"), 404, "OBJECT_NOT_FOUND", "No such token.")


def test_owners_over_http(admin, new_portal):
    portal_id, client = new_portal()
    made = admin.post(f"/portals/{portal_id}/owners", json={"email": "ada@example.com", "firstName": "Ada"})
    assert made.status_code == 201
    owner = made.json()
    assert owner["email"] == "ada@example.com" and owner["firstName"] == "Ada" and owner["lastName"] is None
    listed = client.get("/crm/v3/owners/").json()["results"]
    assert [o["id"] for o in listed] == [owner["id"]]
    assert_error(admin.post(f"/portals/{portal_id}/owners", json={"email": ""}), 400, "VALIDATION_ERROR")
    assert_error(admin.post(f"/portals/{portal_id}/owners", json={}), 400, "VALIDATION_ERROR")


def test_a_portal_token_does_not_open_an_admin_api_that_has_its_own_token(fresh_server):
    running = fresh_server("--admin-token", "the-admin-secret")
    import httpx

    with httpx.Client(base_url=f"{running.url}/_localspot", timeout=30) as admin:
        assert_error(admin.get("/portals"), 401, "INVALID_AUTHENTICATION")
        denied = admin.get("/portals", headers={"Authorization": f"Bearer {running.token}"})
        assert_error(denied, 401, "INVALID_AUTHENTICATION")
        allowed = admin.get("/portals", headers={"Authorization": "Bearer the-admin-secret"})
        assert allowed.status_code == 200
        assert admin.get("/health").status_code == 200  # health needs no token


def test_health_names_the_version_and_backend_and_that_the_database_answers(admin):
    from localspot import __version__
    from tests.support.server import backend_name

    backend = "postgresql" if backend_name() == "postgres" else "sqlite"
    answer = admin.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "version": __version__, "backend": backend, "database": "ok"}


def test_without_an_admin_token_the_admin_api_is_off_on_a_non_loopback_address(fresh_server):
    import httpx

    running = fresh_server("--host", "0.0.0.0")
    with httpx.Client(base_url=running.url, timeout=30) as client:
        assert_error(client.get("/_localspot/portals"), 404, "OBJECT_NOT_FOUND")
        assert client.get("/_localspot/health").status_code == 200
