"""The part of the properties API that makes `idProperty` real: create, list and get."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error


def new_property(name, **overrides):
    return {
        "name": name,
        "label": "Key",
        "type": "string",
        "fieldType": "text",
        "groupName": "callinformation",
        **overrides,
    }


def test_create_get_and_list_a_unique_property(api, unique):
    name = f"external_key_{unique}"
    created = api.post("/crm/v3/properties/calls", json=new_property(name, hasUniqueValue=True, description="d"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == name and body["hasUniqueValue"] is True and body["hubspotDefined"] is False
    assert body["description"] == "d" and body["options"] == [] and body["groupName"] == "callinformation"
    assert body["modificationMetadata"] == {"archivable": True, "readOnlyDefinition": False, "readOnlyValue": False}
    fetched = api.get(f"/crm/v3/properties/calls/{name}")
    assert fetched.status_code == 200 and fetched.json() == body
    listed = api.get("/crm/v3/properties/calls").json()["results"]
    names = [p["name"] for p in listed]
    assert name in names and "hs_call_title" in names
    standard = next(p for p in listed if p["name"] == "hs_call_status")
    assert standard["type"] == "enumeration" and {o["value"] for o in standard["options"]} >= {"COMPLETED", "BUSY"}


def test_existing_name_is_a_409(api):
    assert_error(api.post("/crm/v3/properties/calls", json=new_property("hs_call_title")), 409, "OBJECT_ALREADY_EXISTS")


@pytest.mark.parametrize(
    "overrides",
    [
        {"type": "colour"},
        {"fieldType": "select"},
        {"groupName": "no_such_group"},
        {"name": "Bad-Name"},
        {"type": "enumeration", "fieldType": "select"},
    ],
)
def test_invalid_definitions_are_a_400(api, unique, overrides):
    body = {**new_property(f"p_{unique}"), **overrides}
    assert_error(api.post("/crm/v3/properties/calls", json=body), 400, "VALIDATION_ERROR")


def test_unknown_property_is_a_404(api):
    assert_error(api.get("/crm/v3/properties/calls/not_a_property"), 404, "OBJECT_NOT_FOUND")


def test_at_most_ten_unique_properties_per_type(api, unique):
    statuses = [
        api.post(
            "/crm/v3/properties/meetings",
            json=new_property(f"u{i}_{unique}", hasUniqueValue=True, groupName="meetinginformation"),
        ).status_code
        for i in range(11)
    ]
    assert statuses == [201] * 10 + [400]
