"""v4 batch associations (`/crm/v4/associations/{from}/{to}/batch/…`) over real HTTP."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import create_records

HUBSPOT = "HUBSPOT_DEFINED"
PREFIXES = ["/crm/v4/associations", "/crm/associations/v4", "/crm/associations/2026-03"]


def spec(type_id: int, category: str = HUBSPOT) -> dict:
    return {"associationCategory": category, "associationTypeId": type_id}


def read(api, from_type: str, to_type: str, ids: list[str]) -> dict:
    response = api.post(
        f"/crm/v4/associations/{from_type}/{to_type}/batch/read", json={"inputs": [{"id": i} for i in ids]}
    )
    assert response.status_code == 200, response.text
    return {r["from"]["id"]: r["to"] for r in response.json()["results"]}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_associate_default_in_batch(api, prefix):
    deal = create_records(api, "deals", 1)[0]
    contacts = create_records(api, "contacts", 2)
    inputs = [{"from": {"id": deal}, "to": {"id": c}} for c in contacts]
    body = assert_batch(api.post(f"{prefix}/deals/contacts/batch/associate/default", json={"inputs": inputs}), 200, 4)
    assert body["results"][:2] == [
        {"from": {"id": deal}, "to": {"id": contacts[0]}, "associationSpec": spec(3)},
        {"from": {"id": contacts[0]}, "to": {"id": deal}, "associationSpec": spec(4)},
    ]
    assert [t["toObjectId"] for t in read(api, "deals", "contacts", [deal])[deal]] == [int(c) for c in contacts]
    assert read(api, "contacts", "deals", [contacts[1]])[contacts[1]] == [
        {"toObjectId": int(deal), "associationTypes": [{"category": HUBSPOT, "typeId": 4, "label": None}]}
    ]


def test_associate_default_with_a_missing_record_is_a_207(api):
    deal = create_records(api, "deals", 1)[0]
    contact = create_records(api, "contacts", 1)[0]
    inputs = [{"from": {"id": deal}, "to": {"id": contact}}, {"from": {"id": deal}, "to": {"id": "999999999"}}]
    body = assert_batch(
        api.post("/crm/v4/associations/deals/contacts/batch/associate/default", json={"inputs": inputs}), 207, 2
    )
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert body["errors"][0]["context"]["toObjectId"] == ["999999999"]


def test_batch_create_answers_labels_between_each_pair(api):
    contact = create_records(api, "contacts", 1)[0]
    companies = create_records(api, "companies", 2)
    inputs = [
        {"from": {"id": contact}, "to": {"id": companies[0]}, "types": [spec(1)]},
        {"from": {"id": contact}, "to": {"id": companies[1]}, "types": [spec(279)]},
    ]
    body = assert_batch(
        api.post("/crm/v4/associations/contacts/companies/batch/create", json={"inputs": inputs}), 201, 2
    )
    assert body["results"] == [
        {
            "fromObjectTypeId": "0-1",
            "fromObjectId": int(contact),
            "toObjectTypeId": "0-2",
            "toObjectId": int(c),
            "labels": labels,
        }
        for c, labels in zip(companies, [["Primary"], []], strict=True)
    ]
    found = read(api, "contacts", "companies", [contact])[contact]
    assert [(t["toObjectId"], [a["typeId"] for a in t["associationTypes"]]) for t in found] == [
        (int(companies[0]), [1, 279]),
        (int(companies[1]), [279]),
    ]


def test_batch_create_partial_failures_are_a_207_and_write_only_the_valid_inputs(api, other_portal_api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    foreign = create_records(other_portal_api, "companies", 1)[0]
    inputs = [
        {"from": {"id": contact}, "to": {"id": company}, "types": [spec(279)]},
        {"from": {"id": "999999999"}, "to": {"id": company}, "types": [spec(279)]},
        {"from": {"id": contact}, "to": {"id": foreign}, "types": [spec(279)]},
        {"from": {"id": contact}, "to": {"id": company}, "types": [spec(204)]},
        {"from": {"id": "not-a-number"}, "to": {"id": company}, "types": [spec(279)]},
    ]
    body = assert_batch(
        api.post("/crm/v4/associations/contacts/companies/batch/create", json={"inputs": inputs}), 207, 1
    )
    assert [e["category"] for e in body["errors"]] == [
        "OBJECT_NOT_FOUND",
        "OBJECT_NOT_FOUND",
        "VALIDATION_ERROR",
        "OBJECT_NOT_FOUND",
    ]
    assert body["errors"][0]["context"] == {
        "fromObjectId": ["999999999"],
        "fromObjectType": ["0-1"],
        "toObjectType": ["0-2"],
    }
    assert body["errors"][1]["context"]["toObjectId"] == [foreign]
    assert [t["toObjectId"] for t in read(api, "contacts", "companies", [contact])[contact]] == [int(company)]


def test_batch_read_pages_each_input_with_after_alongside_id(api):
    company = create_records(api, "companies", 1)[0]
    contacts = create_records(api, "contacts", 3)
    api.post(
        "/crm/v4/associations/companies/contacts/batch/associate/default",
        json={"inputs": [{"from": {"id": company}, "to": {"id": c}} for c in contacts]},
    )
    after = api.post(
        "/crm/v4/associations/companies/contacts/batch/read",
        json={"inputs": [{"id": company, "after": contacts[0]}, {"id": company}]},
    )
    body = assert_batch(after, 200, 2)
    assert [t["toObjectId"] for t in body["results"][0]["to"]] == [int(c) for c in contacts[1:]]
    assert [t["toObjectId"] for t in body["results"][1]["to"]] == [int(c) for c in contacts]
    assert "paging" not in body["results"][0]


def test_batch_read_missing_from_records_are_a_207_with_hubspots_context(api):
    company = create_records(api, "companies", 1)[0]
    body = assert_batch(
        api.post("/crm/v4/associations/0-2/0-3/batch/read", json={"inputs": [{"id": company}, {"id": "424242424242"}]}),
        207,
        1,
    )
    assert body["results"] == [{"from": {"id": company}, "to": []}]
    error = body["errors"][0]
    assert error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"fromObjectId": ["424242424242"], "fromObjectType": ["0-2"], "toObjectType": ["0-3"]}


def test_batch_archive_removes_all_associations_between_each_pair(api):
    contact = create_records(api, "contacts", 1)[0]
    companies = create_records(api, "companies", 3)
    api.post(
        "/crm/v4/associations/contacts/companies/batch/create",
        json={"inputs": [{"from": {"id": contact}, "to": {"id": c}, "types": [spec(1)]} for c in companies]},
    )
    response = api.post(
        "/crm/v4/associations/contacts/companies/batch/archive",
        json={"inputs": [{"from": {"id": contact}, "to": [{"id": companies[0]}, {"id": companies[2]}, {"id": "999"}]}]},
    )
    assert response.status_code == 204 and response.content == b""
    assert [t["toObjectId"] for t in read(api, "contacts", "companies", [contact])[contact]] == [int(companies[1])]
    assert read(api, "companies", "contacts", [companies[0]])[companies[0]] == []


def test_labels_archive_keeps_the_association(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(1)])
    response = api.post(
        "/crm/v4/associations/contacts/companies/batch/labels/archive",
        json={"inputs": [{"from": {"id": contact}, "to": {"id": company}, "types": [spec(1)]}]},
    )
    assert response.status_code == 204
    found = read(api, "contacts", "companies", [contact])[contact]
    assert found == [
        {"toObjectId": int(company), "associationTypes": [{"category": HUBSPOT, "typeId": 279, "label": None}]}
    ]
    assert read(api, "companies", "contacts", [company])[company][0]["associationTypes"] == [
        {"category": HUBSPOT, "typeId": 280, "label": None}
    ]


@pytest.mark.parametrize(
    ("operation", "limit", "item"),
    [
        ("create", 2000, {"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]}),
        ("associate/default", 2000, {"from": {"id": "1"}, "to": {"id": "2"}}),
        ("archive", 2000, {"from": {"id": "1"}, "to": [{"id": "2"}]}),
        ("labels/archive", 2000, {"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]}),
        ("read", 1000, {"id": "1"}),
    ],
)
def test_batches_over_their_limit_are_a_400(api, operation, limit, item):
    response = api.post(
        f"/crm/v4/associations/contacts/companies/batch/{operation}", json={"inputs": [item] * (limit + 1)}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_malformed_bodies_are_400s(api):
    # `from` is required: the Node client drops a plain `from` key written in JS (it wants `_from`)
    no_from = api.post(
        "/crm/v4/associations/contacts/companies/batch/create", json={"inputs": [{"to": {"id": "1"}, "types": []}]}
    )
    assert "from" in assert_error(no_from, 400, "VALIDATION_ERROR")["message"]
    assert_error(api.post("/crm/v4/associations/contacts/companies/batch/read", content=b"{"), 400, "VALIDATION_ERROR")
    assert_error(
        api.post("/crm/v4/associations/contacts/nope/batch/read", json={"inputs": []}), 400, "VALIDATION_ERROR"
    )


def test_an_empty_batch_answers_an_empty_result(api):
    body = assert_batch(api.post("/crm/v4/associations/contacts/companies/batch/read", json={"inputs": []}), 200, 0)
    assert body["results"] == []
