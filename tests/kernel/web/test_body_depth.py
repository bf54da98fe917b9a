"""Bodies nested deeper than the bound (`MAX_JSON_DEPTH`) are HubSpot's 400 on every endpoint, wherever
the nesting stands (a field localspot ignores too), and nothing is written; brackets inside strings do not
count, and nesting within the bound is decoded as before."""

from __future__ import annotations

import json
import uuid

import pytest

from localspot.kernel.web.api import MAX_JSON_DEPTH
from tests.support.asserts import assert_batch, assert_error

DEEP = "[" * 1000 + "]" * 1000
DEPTH_MESSAGE = f"Invalid input JSON: nested deeper than {MAX_JSON_DEPTH} levels."


def nested(levels: int) -> str:
    """A JSON value `levels` deep: arrays and objects in turn."""
    text = "1"
    for level in range(levels):
        text = f"[{text}]" if level % 2 else f'{{"k":{text}}}'
    return text


ENDPOINTS = [
    ("POST", "/crm/v3/objects/contacts", '{"properties":{"email":"%s"},"ignored":%s}'),
    ("POST", "/crm/v3/objects/contacts/batch/create", '{"inputs":[{"properties":{"email":"%s"}}],"ignored":%s}'),
    ("POST", "/crm/v3/objects/contacts/search", '{"query":"%s","ignored":%s}'),
    ("POST", "/crm/v3/properties/contacts", '{"name":"%s","ignored":%s}'),
    ("POST", "/crm/v3/pipelines/deals", '{"label":"%s","ignored":%s}'),
    ("POST", "/crm-object-schemas/v3/schemas", '{"name":"%s","ignored":%s}'),
    ("POST", "/crm/v4/associations/contacts/companies/batch/read", '{"inputs":[{"id":"%s"}],"ignored":%s}'),
    ("PUT", "/crm/objects/2026-03/contacts/1/associations/companies/2", '[{"x":"%s","ignored":%s}]'),
]


@pytest.mark.parametrize(("method", "path", "template"), ENDPOINTS)
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 1000, 100_000])
def test_a_body_nested_too_deep_is_a_400(api, method, path, template, depth):
    marker = f"deep-{uuid.uuid4().hex}@example.com"
    body = template % (marker, "[" * depth + "]" * depth)
    response = api.request(method, path, content=body, headers={"content-type": "application/json"})
    assert_error(response, 400, "VALIDATION_ERROR", DEPTH_MESSAGE)
    found = api.post(
        "/crm/v3/objects/contacts/search",
        json={"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": marker}]}]},
    )
    assert found.json()["total"] == 0


def test_nesting_within_the_bound_is_decoded(api):
    # The ignored value plus the body's own object: exactly MAX_JSON_DEPTH levels.
    email = f"within-{uuid.uuid4().hex}@example.com"
    body = '{"inputs":[{"properties":{"email":"' + email + '"}}],"ignored":' + nested(MAX_JSON_DEPTH - 1) + "}"
    response = api.post(
        "/crm/v3/objects/contacts/batch/create", content=body, headers={"content-type": "application/json"}
    )
    assert_batch(response, 201, 1)


def test_brackets_inside_strings_do_not_count(api):
    email = f"strings-{uuid.uuid4().hex}@example.com"
    body = json.dumps({"properties": {"firstname": DEEP + '"{{{', "email": email}})
    response = api.post("/crm/v3/objects/contacts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["firstname"] == DEEP + '"{{{'
