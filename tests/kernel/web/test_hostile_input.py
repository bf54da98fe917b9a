"""Malformed and hostile requests: each gets a 4xx HubSpot body, the server keeps serving, nothing is written."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import TASK_TIME

CREATE = "/crm/v3/objects/contacts/batch/create"
UPDATE = "/crm/v3/objects/calls/batch/update"
MARK = "hostile-marker@example.com"

HOSTILE: list[tuple[str, str, object]] = [
    ("POST", CREATE, b"{not json"),
    ("POST", CREATE, b""),
    ("POST", CREATE, b"null"),
    ("POST", CREATE, b"[]"),
    ("POST", CREATE, b'"inputs"'),
    ("POST", CREATE, {"inputs": None}),
    ("POST", CREATE, {"inputs": {"properties": {}}}),
    ("POST", CREATE, {"inputs": [None]}),
    ("POST", CREATE, {"inputs": [{"properties": [MARK]}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": {"nested": MARK}}}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": MARK}, "associations": "all"}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": MARK}, "associations": [{"to": {}, "types": []}]}]}),
    (
        "POST",
        CREATE,
        {
            "inputs": [
                {
                    "properties": {"email": MARK},
                    "associations": [
                        {
                            "to": {"id": "1 OR 1=1"},
                            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                        }
                    ],
                }
            ]
        },
    ),
    (
        "POST",
        CREATE,
        {
            "inputs": [
                {
                    "properties": {"email": MARK},
                    "associations": [
                        {
                            "to": {"id": "1"},
                            "types": [{"associationCategory": "'; DROP TABLE records; --", "associationTypeId": 279}],
                        }
                    ],
                }
            ]
        },
    ),
    ("POST", CREATE, {"inputs": [{"properties": {"email') OR 1=1 --": MARK}}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": MARK, "$.x": "1"}}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": MARK, "hs_object_id": "1"}}]}),
    ("POST", CREATE, {"inputs": [{"properties": {"email": MARK}}] * 101}),
    ("POST", "/crm/v3/objects/robots/batch/create", {"inputs": [{"properties": {"email": MARK}}]}),
    ("POST", "/crm/v3/objects/..%2F..%2Fetc/batch/create", {"inputs": []}),
    ("POST", "/crm/v3/objects/contacts'--/batch/create", {"inputs": [{"properties": {"email": MARK}}]}),
    ("POST", UPDATE, {"inputs": [{"properties": {}}]}),
    ("POST", UPDATE, {"inputs": [{"id": ["1"], "properties": {}}]}),
    ("POST", UPDATE, {"inputs": [{"id": "1", "idProperty": "hs_call_title' OR '1'='1", "properties": {}}]}),
    ("POST", UPDATE, {"inputs": "x"}),
    ("POST", "/crm/v3/properties/calls", {"name": "x"}),
    (
        "POST",
        "/crm/v3/properties/calls",
        {
            "name": "x; DROP TABLE records",
            "label": "l",
            "type": "string",
            "fieldType": "text",
            "groupName": "callinformation",
        },
    ),
    ("GET", "/crm/v3/properties/calls/%27%20OR%201%3D1", None),
    ("DELETE", "/crm/v3/objects/contacts/batch/create", None),
    ("GET", "/crm/v3/no/such/route", None),
]


@pytest.mark.parametrize(("method", "path", "payload"), HOSTILE)
def test_hostile_request_is_a_4xx_hubspot_error(api, method, path, payload):
    if isinstance(payload, bytes):
        response = api.request(method, path, content=payload, headers={"content-type": "application/json"})
    elif payload is None:
        response = api.request(method, path)
    else:
        response = api.request(method, path, json=payload)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error" and body["message"] and body["category"] and body["correlationId"]


def test_oversized_body_is_a_413(api):
    huge = json.dumps({"inputs": [{"properties": {"email": "x" * (17 * 1024 * 1024)}}]})
    assert_error(api.post(CREATE, content=huge, headers={"content-type": "application/json"}), 413, "VALIDATION_ERROR")


def test_nothing_was_written_and_the_server_still_serves(api):
    assert len(HOSTILE) >= 25
    # MARK was never stored: creating it now succeeds rather than conflicting
    created = api.post(CREATE, json={"inputs": [{"properties": {"email": MARK}}]})
    assert_batch(created, 201, 1)
    assert api.get("/_localspot/health").status_code == 200
    task = api.post(
        "/crm/v3/objects/tasks/batch/create", json={"inputs": [{"properties": {"hs_timestamp": TASK_TIME}}]}
    )
    assert_batch(task, 201, 1)


def test_chunked_body_over_the_limit_is_a_413(base_url):
    def chunks():
        for _ in range(20):
            yield b"x" * (1024 * 1024)

    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer test-token-all-scopes"}) as client:
        response = client.post(CREATE, content=chunks(), headers={"content-type": "application/json"})
    assert_error(response, 413, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", CREATE, {"inputs": [{"properties": {"email": "nul\u0000@example.com"}}]}),
        ("POST", CREATE, {"inputs": [{"properties": {"firstname\u0000": "x"}}]}),
        (
            "POST",
            "/crm/v3/objects/contacts/search",
            {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "a\u0000"}]}]},
        ),
        (
            "POST",
            "/crm/v3/properties/contacts",
            {"name": "p", "label": "a\u0000", "type": "string", "fieldType": "text", "groupName": "contactinformation"},
        ),
        ("GET", "/crm/v3/objects/contacts/1%00", None),
        ("GET", "/crm/v3/properties/companies/x%00y", None),
        ("POST", "/crm/v3/properties/companies/batch/archive", {"inputs": [{"name": "x\u0000y"}]}),
        ("GET", "/crm/v3/objects/contacts?properties=email%00", None),
    ],
)
def test_nul_characters_are_a_400_on_every_backend(api, method, path, payload):
    response = api.request(method, path, json=payload) if payload is not None else api.request(method, path)
    assert_error(
        response, 400, "VALIDATION_ERROR", "Invalid input: text values cannot contain the NUL character (\\u0000)."
    )
