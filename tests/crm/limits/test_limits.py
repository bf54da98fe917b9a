"""Limits tracking over real HTTP: each report counts what the portal holds (records, custom properties,
pipelines, custom object schemas, association labels, associations per record) against HubSpot's Enterprise
limits, under the classic and the date-versioned prefix. hubspot-api-client 12 has no limits module."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import create_records

BASE = "/crm/v3/limits"
PREFIXES = [BASE, "/crm/limits/2026-03"]


def report(api, path: str, **params) -> dict:
    response = api.get(f"{BASE}{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def by_type(entries: list[dict]) -> dict[str, dict]:
    return {entry["objectTypeId"]: entry for entry in entries}


def custom_schema(api, name: str, **extra) -> str:
    created = api.post(
        "/crm-object-schemas/v3/schemas",
        json={
            "name": name,
            "labels": {"singular": "Bike", "plural": "Bikes"},
            "properties": [{"name": "serial", "label": "Serial", "type": "string", "fieldType": "text"}],
            "requiredProperties": ["serial"],
            "primaryDisplayProperty": "serial",
            "associatedObjects": ["CONTACT"],
            **extra,
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["objectTypeId"]


GROUPS = {"contacts": "contactinformation", "deals": "dealinformation"}


def property_of(api, type_name: str, name: str, field_type: str = "text", **extra) -> None:
    kind = "number" if field_type == "calculation_equation" else "string"
    body = {"name": name, "label": name, "type": kind, "fieldType": field_type, "groupName": GROUPS[type_name]}
    created = api.post(f"/crm/v3/properties/{type_name}", json={**body, **extra})
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("prefix", PREFIXES)
def test_records_are_counted_per_type_and_custom_objects_share_one_limit(new_portal, prefix):
    _, api = new_portal()
    contacts = create_records(api, "contacts", 3)
    create_records(api, "companies", 2)
    assert api.delete(f"/crm/v3/objects/contacts/{contacts[0]}").status_code == 204
    bikes = custom_schema(api, "bikes")
    inputs = [{"properties": {"serial": f"S{n}"}} for n in range(4)]
    assert_batch(api.post(f"/crm/v3/objects/{bikes}/batch/create", json={"inputs": inputs}), 201, 4)

    body = api.get(f"{prefix}/records").json()
    standard = by_type(body["hubspotDefinedObjectTypes"])
    assert standard["0-1"] == {
        "objectTypeId": "0-1",
        "singularLabel": "Contact",
        "pluralLabel": "Contacts",
        "limit": 15_000_000,
        "usage": 2,
        "percentage": 0.0,
    }
    assert (standard["0-2"]["usage"], standard["0-2"]["limit"]) == (2, 15_000_000)
    assert standard["0-421"] == {
        "objectTypeId": "0-421",
        "singularLabel": "Appointment",
        "pluralLabel": "Appointments",
        "limit": 500_000,
        "usage": 0,
        "percentage": 0.0,
    }
    assert standard["0-8"]["singularLabel"] == "Line Item"
    assert {k for k, v in standard.items() if v["usage"]} == {"0-1", "0-2"}
    assert bikes not in standard
    assert body["customObjectTypes"] == {
        "byObjectType": [{"objectTypeId": bikes, "singularLabel": "Bike", "pluralLabel": "Bikes", "usage": 4}],
        "overallLimit": 500_000,
        "overallUsage": 4,
        "overallPercentage": 0.001,
    }


def test_custom_and_calculated_properties_are_counted(new_portal):
    _, api = new_portal()
    before = report(api, "/custom-properties")
    assert by_type(before["byObjectType"])["0-1"] == {
        "objectTypeId": "0-1",
        "singularLabel": "Contact",
        "pluralLabel": "Contacts",
        "limit": 1000,
        "usage": 0,
        "percentage": 0.0,
    }
    assert before["overallUsage"] == 0
    assert before["overallLimit"] == 1000 * len(before["byObjectType"])
    property_of(api, "contacts", "shoe_size")
    property_of(api, "contacts", "score", "calculation_equation", calculationFormula="1 + 1")
    property_of(api, "deals", "region")
    property_of(api, "deals", "gone")
    assert api.delete("/crm/v3/properties/deals/gone").status_code == 204

    after = report(api, "/custom-properties")
    counted = by_type(after["byObjectType"])
    assert (counted["0-1"]["usage"], counted["0-1"]["percentage"]) == (2, 0.2)
    assert counted["0-3"]["usage"] == 1
    assert after["overallUsage"] == 3
    assert after["overallPercentage"] == round(3 * 100 / after["overallLimit"], 3)

    calculated = report(api, "/calculated-properties")
    assert calculated["overallLimit"] == 200
    assert (calculated["overallUsage"], calculated["overallPercentage"]) == (1, 0.5)
    assert {k: v["usage"] for k, v in by_type(calculated["byObjectType"]).items() if v["usage"]} == {"0-1": 1}
    assert by_type(calculated["byObjectType"])["0-1"] == {
        "objectTypeId": "0-1",
        "singularLabel": "Contact",
        "pluralLabel": "Contacts",
        "usage": 1,
    }


def test_pipelines_are_counted_per_type(new_portal):
    _, api = new_portal()
    before = by_type(report(api, "/pipelines")["hubspotDefinedObjectTypes"])
    assert set(before) == {"0-3", "0-5", "0-123", "0-136"}
    deals = before["0-3"]["usage"]
    assert deals >= 1 and before["0-3"]["limit"] == 100
    created = api.post(
        "/crm/v3/pipelines/deals",
        json={
            "label": "Renewals",
            "displayOrder": 2,
            "stages": [{"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}],
        },
    )
    assert created.status_code == 201, created.text
    body = report(api, "/pipelines")
    after = by_type(body["hubspotDefinedObjectTypes"])
    assert after["0-3"] == {**before["0-3"], "usage": deals + 1, "percentage": float(deals + 1)}
    assert after["0-5"] == before["0-5"]
    assert body["customObjectTypes"] == {
        "byObjectType": [],
        "overallLimit": 100,
        "overallUsage": 0,
        "overallPercentage": 0.0,
    }


def test_custom_object_types_are_counted(new_portal):
    _, api = new_portal()
    assert report(api, "/custom-object-types") == {"limit": 10, "usage": 0, "percentage": 0.0}
    custom_schema(api, "bikes")
    custom_schema(api, "boats")
    assert report(api, "/custom-object-types") == {"limit": 10, "usage": 2, "percentage": 20.0}


def test_association_labels_per_pair(new_portal):
    _, api = new_portal()
    contact, company = (
        {"objectTypeId": "0-1", "singularLabel": "Contact", "pluralLabel": "Contacts"},
        {
            "objectTypeId": "0-2",
            "singularLabel": "Company",
            "pluralLabel": "Companies",
        },
    )
    empty = report(api, "/associations/labels", fromObjectTypeId="0-1", toObjectTypeId="0-2")
    assert empty == {
        "results": [
            {
                "fromObjectType": contact,
                "toObjectType": company,
                "limit": 10,
                "usage": 0,
                "percentage": 0.0,
                "allLabels": [],
            }
        ]
    }
    for name, label, inverse in (("manager", "Manager", "Managed"), ("billing", "Billing", None)):
        body = {"name": name, "label": label, **({"inverseLabel": inverse} if inverse else {})}
        assert api.post("/crm/v4/associations/contacts/companies/labels", json=body).status_code == 200
    expected = {
        "fromObjectType": contact,
        "toObjectType": company,
        "limit": 10,
        "usage": 2,
        "percentage": 20.0,
        "allLabels": ["Billing", "Manager"],
    }
    assert report(api, "/associations/labels", fromObjectTypeId="0-1", toObjectTypeId="0-2") == {"results": [expected]}
    everything = report(api, "/associations/labels")["results"]
    assert expected in everything
    backward = [r for r in everything if (r["fromObjectType"], r["toObjectType"]) == (company, contact)]
    assert [(r["usage"], r["allLabels"]) for r in backward] == [(2, ["Billing", "Managed"])]
    # Only the named side: every pair from contacts that can be associated.
    from_contacts = report(api, "/associations/labels", fromObjectTypeId="contacts")["results"]
    assert {r["fromObjectType"]["objectTypeId"] for r in from_contacts} == {"0-1"}
    assert expected in from_contacts and len(from_contacts) > 1


def test_records_near_and_at_their_association_limit(new_portal):
    _, api = new_portal()
    configured = api.post(
        "/crm/v4/associations/definitions/configurations/contacts/companies/batch/create",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 5}]},
    )
    assert_batch(configured, 201, 1)
    created = api.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {"email": f"{who}@example.com"}} for who in ("near", "at", "few")]},
    )
    ids = {r["properties"]["email"].split("@")[0]: int(r["id"]) for r in assert_batch(created, 201, 3)["results"]}
    companies = create_records(api, "companies", 5)
    pairs = [("near", c) for c in companies[:4]] + [("at", c) for c in companies] + [("few", c) for c in companies[:3]]
    inputs = [{"from": {"id": str(ids[who])}, "to": {"id": company}} for who, company in pairs]
    associated = api.post("/crm/v4/associations/contacts/companies/batch/associate/default", json={"inputs": inputs})
    assert associated.status_code == 200, associated.text

    assert report(api, "/associations/records/0-1/0-2") == {
        "limit": 5,
        "totalRecordsNearLimit": 1,
        "totalRecordsAtLimit": 1,
        "nearLimitFromRecordSamples": [
            {"objectId": ids["near"], "label": "near@example.com", "usage": 4, "percentage": 80.0}
        ],
        "atLimitFromRecordSamples": [{"objectId": ids["at"], "label": "at@example.com"}],
    }
    contact = {"objectTypeId": "0-1", "singularLabel": "Contact", "pluralLabel": "Contacts"}
    company = {"objectTypeId": "0-2", "singularLabel": "Company", "pluralLabel": "Companies"}
    near_and_at = {"hasRecordsNearLimit": True, "hasRecordsAtLimit": True}
    assert report(api, "/associations/records/from") == {"results": [{**contact, **near_and_at}]}
    assert report(api, "/associations/records/contacts/to") == {"results": [{**company, **near_and_at}]}
    # Companies hold at most three contacts each, far from the default limit.
    assert report(api, "/associations/records/0-2/to") == {"results": []}
    assert report(api, "/associations/records/0-2/0-1") == {
        "limit": 50_000,
        "totalRecordsNearLimit": 0,
        "totalRecordsAtLimit": 0,
        "nearLimitFromRecordSamples": [],
        "atLimitFromRecordSamples": [],
    }

    # A record archived is no longer counted, on either side.
    assert api.delete(f"/crm/v3/objects/contacts/{ids['at']}").status_code == 204
    assert api.delete(f"/crm/v3/objects/companies/{companies[0]}").status_code == 204
    assert report(api, "/associations/records/from") == {"results": []}
    emptied = report(api, "/associations/records/0-1/0-2")
    assert (emptied["totalRecordsNearLimit"], emptied["totalRecordsAtLimit"]) == (0, 0)


def test_a_portal_sees_only_its_own_usage(new_portal):
    _, first = new_portal()
    _, second = new_portal()
    custom_schema(first, "bikes")
    create_records(first, "contacts", 2)
    assert report(second, "/custom-object-types")["usage"] == 0
    assert by_type(report(second, "/records")["hubspotDefinedObjectTypes"])["0-1"]["usage"] == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/associations/labels", {"fromObjectTypeId": "nope"}),
        ("/associations/labels", {"fromObjectTypeId": "0-1", "toObjectTypeId": "nope"}),
        ("/associations/records/nope/to", {}),
        ("/associations/records/nope/0-1", {}),
        ("/associations/records/0-1/nope", {}),
    ],
)
def test_an_unknown_object_type_is_hubspots_validation_error(new_portal, path, params):
    _, api = new_portal()
    response = api.get(f"{BASE}{path}", params=params)
    body = assert_error(response, 400, "VALIDATION_ERROR", "Unable to infer object type from: nope")
    assert set(body) == {"status", "message", "correlationId", "category"}, body
