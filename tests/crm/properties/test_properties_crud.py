"""Property definitions: create, read, update and archive, on both path families and several types."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error
from tests.support.properties import (
    PREFIXES,
    TYPES,
    create,
    create_record,
    definition,
    enumeration,
    expected_property,
    without_stamps,
)

TYPE_IDS = {"contacts": "0-1", "deals": "0-3", "tickets": "0-5", "calls": "0-48"}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("type_name", ["contacts", "deals", "tickets"])
def test_a_custom_property_lives_and_is_archived(api, unique, prefix, type_name):
    group = TYPES[type_name][0]
    name = f"life_{unique}"
    body = enumeration(name, group, ["red", "green"], description="colour", displayOrder=3)
    body["options"][0].update(description="warm", displayOrder=2, hidden=True)
    created = create(api, type_name, body, prefix)
    assert without_stamps(created) == expected_property(body)
    assert created["createdAt"] == created["updatedAt"] and "archivedAt" not in created

    fetched = api.get(f"{prefix}/{type_name}/{name}")
    assert fetched.status_code == 200 and fetched.json() == created

    patch = {"label": "Renamed", "description": "", "displayOrder": 7, "hidden": True, "formField": True}
    updated = api.patch(f"{prefix}/{type_name}/{name}", json=patch)
    assert updated.status_code == 200, updated.text
    assert without_stamps(updated.json()) == expected_property({**body, **patch})
    assert updated.json()["createdAt"] == created["createdAt"]
    assert updated.json()["updatedAt"] >= created["updatedAt"]
    assert api.get(f"{prefix}/{type_name}/{name}").json() == updated.json()

    deleted = api.delete(f"{prefix}/{type_name}/{name}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(
        api.get(f"{prefix}/{type_name}/{name}"),
        404,
        "OBJECT_NOT_FOUND",
        f"Unable to find property {name} for object type {TYPE_IDS[type_name]}",
    )
    archived = api.get(f"{prefix}/{type_name}/{name}", params={"archived": "true"})
    assert archived.status_code == 200
    assert without_stamps(archived.json()) == expected_property({**body, **patch}, archived=True)
    assert "archivedAt" in archived.json()
    assert name not in [p["name"] for p in api.get(f"{prefix}/{type_name}").json()["results"]]
    archived_list = api.get(f"{prefix}/{type_name}", params={"archived": "True"}).json()["results"]
    assert [p["name"] for p in archived_list if p["name"] == name] == [name]
    assert all(p["archived"] for p in archived_list)
    # Archiving again changes nothing.
    assert api.delete(f"{prefix}/{type_name}/{name}").status_code == 204
    assert api.get(f"{prefix}/{type_name}/{name}", params={"archived": "true"}).json() == archived.json()


def test_every_listed_property_carries_the_fields_clients_need(api):
    for type_name in ("contacts", "deals", "tickets", "calls"):
        listed = api.get(f"/crm/v3/properties/{type_name}")
        assert listed.status_code == 200
        assert set(listed.json()) == {"results"}
        for prop in listed.json()["results"]:
            for key in ("name", "label", "type", "fieldType", "groupName", "displayOrder", "calculated"):
                assert key in prop, (key, prop)
            assert isinstance(prop["description"], str) and isinstance(prop["options"], list)
            assert {k: type(v) for k, v in prop["modificationMetadata"].items()} == {
                "archivable": bool,
                "readOnlyDefinition": bool,
                "readOnlyValue": bool,
            }
            for key in ("hubspotDefined", "formField", "externalOptions", "hidden", "hasUniqueValue", "archived"):
                assert isinstance(prop[key], bool), (key, prop)
            assert all(set(o) >= {"label", "value", "hidden"} for o in prop["options"])


def test_hubspot_defined_definitions_are_read_only(api):
    body = assert_error(
        api.patch("/crm/v3/properties/contacts/firstname", json={"label": "Given name"}),
        400,
        "VALIDATION_ERROR",
        "Property firstname is defined by HubSpot; its definition is read-only and cannot be changed.",
    )
    assert body["context"] == {"propertyName": ["firstname"]}
    assert_error(
        api.delete("/crm/properties/2026-03/deals/dealname"),
        400,
        "VALIDATION_ERROR",
        "HubSpot-defined properties cannot be archived: dealname.",
    )
    standard = api.get("/crm/v3/properties/contacts/firstname").json()
    assert standard["label"] != "Given name" and standard["archived"] is False
    assert standard["hubspotDefined"] is True
    assert standard["modificationMetadata"]["readOnlyDefinition"] is True
    assert standard["modificationMetadata"]["archivable"] is False


def test_name_and_uniqueness_cannot_change(api, unique):
    name = f"fixed_{unique}"
    create(api, "tickets", definition(name, "ticketinformation", hasUniqueValue=True))
    assert_error(
        api.patch(f"/crm/v3/properties/tickets/{name}", json={"name": f"other_{unique}"}),
        400,
        "VALIDATION_ERROR",
        f"Property names cannot be changed (tried to rename {name} to other_{unique}); create a new property instead.",
    )
    assert_error(
        api.patch(f"/crm/v3/properties/tickets/{name}", json={"hasUniqueValue": False}),
        400,
        "VALIDATION_ERROR",
        f"hasUniqueValue of property {name} cannot be changed after the property is created.",
    )
    same = api.patch(f"/crm/v3/properties/tickets/{name}", json={"name": name, "hasUniqueValue": True, "label": "L"})
    assert same.status_code == 200 and same.json()["label"] == "L" and same.json()["hasUniqueValue"] is True
    assert_error(api.get(f"/crm/v3/properties/tickets/other_{unique}"), 404, "OBJECT_NOT_FOUND")


def test_unknown_and_archived_properties_are_404_for_changes(api, unique):
    assert_error(api.patch("/crm/v3/properties/deals/no_such_prop", json={"label": "x"}), 404, "OBJECT_NOT_FOUND")
    assert_error(api.delete("/crm/v3/properties/deals/no_such_prop"), 404, "OBJECT_NOT_FOUND")
    name = f"gone_{unique}"
    create(api, "deals", definition(name, "dealinformation"))
    assert api.delete(f"/crm/v3/properties/deals/{name}").status_code == 204
    assert_error(api.patch(f"/crm/v3/properties/deals/{name}", json={"label": "x"}), 404, "OBJECT_NOT_FOUND")


def test_archived_properties_refuse_record_writes_and_the_name_can_be_reused(api, unique):
    name = f"reuse_{unique}"
    create(api, "contacts", definition(name, "contactinformation"))
    record = create_record(api, "contacts", {name: "kept"})
    assert api.delete(f"/crm/v3/properties/contacts/{name}").status_code == 204
    response = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {name: "new"}}]})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    # A new definition under the archived name must still fit the value records hold.
    refused = api.post(
        "/crm/v3/properties/contacts", json=definition(name, "contactinformation", type="number", fieldType="number")
    )
    body = assert_error(refused, 400, "VALIDATION_ERROR")
    assert body["context"] == {"propertyName": [name], "ids": [record["id"]]}
    again = create(api, "contacts", definition(name, "contactinformation", label="Again"))
    assert again["label"] == "Again" and again["archived"] is False
    assert create_record(api, "contacts", {name: "fresh"})["properties"][name] == "fresh"


def test_a_unique_property_holds_unique_values(api, unique):
    name = f"ext_id_{unique}"
    created = create(api, "deals", definition(name, "dealinformation", hasUniqueValue=True))
    assert created["hasUniqueValue"] is True
    create_record(api, "deals", {name: f"v-{unique}"})
    clash = api.post(
        "/crm/v3/objects/deals/batch/create",
        json={"inputs": [{"properties": {**TYPES["deals"][1], name: f"v-{unique}"}}]},
    )
    assert_error(clash, 409, "CONFLICT")
    relabelled = api.patch(f"/crm/v3/properties/deals/{name}", json={"label": "External id"})
    assert relabelled.status_code == 200 and relabelled.json()["hasUniqueValue"] is True


def test_creating_a_property_needs_a_valid_body(api, unique):
    name = f"dup_{unique}"
    create(api, "contacts", definition(name, "contactinformation"))
    body = assert_error(
        api.post("/crm/v3/properties/contacts", json=definition(name, "contactinformation")),
        409,
        "OBJECT_ALREADY_EXISTS",
        f"A property named '{name}' already exists.",
    )
    assert body["context"] == {"name": [name]}
    assert_error(
        api.post("/crm/v3/properties/contacts", json={"name": f"x_{unique}", "label": "x"}),
        400,
        "VALIDATION_ERROR",
        "Invalid input JSON: Object missing required field `type`",
    )


@pytest.mark.parametrize(
    ("scopes", "read", "write"),
    [
        ("crm.schemas.contacts.read", 200, 403),
        ("crm.objects.contacts.read", 200, 403),
        ("crm.schemas.contacts.write", 403, 201),
        # The spec lets record scopes read definitions, never write them (issue #15, item 15).
        ("crm.objects.contacts.write", 200, 403),
        ("crm.objects.contacts.sensitive.read.v2", 200, 403),
        ("crm.schemas.deals.read crm.schemas.deals.write", 403, 403),
    ],
)
def test_scopes(base_url, token_for, unique, scopes, read, write):
    with make_client(base_url, token_for(scopes.replace(" ", ","))) as client:
        assert client.get("/crm/v3/properties/contacts/email").status_code == read
        assert client.get("/crm/v3/properties/contacts/groups").status_code == read
        response = client.post("/crm/v3/properties/contacts", json=definition(f"s_{unique}", "contactinformation"))
        assert response.status_code == write, response.text


def test_missing_scope_names_the_alternatives(base_url, token_for):
    with make_client(base_url, token_for("crm.objects.deals.read")) as client:
        body = assert_error(client.patch("/crm/v3/properties/tickets/subject", json={}), 403, "MISSING_SCOPES")
    assert body["errors"][0]["context"] == {
        "requiredGranularScopes": [
            "crm.objects.tickets.highly_sensitive.write",
            "crm.objects.tickets.sensitive.write",
            "crm.schemas.tickets.write",
            "tickets",
            "tickets.highly_sensitive.v2",
            "tickets.sensitive.v2",
        ]
    }


def test_data_sensitivity_filters_the_list(api, unique):
    name = f"secret_{unique}"
    created = create(api, "contacts", definition(name, "contactinformation", dataSensitivity="sensitive"))
    assert created["dataSensitivity"] == "sensitive"

    def names(**params):
        return [p["name"] for p in api.get("/crm/v3/properties/contacts", params=params).json()["results"]]

    assert name not in names() and "email" in names()
    assert name in names(dataSensitivity="sensitive") and "email" not in names(dataSensitivity="sensitive")
    assert_error(
        api.get("/crm/v3/properties/contacts", params={"dataSensitivity": "public"}),
        400,
        "VALIDATION_ERROR",
        "dataSensitivity must be one of ['non_sensitive', 'sensitive', 'highly_sensitive'].",
    )


def test_other_portals_cannot_change_or_archive_a_property(api, other_portal_api, unique):
    name = f"mine_{unique}"
    create(api, "calls", definition(name, "callinformation"))
    assert_error(
        other_portal_api.patch(f"/crm/v3/properties/calls/{name}", json={"label": "x"}), 404, "OBJECT_NOT_FOUND"
    )
    assert_error(other_portal_api.delete(f"/crm/v3/properties/calls/{name}"), 404, "OBJECT_NOT_FOUND")
    assert (
        other_portal_api.post("/crm/v3/properties/calls/batch/archive", json={"inputs": [{"name": name}]}).status_code
        == 204
    )
    assert api.get(f"/crm/v3/properties/calls/{name}").json()["label"] == f"Label {name}"
