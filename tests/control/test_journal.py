"""`/_localspot/requests`: the request journal records every API request with its bodies, newest first,
filters it, never records credentials, truncates large bodies, and can be cleared or turned off."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import TOKEN
from tests.support.asserts import ISO_MS, assert_error

CONTACTS = "/crm/v3/objects/contacts"


def _journal(admin: httpx.Client, **filters: object) -> list[dict]:
    answer = admin.get("/requests", params=filters)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def test_a_request_is_recorded_with_its_bodies(admin, new_portal):
    portal_id, client = new_portal()
    made = client.post(CONTACTS + "?idProperty=email", json={"properties": {"email": "journal@example.com"}})
    [entry] = _journal(admin, portalId=portal_id)
    assert entry == {
        "id": entry["id"],
        "direction": "incoming",
        "at": entry["at"],
        "portalId": portal_id,
        "method": "POST",
        "path": CONTACTS,
        "query": "idProperty=email",
        "status": 201,
        "durationMs": entry["durationMs"],
        "correlationId": None,
        "requestHeaders": entry["requestHeaders"],
        "requestBody": '{"properties":{"email":"journal@example.com"}}',
        "requestBodyTruncated": False,
        "responseBody": made.text,
        "responseBodyTruncated": False,
        "faultId": None,
    }
    assert ISO_MS.match(entry["at"]) and entry["durationMs"] > 0
    assert entry["requestHeaders"]["authorization"] == "(redacted)"
    assert TOKEN not in str(entry) and client.headers["authorization"].split()[1] not in str(entry)


def test_an_error_carries_the_correlation_id_of_its_body(admin, new_portal):
    portal_id, client = new_portal()
    missing = client.get(CONTACTS + "/999999999999")
    [entry] = _journal(admin, portalId=portal_id)
    assert entry["status"] == 404 and entry["correlationId"] == missing.json()["correlationId"]


def test_newest_first_with_filters(admin, new_portal):
    portal_id, client = new_portal()
    client.get(CONTACTS)
    client.post(CONTACTS, json={"properties": {"email": "a@example.com"}})
    client.get("/crm/v3/objects/deals")
    client.get(CONTACTS + "/999999999999")
    entries = _journal(admin, portalId=portal_id)
    assert [(e["method"], e["path"]) for e in entries] == [
        ("GET", CONTACTS + "/999999999999"),
        ("GET", "/crm/v3/objects/deals"),
        ("POST", CONTACTS),
        ("GET", CONTACTS),
    ]
    assert [int(e["id"]) for e in entries] == sorted((int(e["id"]) for e in entries), reverse=True)
    assert [e["path"] for e in _journal(admin, portalId=portal_id, method="post")] == [CONTACTS]
    assert [e["status"] for e in _journal(admin, portalId=portal_id, status=404)] == [404]
    assert len(_journal(admin, portalId=portal_id, path=CONTACTS)) == 3  # a prefix
    assert len(_journal(admin, portalId=portal_id, path="/crm/v3/objects/*s")) == 3  # a glob
    assert len(_journal(admin, portalId=portal_id, limit=2)) == 2
    assert len(_journal(admin, portalId=portal_id, direction="incoming")) == 4
    assert _journal(admin, portalId=portal_id, direction="outgoing") == []  # webhook deliveries only


def test_unauthenticated_requests_are_recorded_without_a_portal(admin, base_url):
    httpx.get(base_url + "/crm/v3/objects/journal-anonymous")
    entries = _journal(admin, path="/crm/v3/objects/journal-anonymous")
    assert entries[0]["portalId"] is None and entries[0]["status"] == 401


def test_admin_calls_are_not_recorded(admin):
    admin.get("/portals")
    assert _journal(admin, path="/_localspot") == []


def test_credentials_in_the_query_and_oauth_bodies_are_redacted(admin, base_url):
    httpx.get(base_url + "/webhooks/v3/1/settings?hapikey=secret-key&x=1")
    httpx.post(base_url + "/oauth/v1/token", data={"grant_type": "refresh_token", "client_secret": "s3cret"})
    hooks = _journal(admin, path="/webhooks/v3/1/settings")[0]
    assert hooks["query"] == "hapikey=%28redacted%29&x=1"
    token = _journal(admin, path="/oauth/v1/token")[0]
    assert "s3cret" not in token["requestBody"] and "client_secret=%28redacted%29" in token["requestBody"]


def test_large_bodies_are_truncated_at_64_kib(admin, new_portal):
    portal_id, client = new_portal()
    big = "x" * 70_000
    client.post(CONTACTS, json={"properties": {"email": "big@example.com", "notes_padding": big}})
    [entry] = _journal(admin, portalId=portal_id)
    assert entry["requestBodyTruncated"] is True and len(entry["requestBody"]) == 64 * 1024


def test_a_faulted_request_names_its_rule(admin, new_portal):
    portal_id, client = new_portal()
    rule = admin.post("/faults", json={"path": CONTACTS, "portalId": portal_id, "status": 503}).json()
    try:
        client.post(CONTACTS, json={"properties": {"email": "f@example.com"}})
    finally:
        admin.delete(f"/faults/{rule['id']}")
    [entry] = _journal(admin, portalId=portal_id)
    assert (entry["status"], entry["faultId"]) == (503, rule["id"])
    assert entry["requestBody"] == '{"properties":{"email":"f@example.com"}}'


def test_clear(fresh_server):
    server = fresh_server()
    with httpx.Client(base_url=server.url + "/_localspot") as admin:
        httpx.get(server.url + "/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert len(_journal(admin)) == 1
        assert admin.delete("/requests").status_code == 204
        assert _journal(admin) == []


def test_the_ring_keeps_the_newest_and_size_zero_turns_it_off(fresh_server):
    small = fresh_server("--journal-size", "3")
    off = fresh_server("--journal-size", "0")
    for server in (small, off):
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
            for n in range(5):
                api.get(f"/crm/v3/objects/contacts/{n}")
    with httpx.Client(base_url=small.url + "/_localspot") as admin:
        body = admin.get("/requests").json()
        assert [e["path"] for e in body["results"]] == [f"/crm/v3/objects/contacts/{n}" for n in (4, 3, 2)]
        assert (body["size"], body["recorded"]) == (3, 3)
    with httpx.Client(base_url=off.url + "/_localspot") as admin:
        assert admin.get("/requests").json() == {"results": [], "size": 0, "recorded": 0}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "0"}, "limit: must be from 1 to 1000000"),
        ({"limit": "many"}, "limit: must be a whole number, got 'many'"),
        ({"portalId": "-1"}, "portalId: must be a whole number, got '-1'"),
        ({"status": "5xx"}, "status: must be a whole number, got '5xx'"),
        ({"direction": "inbound"}, "direction: must be incoming or outgoing, got 'inbound'"),
    ],
)
def test_malformed_filters_are_400s(admin, query, message):
    assert_error(admin.get("/requests", params=query), 400, "VALIDATION_ERROR", message)
