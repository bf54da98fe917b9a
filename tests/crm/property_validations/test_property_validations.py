"""`/crm/v3/property-validations`: rules per property, read and replaced per rule type, and enforced on every
write path with HubSpot's "Property values were not valid" 400; rules that do not fit are refused."""

from __future__ import annotations

import json

import pytest

from tests.support.asserts import assert_error

BASE = "/crm/v3/property-validations"


def _put(client, type_id: str, name: str, rule_type: str, arguments: list[str], **extra: object):
    return client.put(f"{BASE}/{type_id}/{name}/rule-type/{rule_type}", json={"ruleArguments": arguments, **extra})


def _entries(body: dict) -> list[dict]:
    return json.loads(body["message"].removeprefix("Property values were not valid: "))


def test_a_rule_is_stored_read_back_and_replaced_per_type(new_portal):
    _, client = new_portal()
    assert _put(client, "0-1", "firstname", "ALPHANUMERIC", ["ALPHA_ONLY"]).status_code == 204
    assert _put(client, "0-1", "firstname", "MAX_LENGTH", ["5"], shouldApplyNormalization=True).status_code == 204
    assert client.get(f"{BASE}/0-1").json() == {
        "results": [
            {
                "propertyName": "firstname",
                "propertyValidationRules": [
                    {"ruleType": "ALPHANUMERIC", "ruleArguments": ["ALPHA_ONLY"]},
                    {"ruleType": "MAX_LENGTH", "ruleArguments": ["5"]},
                ],
            }
        ]
    }
    assert client.get(f"{BASE}/contacts/firstname/rule-type/MAX_LENGTH").json() == {
        "ruleType": "MAX_LENGTH",
        "ruleArguments": ["5"],
        "shouldApplyNormalization": True,
    }
    assert _put(client, "0-1", "firstname", "MAX_LENGTH", ["8"]).status_code == 204
    assert client.get(f"{BASE}/0-1/firstname").json() == {
        "results": [
            {"ruleType": "ALPHANUMERIC", "ruleArguments": ["ALPHA_ONLY"]},
            {"ruleType": "MAX_LENGTH", "ruleArguments": ["8"]},
        ]
    }


def test_a_broken_rule_refuses_the_write_with_hubspots_body_on_every_path(new_portal):
    _, client = new_portal()
    _put(client, "0-1", "firstname", "ALPHANUMERIC", ["ALPHA_ONLY"])
    refused = client.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "v@example.com", "firstname": "R2D2"}}
    )
    body = assert_error(refused, 400, "VALIDATION_ERROR")
    assert [{k: e[k] for k in ("isValid", "message", "error", "name")} for e in _entries(body)] == [
        {"isValid": False, "message": "Enter only letters", "error": "INVALID_ALPHA", "name": "firstname"}
    ]
    made = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "v@example.com", "firstname": "Ada"}})
    assert made.status_code == 201
    record_id = made.json()["id"]
    assert_error(
        client.patch(f"/crm/v3/objects/contacts/{record_id}", json={"properties": {"firstname": "4da"}}),
        400,
        "VALIDATION_ERROR",
    )
    batch = {
        "inputs": [
            {"properties": {"email": f"b{n}@example.com", "firstname": name}} for n, name in enumerate(["Bo", "B0"])
        ]
    }
    assert_error(client.post("/crm/v3/objects/contacts/batch/create", json=batch), 400, "VALIDATION_ERROR")
    upsert = {"inputs": [{"id": "v@example.com", "idProperty": "email", "properties": {"firstname": "x1"}}]}
    assert_error(client.post("/crm/v3/objects/contacts/batch/upsert", json=upsert), 400, "VALIDATION_ERROR")
    read = client.get(f"/crm/v3/objects/contacts/{record_id}").json()
    assert read["properties"]["firstname"] == "Ada"
    assert len(client.get("/crm/v3/objects/contacts").json()["results"]) == 1


