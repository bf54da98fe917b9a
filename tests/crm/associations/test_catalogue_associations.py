"""HUBSPOT_DEFINED association types between the catalogue's newer types and the older ones, over real HTTP:
quotes, communications, postal mail, leads, invoices, orders and carts with contacts, companies, deals,
tickets and line items, under HubSpot's published type ids."""

from __future__ import annotations

import pytest

from tests.support.factories import create_records

HUBSPOT = "HUBSPOT_DEFINED"


def entry(type_id: int, label: str | None = None) -> dict:
    return {"category": HUBSPOT, "typeId": type_id, "label": label}


def associations_of(api, from_type: str, from_id: str, to_type: str) -> dict[int, list[dict]]:
    response = api.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return {r["toObjectId"]: r["associationTypes"] for r in response.json()["results"]}


@pytest.mark.parametrize(
    ("from_type", "to_type", "type_id", "inverse_id"),
    [
        ("quotes", "deals", 64, 63),
        ("quotes", "line_items", 67, 68),
        ("quotes", "contacts", 69, 70),
        ("quotes", "companies", 71, 72),
        ("communications", "contacts", 81, 82),
        ("communications", "tickets", 83, 84),
        ("postal_mail", "deals", 457, 458),
        ("postal_mail", "companies", 459, 460),
        ("leads", "contacts", 608, 609),
        ("leads", "companies", 610, 611),
        ("invoices", "deals", 175, 176),
        ("invoices", "line_items", 409, 410),
        ("orders", "contacts", 507, 508),
        ("orders", "carts", 593, 592),
        ("carts", "line_items", 590, 591),
    ],
)
def test_default_association_of_a_new_type_under_its_published_ids(api, from_type, to_type, type_id, inverse_id):
    from_id = create_records(api, from_type, 1)[0]
    to_id = create_records(api, to_type, 1)[0]
    put = api.put(f"/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}")
    assert put.status_code == 200, put.text
    assert associations_of(api, from_type, from_id, to_type) == {int(to_id): [entry(type_id)]}
    assert associations_of(api, to_type, to_id, from_type) == {int(from_id): [entry(inverse_id)]}


def test_a_lead_created_with_its_primary_contact(api):
    contact = create_records(api, "contacts", 1)[0]
    labels = api.get("/crm/v4/associations/leads/contacts/labels")
    assert labels.status_code == 200, labels.text
    assert {(r["category"], r["typeId"], r["label"]) for r in labels.json()["results"]} == {
        (HUBSPOT, 578, "Primary"),
        (HUBSPOT, 608, None),
    }
    created = api.post(
        "/crm/v3/objects/leads",
        json={
            "properties": {
                "hs_lead_name": "Inbound",
                "hs_pipeline": "lead-pipeline-id",
                "hs_pipeline_stage": "new-stage-id",
            },
            "associations": [
                {"to": {"id": contact}, "types": [{"associationCategory": HUBSPOT, "associationTypeId": 578}]}
            ],
        },
    )
    assert created.status_code == 201, created.text
    lead = created.json()["id"]
    # A labeled association comes with the unlabeled default, as for every pair.
    assert associations_of(api, "leads", lead, "contacts") == {int(contact): [entry(578, "Primary"), entry(608)]}
    assert associations_of(api, "contacts", contact, "leads") == {int(lead): [entry(579, "Primary"), entry(609)]}


def test_a_quote_lists_its_deal_through_v3_associations(api):
    quote = create_records(api, "quotes", 1)[0]
    deal = create_records(api, "deals", 1)[0]
    put = api.put(f"/crm/v4/objects/0-14/{quote}/associations/default/0-3/{deal}")
    assert put.status_code == 200, put.text
    read = api.post("/crm/v3/associations/quotes/deals/batch/read", json={"inputs": [{"id": quote}]})
    assert read.status_code == 200, read.text
    assert [(r["from"]["id"], [t["id"] for t in r["to"]]) for r in read.json()["results"]] == [(quote, [deal])]
