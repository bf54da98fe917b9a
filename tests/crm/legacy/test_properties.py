"""Properties v1/v2 and their groups, and companies v2's own property list, in the legacy shape."""

from __future__ import annotations

import httpx
import pytest

from tests.support.asserts import assert_error

DEALNAME = {
    "name": "dealname",
    "label": "Deal name",
    "description": "Name of the deal.",
    "groupName": "dealinformation",
    "type": "string",
    "fieldType": "text",
    "options": [],
    "displayOrder": -1,
    "hidden": False,
    "calculated": False,
    "externalOptions": False,
    "formField": False,
    "hubspotDefined": True,
    "readOnlyValue": False,
    "readOnlyDefinition": True,
    "mutableDefinitionNotDeletable": True,
    "hasUniqueValue": False,
    "deleted": False,
    "favorited": False,
    "favoritedOrder": -1,
    "displayMode": "current_value",
    "showCurrencySymbol": False,
    "currencyPropertyName": None,
    "numberDisplayHint": None,
    "textDisplayHint": None,
    "referencedObjectType": None,
    "calculationFormula": None,
    "searchableInGlobalSearch": False,
    "isCustomizedDefault": False,
    "createdUserId": None,
    "updatedUserId": None,
    "createdAt": None,
    "updatedAt": None,
}


@pytest.mark.parametrize(
    "path", ["/properties/v1/deals/properties", "/properties/v2/deals/properties", "/properties/v2/deal/properties"]
)
def test_deal_properties_are_a_bare_list_in_the_legacy_shape(api, path):
    response = api.get(path)
    assert response.status_code == 200, response.text
    listed = {p["name"]: p for p in response.json()}
    assert listed["dealname"] == DEALNAME
    # Datetimes are `datetime` to the legacy APIs; enumerations keep their options.
    assert (listed["closedate"]["type"], listed["closedate"]["fieldType"]) == ("datetime", "date")
    stage = listed["dealstage"]
    assert stage["type"] == "enumeration"
    assert stage["options"][0] == {
        "label": "Appointment scheduled",
        "value": "appointmentscheduled",
        "description": "",
        "displayOrder": 0,
        "hidden": False,
        "readOnly": False,
        "doubleData": None,
    }
    modern = {p["name"] for p in api.get("/crm/v3/properties/deals").json()["results"]}
    assert set(listed) == modern


@pytest.mark.parametrize("path", ["/properties/v2/contact/properties", "/properties/v1/contacts/properties"])
def test_contact_properties_answer_the_singular_and_plural_names(api, path):
    response = api.get(path)
    assert response.status_code == 200, response.text
    assert "email" in {p["name"] for p in response.json()}


def test_companies_v2_lists_the_company_properties(api):
    response = api.get("/companies/v2/properties")
    assert response.status_code == 200, response.text
    assert {p["name"] for p in response.json()} == {
        p["name"] for p in api.get("/crm/v3/properties/companies").json()["results"]
    }


def test_a_custom_property_carries_its_timestamps_as_epoch_ms(new_portal):
    _, client = new_portal()
    created = client.post(
        "/crm/v3/properties/deals",
        json={
            "name": "region",
            "label": "Region",
            "type": "string",
            "fieldType": "text",
            "groupName": "dealinformation",
        },
    )
    assert created.status_code == 201, created.text
    response = client.get("/properties/v1/deals/properties/named/region")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hubspotDefined"] is False and body["mutableDefinitionNotDeletable"] is False
    assert isinstance(body["createdAt"], int) and body["createdAt"] == body["updatedAt"] > 1_500_000_000_000


def test_groups_with_and_without_their_properties(new_portal):
    portal_id, client = new_portal()
    response = client.get("/properties/v1/deals/groups")
    assert response.status_code == 200, response.text
    assert response.json() == [
        {
            "portalId": portal_id,
            "name": "dealinformation",
            "displayName": "Deal information",
            "displayOrder": 0,
            "hubspotDefined": True,
        }
    ]
    with_properties = client.get("/properties/v2/deals/groups", params={"includeProperties": "true"}).json()
    assert DEALNAME in with_properties[0]["properties"]
    one = client.get("/properties/v1/deals/groups/named/dealinformation")
    assert one.status_code == 200 and one.json() == response.json()[0]


def test_unknown_types_properties_and_groups(api):
    unknown = "Unable to infer object type from: nope"
    assert_error(api.get("/properties/v1/nope/properties"), 400, "VALIDATION_ERROR", unknown)
    assert_error(api.get("/properties/v1/deals/properties/named/nope"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get("/properties/v1/deals/groups/named/nope"), 404, "OBJECT_NOT_FOUND")


def test_legacy_properties_need_a_token_and_a_scope(base_url, token_for):
    with httpx.Client(base_url=base_url) as anonymous:
        assert_error(anonymous.get("/properties/v1/deals/properties"), 401, "INVALID_AUTHENTICATION")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token_for('forms')}"}) as client:
        assert_error(client.get("/properties/v1/deals/properties"), 403, "MISSING_SCOPES")


def legacy_only(name: str, label: str, kind: str, field_type: str, group: str) -> dict:
    """A read-only HubSpot-defined property of deal splits or forms, in the legacy shape."""
    return {
        **DEALNAME,
        "name": name,
        "label": label,
        "description": "",
        "groupName": group,
        "type": kind,
        "fieldType": field_type,
        "readOnlyValue": True,
        "referencedObjectType": "OWNER" if name == "hubspot_owner_id" else None,
    }


def test_deal_splits_and_forms_have_property_lists_outside_the_crm_types(api, token_for, base_url):
    """Integrations read them with the other types' (Airbyte's discover): deal splits' seven properties,
    forms' only the three every HubSpot type has (localspot serves no forms)."""
    splits = api.get("/properties/v2/deal_split/properties")
    assert splits.status_code == 200, splits.text
    created, modified, record_id = (
        ("hs_createdate", "Create date", "datetime", "date"),
        ("hs_lastmodifieddate", "Last modified date", "datetime", "date"),
        ("hs_object_id", "Record ID", "number", "number"),
    )
    split_rows = [
        created,
        ("hs_deal_id", "Deal ID", "number", "number"),
        ("hs_deal_split_amount", "Split amount", "number", "number"),
        ("hs_deal_split_percentage", "Split percentage", "number", "number"),
        modified,
        record_id,
        ("hubspot_owner_id", "Split owner", "enumeration", "select"),
    ]
    assert splits.json() == [legacy_only(*row, "dealsplitinformation") for row in split_rows]
    one = api.get("/properties/v1/DEAL_SPLIT/properties/named/hs_deal_split_percentage")
    assert one.status_code == 200 and one.json() == splits.json()[3]
    missing = api.get("/properties/v1/deal_split/properties/named/dealname")
    assert_error(missing, 404, "OBJECT_NOT_FOUND")
    forms = api.get("/properties/v1/form/properties")
    assert forms.status_code == 200, forms.text
    assert forms.json() == [legacy_only(*row, "forminformation") for row in (created, modified, record_id)]
    # Each takes its own type's scope: the deal splits' one, and forms'.
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.schemas.deals.read')}"}
    ) as c:
        assert_error(c.get("/properties/v2/deal_split/properties"), 403, "MISSING_SCOPES")
        assert_error(c.get("/properties/v2/form/properties"), 403, "MISSING_SCOPES")
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.dealsplits.read_write')}"}
    ) as c:
        assert c.get("/properties/v2/deal_split/properties").json() == splits.json()
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token_for('forms')}"}) as c:
        assert c.get("/properties/v2/form/properties").json() == forms.json()
