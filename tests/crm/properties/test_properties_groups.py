"""Property groups: HubSpot's own (read-only) and each portal's."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error
from tests.support.properties import PREFIXES, TYPES, create, definition

TYPE_IDS = {"contacts": "0-1", "deals": "0-3", "tickets": "0-5"}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("type_name", ["contacts", "deals", "tickets"])
def test_a_custom_group_lives_holds_properties_and_is_archived(api, unique, prefix, type_name):
    base = f"{prefix}/{type_name}/groups"
    group = f"grp_{unique}"
    created = api.post(base, json={"name": group, "label": "My group", "displayOrder": 4})
    assert created.status_code == 201, created.text
    assert created.json() == {"name": group, "label": "My group", "displayOrder": 4, "archived": False}
    assert api.get(f"{base}/{group}").json() == created.json()
    listed = api.get(base).json()["results"]
    assert {"name": TYPES[type_name][0], "label": listed[0]["label"], "displayOrder": 0, "archived": False} in listed
    assert created.json() in listed

    updated = api.patch(f"{base}/{group}", json={"label": "Renamed"})
    assert updated.json() == {"name": group, "label": "Renamed", "displayOrder": 4, "archived": False}
    updated = api.patch(f"{base}/{group}", json={"displayOrder": -1})
    assert updated.json() == {"name": group, "label": "Renamed", "displayOrder": -1, "archived": False}

    prop = f"in_grp_{unique}"
    assert create(api, type_name, definition(prop, group), prefix)["groupName"] == group
    body = assert_error(
        api.delete(f"{base}/{group}"),
        400,
        "VALIDATION_ERROR",
        f"Property group {group} still contains properties ({prop}); move or archive them first.",
    )
    assert body["context"] == {"groupName": [group], "propertyName": [prop]}
    moved = api.patch(f"{prefix}/{type_name}/{prop}", json={"groupName": TYPES[type_name][0]})
    assert moved.status_code == 200 and moved.json()["groupName"] == TYPES[type_name][0]

    deleted = api.delete(f"{base}/{group}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(
        api.get(f"{base}/{group}"),
        404,
        "OBJECT_NOT_FOUND",
        f"Unable to find property group {group} for object type {TYPE_IDS[type_name]}",
    )
    assert group not in [g["name"] for g in api.get(base).json()["results"]]
    assert_error(api.post(prefix + f"/{type_name}", json=definition(f"late_{unique}", group)), 400, "VALIDATION_ERROR")
    assert_error(api.patch(f"{prefix}/{type_name}/{prop}", json={"groupName": group}), 400, "VALIDATION_ERROR")
    again = api.post(base, json={"name": group, "label": "Again"})
    assert again.status_code == 201
    assert again.json() == {"name": group, "label": "Again", "displayOrder": -1, "archived": False}


def test_hubspot_defined_groups_are_read_only(api):
    for response in (
        api.patch("/crm/v3/properties/contacts/groups/contactinformation", json={"label": "x"}),
        api.delete("/crm/properties/2026-03/contacts/groups/contactinformation"),
    ):
        body = assert_error(
            response,
            400,
            "VALIDATION_ERROR",
            "Property group contactinformation is defined by HubSpot; it cannot be changed or deleted.",
        )
        assert body["context"] == {"groupName": ["contactinformation"]}
    assert api.get("/crm/v3/properties/contacts/groups/contactinformation").json() == {
        "name": "contactinformation",
        "label": "Contact information",
        "displayOrder": 0,
        "archived": False,
    }


def test_group_errors(api, unique):
    base = "/crm/v3/properties/deals/groups"
    body = assert_error(
        api.post(base, json={"name": "dealinformation", "label": "x"}),
        409,
        "OBJECT_ALREADY_EXISTS",
        "A property group named 'dealinformation' already exists.",
    )
    assert body["context"] == {"name": ["dealinformation"]}
    group = f"g_{unique}"
    assert api.post(base, json={"name": group, "label": "x"}).status_code == 201
    assert_error(api.post(base, json={"name": group, "label": "y"}), 409, "OBJECT_ALREADY_EXISTS")
    for missing in ("patch", "delete", "get"):
        kwargs = {"json": {"label": "x"}} if missing == "patch" else {}
        assert_error(
            getattr(api, missing)(f"{base}/nope_{unique}", **kwargs),
            404,
            "OBJECT_NOT_FOUND",
            f"Unable to find property group nope_{unique} for object type 0-3",
        )
    for bad in (
        {"name": "Bad Name", "label": "x"},
        {"name": "x" * 101, "label": "x"},
        {"name": f"e_{unique}", "label": ""},
        {"name": f"e_{unique}", "label": "x" * 256},
        {"name": f"e_{unique}", "label": "x", "displayOrder": 2**40},
        {"name": f"e_{unique}"},
        {"name": 5, "label": "x"},
    ):
        assert_error(api.post(base, json=bad), 400, "VALIDATION_ERROR")
    assert_error(api.get(f"{base}/e_{unique}"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.patch(f"{base}/{group}", json={"label": " "}), 400, "VALIDATION_ERROR")
    assert_error(api.patch(f"{base}/{group}", json={"label": 3}), 400, "VALIDATION_ERROR")
    assert api.get(f"{base}/{group}").json()["label"] == "x"


def test_groups_belong_to_one_portal_and_type(api, other_portal_api, unique):
    group = f"own_{unique}"
    assert api.post("/crm/v3/properties/tickets/groups", json={"name": group, "label": "x"}).status_code == 201
    assert_error(other_portal_api.get(f"/crm/v3/properties/tickets/groups/{group}"), 404, "OBJECT_NOT_FOUND")
    assert_error(other_portal_api.delete(f"/crm/v3/properties/tickets/groups/{group}"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get(f"/crm/v3/properties/deals/groups/{group}"), 404, "OBJECT_NOT_FOUND")
    assert api.get(f"/crm/v3/properties/tickets/groups/{group}").status_code == 200
