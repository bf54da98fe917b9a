"""POST /crm/v3/objects/{type}/batch/{read,upsert,archive} over real HTTP."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_batch, assert_error, assert_record
from tests.support.factories import TASK_TIME, batch_create, create_contacts, create_unique_property

PREFIXES = ["/crm/v3/objects", "/crm/objects/2026-03"]


@pytest.fixture(params=PREFIXES)
def prefix(request) -> str:
    return request.param


# --- batch read -------------------------------------------------------------------------------------------


def test_batch_read_by_id_in_input_order(api, prefix, unique):
    contacts = create_contacts(api, 3, unique)
    ids = [contacts[2]["id"], contacts[0]["id"]]
    response = api.post(
        f"{prefix}/contacts/batch/read",
        json={"inputs": [{"id": i} for i in ids], "properties": ["firstname"], "propertiesWithHistory": []},
    )
    body = assert_batch(response, 200, 2)
    assert [r["id"] for r in body["results"]] == ids
    assert body["results"][0]["properties"] == {
        "firstname": "C2",
        "createdate": contacts[2]["createdAt"],
        "lastmodifieddate": contacts[2]["updatedAt"],
        "hs_object_id": contacts[2]["id"],
    }
    assert "propertiesWithHistory" not in body["results"][0]
    assert body["links"] == {}


def test_batch_read_defaults_to_the_type_default_properties(api, prefix, unique):
    contact = create_contacts(api, 1, unique)[0]
    body = assert_batch(api.post(f"{prefix}/contacts/batch/read", json={"inputs": [{"id": contact["id"]}]}), 200, 1)
    assert set(body["results"][0]["properties"]) == {
        "firstname",
        "lastname",
        "email",
        "lastmodifieddate",
        "hs_object_id",
        "createdate",
    }


def test_batch_read_missing_ids_is_one_207_error(api, prefix, unique):
    contact = create_contacts(api, 1, unique)[0]
    response = api.post(
        f"{prefix}/contacts/batch/read",
        json={"inputs": [{"id": "999999999991"}, {"id": contact["id"]}, {"id": "nope"}], "properties": []},
    )
    body = assert_batch(response, 207, 1)
    assert body["numErrors"] == 1
    assert body["errors"] == [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": "Could not get some CONTACT objects, they may be deleted or not exist. "
            "Check that ids are valid.",
            "context": {"ids": ["999999999991", "nope"]},
            "errors": [],
            "links": {},
        }
    ]


def test_batch_read_by_id_property_and_history(api, prefix, unique):
    contacts = create_contacts(api, 2, unique)
    emails = [c["properties"]["email"] for c in contacts]
    response = api.post(
        f"{prefix}/contacts/batch/read",
        json={
            "idProperty": "email",
            "inputs": [{"id": emails[1].upper()}, {"id": emails[0]}],
            "properties": ["email"],
            "propertiesWithHistory": ["firstname"],
        },
    )
    body = assert_batch(response, 200, 2)
    assert [r["id"] for r in body["results"]] == [contacts[1]["id"], contacts[0]["id"]]
    assert body["results"][0]["propertiesWithHistory"] == {
        "firstname": [{"value": "C1", "timestamp": contacts[1]["createdAt"], "sourceType": "API"}]
    }


def test_batch_read_archived_query_and_ignores_associations(api, prefix, unique):
    contacts = create_contacts(api, 2, unique)
    assert api.delete(f"{prefix}/contacts/{contacts[0]['id']}").status_code == 204
    inputs = {"inputs": [{"id": c["id"]} for c in contacts], "associations": ["companies"]}
    live = assert_batch(api.post(f"{prefix}/contacts/batch/read", json=inputs), 207, 1)
    assert live["results"][0]["id"] == contacts[1]["id"]
    assert "associations" not in live["results"][0]
    gone = assert_batch(api.post(f"{prefix}/contacts/batch/read?archived=True", json=inputs), 207, 1)
    assert gone["results"][0]["id"] == contacts[0]["id"] and gone["results"][0]["archived"] is True


def test_batch_read_limits(api, prefix):
    too_many = {"inputs": [{"id": str(i)} for i in range(101)]}
    assert_error(
        api.post(f"{prefix}/tasks/batch/read", json=too_many),
        400,
        "VALIDATION_ERROR",
        "The maximum number of inputs supported in a batch request is 100.",
    )
    history = {"inputs": [{"id": str(i)} for i in range(51)], "propertiesWithHistory": ["hs_task_subject"]}
    assert_error(
        api.post(f"{prefix}/tasks/batch/read", json=history),
        400,
        "VALIDATION_ERROR",
        "The maximum number of inputs supported in a batch request for property histories is 50",
    )
    fifty = {"inputs": [{"id": str(i)} for i in range(1, 51)], "propertiesWithHistory": ["hs_task_subject"]}
    assert api.post(f"{prefix}/tasks/batch/read", json=fifty).status_code in (200, 207)


def test_batch_read_non_unique_id_property_is_400(api, prefix):
    response = api.post(f"{prefix}/tasks/batch/read", json={"inputs": [{"id": "x"}], "idProperty": "hs_task_subject"})
    assert_error(response, 400, "VALIDATION_ERROR")


# --- batch upsert -----------------------------------------------------------------------------------------


def test_upsert_contacts_by_email_creates_and_updates(api, prefix, unique):
    existing = create_contacts(api, 1, unique)[0]
    email = existing["properties"]["email"]
    response = api.post(
        f"{prefix}/contacts/batch/upsert",
        json={
            "inputs": [
                {"idProperty": "email", "id": email.upper(), "properties": {"firstname": "Updated"}},
                {"idProperty": "email", "id": f"New-{unique}@Example.com", "properties": {"firstname": "Fresh"}},
            ]
        },
    )
    body = assert_batch(response, 200, 2)
    updated, created = body["results"]
    assert updated["id"] == existing["id"] and updated["new"] is False
    assert updated["properties"]["firstname"] == "Updated"
    assert created["new"] is True
    assert_record(created)
    assert created["properties"]["email"] == f"new-{unique}@example.com"
    assert created["properties"]["firstname"] == "Fresh"
    again = api.post(
        f"{prefix}/contacts/batch/upsert",
        json={"inputs": [{"idProperty": "email", "id": f"new-{unique}@example.com", "properties": {"lastname": "L"}}]},
    )
    again_result = assert_batch(again, 200, 1)["results"][0]
    assert (again_result["id"], again_result["new"]) == (created["id"], False)
    assert again_result["properties"]["lastname"] == "L"


def test_upsert_by_custom_unique_property_on_deals(api, prefix, unique):
    prop = f"ext_id_{unique}"
    create_unique_property(api, "deals", prop, "dealinformation")
    deal_props = {"dealname": "D", "dealstage": "appointmentscheduled", "pipeline": "default"}
    first = assert_batch(
        api.post(
            f"{prefix}/deals/batch/upsert",
            json={"inputs": [{"idProperty": prop, "id": f"X-{unique}", "properties": deal_props}]},
        ),
        200,
        1,
    )["results"][0]
    assert first["new"] is True and first["properties"][prop] == f"X-{unique}"
    second = assert_batch(
        api.post(
            f"{prefix}/deals/batch/upsert",
            json={"inputs": [{"idProperty": prop, "id": f"X-{unique}", "properties": {"amount": "12.5"}}]},
        ),
        200,
        1,
    )["results"][0]
    assert second["id"] == first["id"] and second["new"] is False and second["properties"]["amount"] == "12.5"
    # A missing record is created, so the type's required properties apply.
    missing = api.post(
        f"{prefix}/deals/batch/upsert",
        json={"inputs": [{"idProperty": prop, "id": f"Y-{unique}", "properties": {"amount": "1"}}]},
    )
    assert_error(missing, 400, "VALIDATION_ERROR")


def test_upsert_partial_failure_with_trace_ids_is_207(api, prefix, unique):
    response = api.post(
        f"{prefix}/contacts/batch/upsert",
        json={
            "inputs": [
                {
                    "idProperty": "email",
                    "id": f"ok-{unique}@example.com",
                    "properties": {"firstname": "Ok"},
                    "objectWriteTraceId": "good",
                },
                {
                    "idProperty": "email",
                    "id": f"bad-{unique}@example.com",
                    "properties": {"no_such_prop": "x"},
                    "objectWriteTraceId": "bad",
                },
            ]
        },
    )
    body = assert_batch(response, 207, 1)
    assert body["results"][0]["objectWriteTraceId"] == "good" and body["results"][0]["new"] is True
    assert body["errors"][0]["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["context"] == {"objectWriteTraceId": ["bad"]}
    lookup = api.get(f"{prefix}/contacts/bad-{unique}@example.com?idProperty=email")
    assert_error(lookup, 404, "OBJECT_NOT_FOUND")


def test_upsert_without_trace_ids_is_all_or_nothing(api, prefix, unique):
    response = api.post(
        f"{prefix}/contacts/batch/upsert",
        json={
            "inputs": [
                {"idProperty": "email", "id": f"aon1-{unique}@example.com", "properties": {}},
                {"idProperty": "email", "id": f"aon2-{unique}@example.com", "properties": {"no_such_prop": "x"}},
            ]
        },
    )
    assert_error(response, 400, "VALIDATION_ERROR")
    assert_error(api.get(f"{prefix}/contacts/aon1-{unique}@example.com?idProperty=email"), 404, "OBJECT_NOT_FOUND")


def test_upsert_id_property_rules(api, prefix, unique):
    url = f"{prefix}/contacts/batch/upsert"
    assert_error(api.post(url, json={"inputs": [{"id": "x@example.com", "properties": {}}]}), 400, "VALIDATION_ERROR")
    assert_error(
        api.post(url, json={"inputs": [{"idProperty": "firstname", "id": "Ada", "properties": {}}]}),
        400,
        "VALIDATION_ERROR",
        "Unable to perform update/upsert by non-unique 0-1 property firstname in portal ID 1",
    )
    assert_error(
        api.post(url, json={"inputs": [{"idProperty": "hs_object_id", "id": "1", "properties": {}}]}),
        400,
        "VALIDATION_ERROR",
    )
    same = {"idProperty": "email", "id": f"twice-{unique}@example.com", "properties": {}}
    body = assert_error(api.post(url, json={"inputs": [same, same]}), 400, "VALIDATION_ERROR")
    assert body["message"].startswith("Duplicate IDs found in batch input")
    assert_error(
        api.post(url, json={"inputs": [same] * 101}),
        400,
        "VALIDATION_ERROR",
        "The maximum number of inputs supported in a batch request is 100.",
    )


def test_upsert_tasks_needs_a_unique_property(api, prefix):
    response = api.post(
        f"{prefix}/tasks/batch/upsert",
        json={"inputs": [{"idProperty": "hs_task_subject", "id": "x", "properties": {"hs_timestamp": TASK_TIME}}]},
    )
    assert_error(response, 400, "VALIDATION_ERROR")


# --- batch archive ----------------------------------------------------------------------------------------


def test_batch_archive_is_204_and_idempotent(api, prefix, unique):
    contacts = create_contacts(api, 2, unique)
    inputs = {"inputs": [{"id": c["id"]} for c in contacts] + [{"id": "999999999990"}, {"id": "junk"}]}
    first = api.post(f"{prefix}/contacts/batch/archive", json=inputs)
    assert first.status_code == 204 and first.content == b""
    assert api.post(f"{prefix}/contacts/batch/archive", json=inputs).status_code == 204
    for contact in contacts:
        assert_error(api.get(f"{prefix}/contacts/{contact['id']}"), 404, "OBJECT_NOT_FOUND")
    reused = batch_create(api, "contacts", [{"properties": {"email": contacts[0]["properties"]["email"]}}])
    assert reused[0]["id"] not in {c["id"] for c in contacts}


def test_batch_archive_of_another_type_leaves_records(api, prefix, unique):
    contact = create_contacts(api, 1, unique)[0]
    assert api.post(f"{prefix}/deals/batch/archive", json={"inputs": [{"id": contact["id"]}]}).status_code == 204
    assert api.get(f"{prefix}/contacts/{contact['id']}").status_code == 200


def test_batch_archive_limit(api, prefix):
    response = api.post(f"{prefix}/tasks/batch/archive", json={"inputs": [{"id": str(i)} for i in range(101)]})
    assert_error(response, 400, "VALIDATION_ERROR", "The maximum number of inputs supported in a batch request is 100.")


def test_upsert_two_keys_naming_one_record_is_400(api, prefix, unique):
    prop = f"alt_key_{unique}"
    create_unique_property(api, "contacts", prop, "contactinformation")
    email = f"two-{unique}@example.com"
    batch_create(api, "contacts", [{"properties": {"email": email, prop: f"k-{unique}"}}])
    response = api.post(
        f"{prefix}/contacts/batch/upsert",
        json={
            "inputs": [
                {"idProperty": "email", "id": email, "properties": {"firstname": "A"}},
                {"idProperty": prop, "id": f"k-{unique}", "properties": {"firstname": "B"}},
            ]
        },
    )
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["context"] == {"ids": [f"k-{unique}"]}
