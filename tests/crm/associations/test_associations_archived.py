"""Associations of archived records are kept but hidden from every association read."""

from __future__ import annotations

from tests.support.asserts import assert_batch
from tests.support.factories import create_records


def archive(api, type_name: str, ids: list[str]) -> None:
    response = api.post(f"/crm/v3/objects/{type_name}/batch/archive", json={"inputs": [{"id": i} for i in ids]})
    assert response.status_code == 204, response.text


def test_archived_targets_are_hidden_from_v4_and_v3_reads(api):
    contact = create_records(api, "contacts", 1)[0]
    companies = create_records(api, "companies", 2)
    api.post(
        "/crm/v4/associations/contacts/companies/batch/associate/default",
        json={"inputs": [{"from": {"id": contact}, "to": {"id": c}} for c in companies]},
    )
    archive(api, "companies", [companies[0]])
    listed = api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").json()["results"]
    assert [r["toObjectId"] for r in listed] == [int(companies[1])]
    v4 = api.post("/crm/v4/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}).json()
    assert [t["toObjectId"] for t in v4["results"][0]["to"]] == [int(companies[1])]
    v3 = api.post("/crm/v3/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}).json()
    assert [t["id"] for t in v3["results"][0]["to"]] == [companies[1]]


def test_archived_from_records_are_missing(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    archive(api, "contacts", [contact])
    assert api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").status_code == 404
    body = assert_batch(
        api.post("/crm/v4/associations/contacts/companies/batch/read", json={"inputs": [{"id": contact}]}), 207, 0
    )
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    # the company no longer sees the archived contact
    assert api.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json()["results"] == []
    # and nothing can be associated with it
    response = api.put(f"/crm/v4/objects/companies/{company}/associations/default/contacts/{contact}")
    assert response.status_code == 404
