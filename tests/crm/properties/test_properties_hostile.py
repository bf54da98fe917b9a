"""Hostile and malformed input to the properties API: 4xx HubSpot bodies, nothing written, no 500s."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.support.asserts import assert_error
from tests.support.properties import create, definition, enumeration

BASE = "/crm/v3/properties/companies"
GROUP = "companyinformation"
INJECTIONS = ["x'; DROP TABLE records; --", 'x" OR "1"="1', "x$.properties", "../../etc/passwd", "%s%s"]
# NUL characters are refused before any of this (tests/kernel/web/test_hostile_input.py).


def _companies(api):
    return {p["name"] for p in api.get(BASE).json()["results"]}


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"null",
        b"[]",
        b'"name"',
        b'{"name": ["a"], "label": "x", "type": "string", "fieldType": "text", "groupName": "companyinformation"}',
        b'{"name": "ok_name", "label": "x", "type": "string", "fieldType": "text", "groupName": "companyinformation",'
        b' "options": {"label": "a"}}',
        b'{"name": "ok_name", "label": "x", "type": "string", "fieldType": "text", "groupName": "companyinformation",'
        b' "hasUniqueValue": "yes"}',
    ],
)
def test_malformed_create_bodies_are_400(api, raw):
    before = _companies(api)
    response = api.post(BASE, content=raw, headers={"content-type": "application/json"})
    assert_error(response, 400, "VALIDATION_ERROR")
    assert _companies(api) == before


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_in_names_groups_and_paths(api, unique, evil):
    before = _companies(api)
    assert_error(api.post(BASE, json=definition(evil, GROUP)), 400, "VALIDATION_ERROR")
    assert_error(api.post(BASE, json=definition(f"g_{unique}", evil)), 400, "VALIDATION_ERROR")
    assert_error(api.post(f"{BASE}/groups", json={"name": evil, "label": evil}), 400, "VALIDATION_ERROR")
    in_path = quote(evil, safe="")
    assert_error(api.get(f"{BASE}/{in_path}"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.patch(f"{BASE}/{in_path}", json={"label": "x"}), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get(f"{BASE}/groups/{in_path}"), 404, "OBJECT_NOT_FOUND")
    assert api.post(f"{BASE}/batch/archive", json={"inputs": [{"name": evil}]}).status_code == 204
    read = api.post(f"{BASE}/batch/read", json={"inputs": [{"name": evil}]})
    assert read.status_code == 207 and read.json()["errors"][0]["context"] == {"propertyName": [evil]}
    assert _companies(api) == before


def test_option_values_are_stored_verbatim_and_semicolons_refused(api, unique):
    evil = ["' OR '1'='1", 'x" OR "1"="1', "<script>alert(1)</script>", "$.a", "%s", "naïve ✓"]
    created = create(api, "companies", enumeration(f"inj_{unique}", GROUP, evil))
    assert [o["value"] for o in created["options"]] == evil
    record = api.post(
        "/crm/v3/objects/companies/batch/create",
        json={"inputs": [{"properties": {"name": "n", f"inj_{unique}": "' OR '1'='1"}}]},
    )
    assert record.status_code == 201 and record.json()["results"][0]["properties"][f"inj_{unique}"] == "' OR '1'='1"
    assert_error(
        api.post(BASE, json=enumeration(f"semi_{unique}", GROUP, ["a;b"])),
        400,
        "VALIDATION_ERROR",
        "Option value 'a;b' is invalid: values are 1 to 500 characters and cannot contain ';' "
        "(it separates multiple values).",
    )


def test_large_inputs_are_bounded(api, unique):
    many = [{"label": f"Option {i}", "value": f"v{i}"} for i in range(1000)]
    body = definition(f"big_{unique}", GROUP, type="enumeration", fieldType="select", options=many)
    assert len(create(api, "companies", body)["options"]) == 1000
    too_many = [*many, {"label": "One more", "value": "v1000"}]
    assert_error(
        api.post(BASE, json={**body, "name": f"bigger_{unique}", "options": too_many}),
        400,
        "VALIDATION_ERROR",
        "A property can have at most 1000 options.",
    )
    assert_error(
        api.patch(f"{BASE}/big_{unique}", json={"options": too_many}),
        400,
        "VALIDATION_ERROR",
        "A property can have at most 1000 options.",
    )
    for overrides in (
        {"label": "x" * 256},
        {"description": "x" * 5001},
        {"calculationFormula": "x" * 10_001},
        {"type": "enumeration", "fieldType": "select", "options": [{"label": "x" * 501, "value": "v"}]},
        {"type": "enumeration", "fieldType": "select", "options": [{"label": "x", "value": "v" * 501}]},
        {"type": "enumeration", "fieldType": "select", "options": [{"label": "x", "value": ""}]},
        {"type": "bool", "fieldType": "booleancheckbox", "options": [{"label": "Maybe", "value": "maybe"}]},
        {"displayOrder": -(2**31) - 1},
        {"dataSensitivity": "secret"},
        {"textDisplayHint": "shout"},
    ):
        response = api.post(BASE, json=definition(f"lim_{unique}", GROUP, **overrides))
        assert_error(response, 400, "VALIDATION_ERROR")
    assert_error(api.post(BASE, json=definition("a" * 101, GROUP)), 400, "VALIDATION_ERROR")
    assert_error(api.get(f"{BASE}/lim_{unique}"), 404, "OBJECT_NOT_FOUND")


def test_bool_properties_take_yes_no_options(api, unique):
    options = [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
    created = create(
        api, "companies", definition(f"flag_{unique}", GROUP, type="bool", fieldType="booleancheckbox", options=options)
    )
    assert [o["value"] for o in created["options"]] == ["true", "false"]


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("PATCH", f"{BASE}/name", b"[1]"),
        ("POST", f"{BASE}/batch/create", b'{"inputs": [null]}'),
        ("POST", f"{BASE}/batch/read", b'{"inputs": [{"nom": "x"}]}'),
        ("POST", f"{BASE}/batch/read", b'{"inputs": [], "dataSensitivity": "loud"}'),
        ("POST", f"{BASE}/batch/archive", b'{"inputs": "all"}'),
        ("POST", f"{BASE}/groups", b'{"name": "g", "label": "x", "displayOrder": "first"}'),
        ("PATCH", f"{BASE}/groups/companyinformation", b"{bad"),
    ],
)
def test_wrong_shapes_everywhere_are_400(api, method, path, payload):
    response = api.request(method, path, content=payload, headers={"content-type": "application/json"})
    assert_error(response, 400, "VALIDATION_ERROR")


def test_unknown_object_type_and_wrong_methods(api):
    assert_error(
        api.get("/crm/v3/properties/spaceships"),
        400,
        "VALIDATION_ERROR",
        "Unable to infer object type from: spaceships",
    )
    assert_error(api.get("/crm/v3/properties/companies/batch/read"), 405, "VALIDATION_ERROR")
    assert_error(api.put("/crm/v3/properties/companies/groups"), 405, "VALIDATION_ERROR")
    assert_error(api.post("/crm/v3/properties/spaceships/batch/archive", json={"inputs": []}), 400, "VALIDATION_ERROR")


ODD_BODIES = [
    {},
    {"inputs": [{}]},
    {"inputs": [{"name": None}]},
    {"name": "x", "label": "x", "type": "string", "fieldType": "text", "groupName": GROUP, "displayOrder": 2**70},
    {"label": "x" * 100_000},
    {"options": [{"label": "a", "value": "a", "displayOrder": 1.5}]},
    {"options": [None]},
    {"type": None, "fieldType": None},
    {"name": "", "label": "", "type": "", "fieldType": "", "groupName": ""},
    {"label": "ok", "displayOrder": -1, "options": [], "inputs": "x", "archived": "maybe"},
]
ENDPOINTS = [
    ("POST", BASE),
    ("PATCH", f"{BASE}/name"),
    ("POST", f"{BASE}/batch/create"),
    ("POST", f"{BASE}/batch/read"),
    ("POST", f"{BASE}/batch/archive"),
    ("POST", f"{BASE}/groups"),
    ("PATCH", f"{BASE}/groups/companyinformation"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_odd_bodies_never_answer_5xx_or_write(api, method, path):
    before = api.get(BASE).json()
    for body in ODD_BODIES:
        response = api.request(method, path, json=body)
        assert response.status_code in (200, 204, 207, 400, 404, 409), (body, response.text)
        if response.status_code >= 400:
            assert response.json()["status"] == "error"
    assert api.get(BASE).json() == before
