"""v3 associations (`/crm/v3/associations/{from}/{to}/…`) over real HTTP."""

from __future__ import annotations

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import create_records


def test_types_lists_every_type_of_the_pair_with_snake_case_names(api, unique):
    body = api.get("/crm/v3/associations/contacts/companies/types").json()
    assert {"id": "1", "name": "contact_to_company"} in body["results"]
    assert {"id": "279", "name": "contact_to_company_unlabeled"} in body["results"]
    assert api.get("/crm/v3/associations/Companies/Contacts/types").json()["results"][:2] == [
        {"id": "2", "name": "company_to_contact"},
        {"id": "280", "name": "company_to_contact_unlabeled"},
    ]
    created = api.post("/crm/v4/associations/contacts/companies/labels", json={"name": f"v3_{unique}", "label": "V3"})
    type_id = created.json()["results"][0]["typeId"]
    assert {"id": str(type_id), "name": f"v3_{unique}"} in api.get(
        "/crm/v3/associations/contacts/companies/types"
    ).json()["results"]


def test_create_read_archive_with_type_names(api):
    contact = create_records(api, "contacts", 1)[0]
    companies = create_records(api, "companies", 2)
    created = api.post(
        "/crm/v3/associations/Contacts/Companies/batch/create",
        json={
            "inputs": [
                {"from": {"id": contact}, "to": {"id": companies[0]}, "type": "contact_to_company"},
                {"from": {"id": contact}, "to": {"id": companies[1]}, "type": "contact_to_company_unlabeled"},
            ]
        },
    )
    body = assert_batch(created, 201, 2)
    assert body["results"] == [
        {"from": {"id": contact}, "to": {"id": companies[0]}, "type": "contact_to_company"},
        {"from": {"id": contact}, "to": {"id": companies[1]}, "type": "contact_to_company_unlabeled"},
    ]
    read = assert_batch(
        api.post("/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}), 200, 1
    )
    assert read["results"] == [
        {
            "from": {"id": contact},
            "to": [
                {"id": companies[0], "type": "contact_to_company"},
                {"id": companies[0], "type": "contact_to_company_unlabeled"},
                {"id": companies[1], "type": "contact_to_company_unlabeled"},
            ],
        }
    ]
    # the other side, in v4, sees the inverse types
    seen = api.get(f"/crm/v4/objects/companies/{companies[0]}/associations/contacts").json()["results"]
    assert [t["typeId"] for t in seen[0]["associationTypes"]] == [2, 280]
    archived = api.post(
        "/crm/v3/associations/contacts/companies/batch/archive",
        json={"inputs": [{"from": {"id": contact}, "to": {"id": companies[0]}, "type": "contact_to_company"}]},
    )
    assert archived.status_code == 204
    read = api.post("/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}).json()
    assert [t["type"] for t in read["results"][0]["to"]] == ["contact_to_company_unlabeled"] * 2
    # archiving the unlabeled type removes the association
    api.post(
        "/crm/v3/associations/contacts/companies/batch/archive",
        json={
            "inputs": [{"from": {"id": contact}, "to": {"id": companies[1]}, "type": "contact_to_company_unlabeled"}]
        },
    )
    read = api.post("/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}).json()
    assert read["results"][0]["to"] == [{"id": companies[0], "type": "contact_to_company_unlabeled"}]


def test_missing_records_and_unknown_types_are_207_errors(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    created = api.post(
        "/crm/v3/associations/contacts/companies/batch/create",
        json={
            "inputs": [
                {"from": {"id": contact}, "to": {"id": company}, "type": "no_such_type"},
                {"from": {"id": "999999999"}, "to": {"id": company}, "type": "contact_to_company"},
                {"from": {"id": contact}, "to": {"id": company}, "type": "279"},
            ]
        },
    )
    body = assert_batch(created, 207, 1)
    assert [e["category"] for e in body["errors"]] == ["VALIDATION_ERROR", "OBJECT_NOT_FOUND"]
    read = api.post(
        "/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}, {"id": "999999999"}]}
    )
    body = assert_batch(read, 207, 1)
    assert body["errors"][0]["context"]["fromObjectId"] == ["999999999"]
    unknown = api.post(
        "/crm/v3/associations/contacts/companies/batch/archive",
        json={"inputs": [{"from": {"id": contact}, "to": {"id": company}, "type": "no_such_type"}]},
    )
    assert_error(unknown, 400, "VALIDATION_ERROR")
    too_many = api.post("/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": "1"}] * 1001})
    assert_error(too_many, 400, "VALIDATION_ERROR")
