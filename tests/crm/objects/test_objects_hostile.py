"""Hostile and malformed requests to the objects API: each answers a HubSpot body, never a 5xx, and writes
nothing."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error

C = "/crm/v3/objects/contacts"
INJECT = "x' OR '1'='1"
HUGE = "9" * 40

# (method, path, JSON body or raw bytes, expected status, expected category)
CASES: list[tuple[str, str, object, int, str]] = [
    ("GET", f"{C}/{HUGE}", None, 404, "OBJECT_NOT_FOUND"),
    ("GET", f"{C}/1%00", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}/%C2%B2", None, 404, "OBJECT_NOT_FOUND"),
    ("GET", f"{C}/{INJECT}", None, 404, "OBJECT_NOT_FOUND"),
    ("GET", f"{C}/1?idProperty={INJECT}", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}/1?idProperty={'p' * 5000}", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}/{HUGE}?idProperty=hs_object_id", None, 404, "OBJECT_NOT_FOUND"),
    ("GET", f"{C}/1?archived=yes", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}?limit={HUGE}", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}?limit=-1", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}?after={INJECT}", None, 400, "VALIDATION_ERROR"),
    ("GET", f"{C}?after={HUGE}", None, 400, "VALIDATION_ERROR"),
    ("GET", "/crm/v3/objects/%27%3B--/1", None, 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/1", b"{not json", 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/1", b"", 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/1", {"properties": None}, 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/1", {"properties": ["email"]}, 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/1?idProperty={INJECT}", {"properties": {}}, 400, "VALIDATION_ERROR"),
    ("PATCH", f"{C}/{HUGE}", {"properties": {"firstname": "x"}}, 404, "OBJECT_NOT_FOUND"),
    ("POST", C, b"[]", 400, "VALIDATION_ERROR"),
    ("POST", C, {"properties": {"email": {"nested": 1}}}, 400, "VALIDATION_ERROR"),
    ("POST", C, {"properties": {INJECT: "v"}}, 400, "VALIDATION_ERROR"),
    ("POST", C, {"properties": {}, "associations": [{"to": {"id": HUGE}, "types": []}]}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/read", {"inputs": [{"id": {"a": 1}}]}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/read", {"inputs": [{"id": 1.5}]}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/read", {"inputs": [{"id": "1"}], "idProperty": INJECT}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/read", {"inputs": [{"id": "1"}], "properties": "email"}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/read", {"inputs": None}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/upsert", {"inputs": [{"id": None, "idProperty": "email"}]}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/upsert", {"inputs": [{"id": "a", "idProperty": INJECT}]}, 400, "VALIDATION_ERROR"),
    (
        "POST",
        f"{C}/batch/upsert",
        {"inputs": [{"id": "hostile@example.com", "idProperty": "email", "properties": {INJECT: "1"}}]},
        400,
        "VALIDATION_ERROR",
    ),
    ("POST", f"{C}/batch/archive", {"inputs": [{"id": [1]}]}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/batch/archive", {"inputs": "all"}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/merge", {"primaryObjectId": [1], "objectIdToMerge": "2"}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/merge", {"primaryObjectId": HUGE, "objectIdToMerge": INJECT}, 404, "OBJECT_NOT_FOUND"),
    ("POST", f"{C}/gdpr-delete", {"objectId": INJECT}, 404, "OBJECT_NOT_FOUND"),
    ("POST", f"{C}/gdpr-delete", {"objectId": "a", "idProperty": INJECT}, 400, "VALIDATION_ERROR"),
    ("POST", f"{C}/gdpr-delete", {"objectId": {"id": 1}}, 400, "VALIDATION_ERROR"),
    ("PUT", f"{C}/1", {"properties": {}}, 405, "VALIDATION_ERROR"),
    ("POST", f"{C}/1", {"properties": {}}, 405, "VALIDATION_ERROR"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "category"), CASES)
def test_hostile_request_gets_a_hubspot_error(api, method, path, body, status, category):
    kwargs = {"content": body} if isinstance(body, bytes) else {"json": body} if body is not None else {}
    response = api.request(method, path, headers={"content-type": "application/json"}, **kwargs)
    assert_error(response, status, category)


@pytest.mark.parametrize(
    "query",
    [
        {"properties": INJECT},
        {"properties": ",".join(f"p{i}" for i in range(2000))},
        {"propertiesWithHistory": [INJECT, "email", "$.x"]},
        {"associations": [INJECT, "contacts", "../../etc"]},
        {"properties": "", "associations": ""},
    ],
)
def test_hostile_read_options_are_ignored(api, unique, query):
    created = api.post(C, json={"properties": {"email": f"h-{unique}@example.com"}}).json()
    response = api.get(f"{C}/{created['id']}", params=query)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == created["id"]
    listing = api.get(C, params={**query, "limit": 1})
    assert listing.status_code == 200, listing.text


def test_huge_numeric_ids_are_simply_not_found(api):
    response = api.post(f"{C}/batch/read", json={"inputs": [{"id": int(HUGE)}]})
    assert response.status_code == 207, response.text
    assert response.json()["errors"][0]["context"] == {"ids": [HUGE]}
    assert api.post(f"{C}/batch/archive", json={"inputs": [{"id": int(HUGE)}]}).status_code == 204


def test_nothing_was_written_by_hostile_requests(api):
    response = api.get(f"{C}/hostile@example.com", params={"idProperty": "email"})
    assert_error(response, 404, "OBJECT_NOT_FOUND")
    assert api.get("/_localspot/health").status_code == 200


def test_a_batch_read_naming_very_many_properties_stays_fast(api, unique):
    import time

    created = api.post(C, json={"properties": {"email": f"many-{unique}@example.com"}}).json()
    names = [f"p{i}" for i in range(200_000)] + ["email"]
    start = time.perf_counter()
    response = api.post(f"{C}/batch/read", json={"inputs": [{"id": created["id"]}], "properties": names})
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["properties"]["email"] == f"many-{unique}@example.com"
    assert time.perf_counter() - start < 10