@pytest.mark.parametrize(
    ("property_body", "rule_type", "arguments", "good", "bad", "code"),
    [
        ({"type": "string", "fieldType": "text"}, "EMAIL", [], "a@b.co", "not-an-email", "INVALID_EMAIL"),
        (
            {"type": "string", "fieldType": "text"},
            "REGEX",
            ["[A-Z]{3}-\\d+", "Use ABC-123"],
            "ABC-1",
            "abc-1",
            "INVALID_REGEX",
        ),
        (
            {"type": "string", "fieldType": "text"},
            "EMAIL_BLOCKED_DOMAINS",
            ["spam.test"],
            "a@ok.test",
            "a@spam.test",
            "BLOCKED_DOMAIN",
        ),
        ({"type": "string", "fieldType": "text"}, "MIN_LENGTH", ["3"], "abc", "ab", "TOO_SHORT"),
        ({"type": "number", "fieldType": "number"}, "MAX_NUMBER", ["10"], "9.5", "10.5", "NUMBER_TOO_LARGE"),
        ({"type": "number", "fieldType": "number"}, "DECIMAL", ["1"], "1.5", "1.25", "TOO_MANY_DECIMALS"),
        (
            {"type": "date", "fieldType": "date"},
            "START_DATE",
            ["1704067200000"],
            "2024-01-02",
            "2023-12-31",
            "DATE_TOO_EARLY",
        ),
        (
            {"type": "date", "fieldType": "date"},
            "DAYS_OF_WEEK",
            ["MONDAY"],
            "2024-01-01",
            "2024-01-02",
            "INVALID_DAY_OF_WEEK",
        ),
    ],
)
def test_each_kind_of_rule(new_portal, property_body, rule_type, arguments, good, bad, code):
    _, client = new_portal()
    made = client.post(
        "/crm/v3/properties/contacts",
        json={"name": "checked", "label": "Checked", "groupName": "contactinformation", **property_body},
    )
    assert made.status_code == 201, made.text
    assert _put(client, "contacts", "checked", rule_type, arguments).status_code == 204
    ok = client.post("/crm/v3/objects/contacts", json={"properties": {"checked": good}})
    assert ok.status_code == 201, ok.text
    body = assert_error(
        client.post("/crm/v3/objects/contacts", json={"properties": {"checked": bad}}), 400, "VALIDATION_ERROR"
    )
    assert [e["error"] for e in _entries(body)] == [code]


@pytest.mark.parametrize(
    ("name", "rule_type", "arguments", "message"),
    [
        ("firstname", "SHOUTING", [], "ruleType must be one of"),
        ("firstname", "MIN_NUMBER", ["3"], "a MIN_NUMBER rule does not fit firstname (type string, fieldType text)"),
        (
            "firstname",
            "ALPHANUMERIC",
            ["KLINGON"],
            "a ALPHANUMERIC rule takes one of ALPHANUMERIC, ALPHA_ONLY, NUMERIC_ONLY",
        ),
        ("firstname", "MAX_LENGTH", ["0"], "a MAX_LENGTH rule takes one whole number from 1 to 10000"),
        ("firstname", "REGEX", ["("], "a REGEX rule pattern does not compile"),
    ],
)
def test_rules_that_do_not_fit_are_400s_and_change_nothing(new_portal, name, rule_type, arguments, message):
    _, client = new_portal()
    body = assert_error(_put(client, "0-1", name, rule_type, arguments), 400, "VALIDATION_ERROR")
    assert body["message"].startswith(message), body["message"]
    assert client.get(f"{BASE}/0-1").json() == {"results": []}


def test_unknown_properties_rules_and_scopes(new_portal):
    _, client = new_portal()
    assert_error(_put(client, "0-1", "no_such_property", "EMAIL", []), 404, "OBJECT_NOT_FOUND")
    assert_error(
        client.get(f"{BASE}/0-1/firstname/rule-type/EMAIL"),
        404,
        "OBJECT_NOT_FOUND",
        "Property firstname of 0-1 has no EMAIL rule.",
    )
    assert_error(
        client.put(f"{BASE}/0-1/firstname/rule-type/EMAIL", json={"ruleArguments": [], "colour": 1}),
        400,
        "VALIDATION_ERROR",
    )
    _, reader = new_portal(scopes=["crm.objects.contacts.read"])
    assert_error(_put(reader, "0-1", "email", "EMAIL", []), 403, "MISSING_SCOPES")


def test_a_portal_reset_drops_its_rules(new_portal, admin):
    portal_id, client = new_portal()
    _put(client, "0-1", "firstname", "ALPHANUMERIC", ["ALPHA_ONLY"])
    assert admin.post(f"/portals/{portal_id}/reset").status_code == 204
    assert client.get(f"{BASE}/0-1").json() == {"results": []}
    assert client.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "R2D2"}}).status_code == 201
