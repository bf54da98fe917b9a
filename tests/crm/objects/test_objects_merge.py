"""POST /crm/v3/objects/{type}/merge and /contacts/gdpr-delete over real HTTP."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error
from tests.support.factories import TASK_TIME, batch_create

PREFIXES = ["/crm/v3/objects", "/crm/objects/2026-03"]
TO_CONTACT = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]


@pytest.fixture(params=PREFIXES)
def prefix(request) -> str:
    return request.param


def contact(api, **properties):
    return batch_create(api, "contacts", [{"properties": properties}])[0]


def task_for(api, contact_id):
    return batch_create(
        api,
        "tasks",
        [
            {
                "properties": {"hs_timestamp": TASK_TIME},
                "associations": [{"to": {"id": contact_id}, "types": TO_CONTACT}],
            }
        ],
    )[0]


def test_merge_contacts(api, prefix, unique):
    primary = contact(api, email=f"p-{unique}@example.com", firstname="Primary")
    merged = contact(api, email=f"m-{unique}@example.com", firstname="Merged", lastname="Fill", jobtitle="CEO")
    task = task_for(api, merged["id"])
    linked = api.post(
        f"{prefix}/contacts/batch/update", json={"inputs": [{"id": merged["id"], "properties": {"city": "Oslo"}}]}
    )
    assert linked.status_code == 200
    response = api.post(
        f"{prefix}/contacts/merge", json={"primaryObjectId": primary["id"], "objectIdToMerge": merged["id"]}
    )
    assert response.status_code == 200, response.text
    survivor = response.json()
    assert survivor["id"] == primary["id"]
    assert survivor["properties"]["firstname"] == "Primary"  # the primary's values win
    assert survivor["properties"]["email"] == f"p-{unique}@example.com"
    assert survivor["properties"]["lastname"] == "Fill"  # empty ones are filled from the merged record
    assert survivor["properties"]["city"] == "Oslo"
    assert survivor["archived"] is False

    # The merged id reads as the primary; the merged record itself is archived.
    via_old_id = api.get(f"{prefix}/contacts/{merged['id']}?properties=jobtitle&associations=tasks").json()
    assert via_old_id["id"] == primary["id"]
    assert via_old_id["properties"]["jobtitle"] == "CEO"
    assert via_old_id["associations"] == {"tasks": {"results": [{"id": task["id"], "type": "contact_to_task"}]}}
    task_view = api.get(f"{prefix}/tasks/{task['id']}?associations=contacts").json()
    assert task_view["associations"] == {"contacts": {"results": [{"id": primary["id"], "type": "task_to_contact"}]}}
    archived = api.get(f"{prefix}/contacts", params={"archived": "true", "limit": 100}).json()["results"]
    assert merged["id"] in {r["id"] for r in archived}

    # PATCH through the merged id updates the primary.
    patched = api.patch(f"{prefix}/contacts/{merged['id']}", json={"properties": {"state": "Viken"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["id"] == primary["id"] and patched.json()["properties"]["state"] == "Viken"

    # The merged record's email is free again.
    assert batch_create(api, "contacts", [{"properties": {"email": f"m-{unique}@example.com"}}])


def test_merge_moves_associations_without_self_links(api, prefix, unique):
    first = contact(api, email=f"a-{unique}@example.com")
    second = batch_create(
        api,
        "contacts",
        [
            {
                "properties": {"email": f"b-{unique}@example.com"},
                "associations": [
                    {
                        "to": {"id": first["id"]},
                        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 449}],
                    }
                ],
            }
        ],
    )[0]
    response = api.post(
        f"{prefix}/contacts/merge", json={"primaryObjectId": first["id"], "objectIdToMerge": second["id"]}
    )
    assert response.status_code == 200, response.text
    record = api.get(f"{prefix}/contacts/{first['id']}?associations=contacts").json()
    assert "associations" not in record


def test_merge_companies_and_deals(api, prefix, unique):
    companies = batch_create(
        api, "companies", [{"properties": {"name": "Keep"}}, {"properties": {"name": "Go", "domain": f"{unique}.io"}}]
    )
    response = api.post(
        f"{prefix}/companies/merge",
        json={"primaryObjectId": companies[0]["id"], "objectIdToMerge": int(companies[1]["id"])},
    )
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["name"] == "Keep"
    assert response.json()["properties"]["domain"] == f"{unique}.io"
    deal = {"dealname": "D", "dealstage": "appointmentscheduled", "pipeline": "default"}
    deals = batch_create(api, "deals", [{"properties": deal}, {"properties": {**deal, "amount": "5"}}])
    response = api.post(
        f"{prefix}/deals/merge", json={"primaryObjectId": deals[0]["id"], "objectIdToMerge": deals[1]["id"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["amount"] == "5"


def test_merge_errors(api, prefix, unique):
    a = contact(api, email=f"e1-{unique}@example.com")
    b = contact(api, email=f"e2-{unique}@example.com")
    url = f"{prefix}/contacts/merge"
    assert_error(
        api.post(url, json={"primaryObjectId": a["id"], "objectIdToMerge": a["id"]}),
        400,
        "VALIDATION_ERROR",
        f"Cannot merge record {a['id']} with itself.",
    )
    missing = api.post(url, json={"primaryObjectId": a["id"], "objectIdToMerge": "999999999989"})
    body = assert_error(missing, 404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.")
    assert body["context"] == {"id": ["999999999989"]}
    assert_error(api.post(url, json={"primaryObjectId": "x'--", "objectIdToMerge": b["id"]}), 404, "OBJECT_NOT_FOUND")
    assert_error(api.post(url, json={"primaryObjectId": a["id"]}), 400, "VALIDATION_ERROR")
    tasks = batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME}} for _ in range(2)])
    assert_error(
        api.post(f"{prefix}/tasks/merge", json={"primaryObjectId": tasks[0]["id"], "objectIdToMerge": tasks[1]["id"]}),
        400,
        "VALIDATION_ERROR",
        "Records of type tasks cannot be merged.",
    )
    # An archived record cannot take part.
    assert api.delete(f"{prefix}/contacts/{b['id']}").status_code == 204
    assert_error(api.post(url, json={"primaryObjectId": a["id"], "objectIdToMerge": b["id"]}), 404, "OBJECT_NOT_FOUND")


def test_gdpr_delete_removes_everything(api, prefix, unique):
    email = f"gdpr-{unique}@example.com"
    victim = contact(api, email=email, firstname="Gone")
    api.post(f"{prefix}/contacts/batch/update", json={"inputs": [{"id": victim["id"], "properties": {"city": "X"}}]})
    task = task_for(api, victim["id"])
    response = api.post(f"{prefix}/contacts/gdpr-delete", json={"objectId": victim["id"]})
    assert response.status_code == 204 and response.content == b""
    for archived in ("false", "true"):
        assert_error(api.get(f"{prefix}/contacts/{victim['id']}?archived={archived}"), 404, "OBJECT_NOT_FOUND")
    assert "associations" not in api.get(f"{prefix}/tasks/{task['id']}?associations=contacts").json()
    assert contact(api, email=email)["id"] != victim["id"]
    assert_error(api.post(f"{prefix}/contacts/gdpr-delete", json={"objectId": victim["id"]}), 404, "OBJECT_NOT_FOUND")


def test_gdpr_delete_by_email_and_merged_records(api, prefix, unique):
    keep = contact(api, email=f"keep-{unique}@example.com")
    merged = contact(api, email=f"merged-{unique}@example.com")
    api.post(f"{prefix}/contacts/merge", json={"primaryObjectId": keep["id"], "objectIdToMerge": merged["id"]})
    response = api.post(
        f"{prefix}/contacts/gdpr-delete", json={"objectId": f"KEEP-{unique}@example.com", "idProperty": "email"}
    )
    assert response.status_code == 204, response.text
    for record_id in (keep["id"], merged["id"]):
        assert_error(api.get(f"{prefix}/contacts/{record_id}?archived=true"), 404, "OBJECT_NOT_FOUND")


def test_gdpr_delete_is_contacts_only(api, prefix):
    task = batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME}}])[0]
    response = api.post(f"{prefix}/tasks/gdpr-delete", json={"objectId": task["id"]})
    assert_error(response, 400, "VALIDATION_ERROR", "GDPR delete is only available for contacts, not for tasks.")
    assert api.get(f"{prefix}/tasks/{task['id']}").status_code == 200
    assert_error(api.post(f"{prefix}/contacts/gdpr-delete", json={}), 400, "VALIDATION_ERROR")


def test_other_portal_cannot_merge_or_erase(api, other_portal_api, prefix, unique):
    a = contact(api, email=f"o1-{unique}@example.com")
    b = contact(api, email=f"o2-{unique}@example.com")
    merge = other_portal_api.post(
        f"{prefix}/contacts/merge", json={"primaryObjectId": a["id"], "objectIdToMerge": b["id"]}
    )
    assert_error(merge, 404, "OBJECT_NOT_FOUND")
    erase = other_portal_api.post(f"{prefix}/contacts/gdpr-delete", json={"objectId": a["id"]})
    assert_error(erase, 404, "OBJECT_NOT_FOUND")
    assert api.get(f"{prefix}/contacts/{b['id']}").json()["id"] == b["id"]
    assert api.get(f"{prefix}/contacts/{a['id']}").status_code == 200
