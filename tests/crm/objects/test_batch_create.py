"""POST /crm/v3/objects/{type}/batch/create over real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import TOKEN, make_client
from tests.support.asserts import assert_batch, assert_error, assert_record
from tests.support.factories import TASK_TIME, create_contacts

TASK = {
    "hs_timestamp": TASK_TIME,
    "hs_task_subject": "Follow up",
    "hs_task_body": "Send proposal",
    "hs_task_status": "NOT_STARTED",
    "hs_task_priority": "HIGH",
    "hs_task_type": "CALL",
}


def task_input(contact_id: str | int, **extra):
    return {
        "properties": dict(TASK),
        "associations": [
            {"to": {"id": contact_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]}
        ],
        **extra,
    }


def test_tasks_with_associations_to_contacts_created_in_the_same_test(api, unique):
    contacts = create_contacts(api, 2, unique)
    response = api.post(
        "/crm/v3/objects/tasks/batch/create",
        json={"inputs": [task_input(contacts[0]["id"]), task_input(int(contacts[1]["id"]))]},
    )
    body = assert_batch(response, 201, 2)
    for result in body["results"]:
        assert_record(result)
        props = result["properties"]
        assert {k: props[k] for k in TASK} == TASK
        assert props["hs_createdate"] == result["createdAt"] and props["hs_lastmodifieddate"] == result["updatedAt"]
    # the association is stored in both directions
    for contact, task in zip(contacts, body["results"], strict=True):
        stored = api.get(f"/crm/v4/objects/contacts/{contact['id']}/associations/tasks")
        assert stored.status_code == 200, stored.text
        assert stored.json() == {
            "results": [
                {
                    "toObjectId": int(task["id"]),
                    "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 203, "label": None}],
                }
            ]
        }
        # and through the v3 shape on record reads
        read = api.get(f"/crm/v3/objects/contacts/{contact['id']}", params={"associations": "tasks"})
        assert read.json()["associations"] == {"tasks": {"results": [{"id": task["id"], "type": "contact_to_task"}]}}


def test_results_come_back_in_input_order(api):
    subjects = [f"task {i}" for i in range(30)]
    inputs = [{"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": s}} for s in subjects]
    body = assert_batch(api.post("/crm/v3/objects/tasks/batch/create", json={"inputs": inputs}), 201, 30)
    assert [r["properties"]["hs_task_subject"] for r in body["results"]] == subjects
    ids = [int(r["id"]) for r in body["results"]]
    assert len(set(ids)) == 30


def test_object_type_id_in_the_path_and_date_versioned_family(api):
    for path in ("/crm/v3/objects/0-27/batch/create", "/crm/objects/2026-03/tasks/batch/create"):
        body = assert_batch(api.post(path, json={"inputs": [{"properties": {"hs_timestamp": TASK_TIME}}]}), 201, 1)
        assert body["results"][0]["properties"]["hs_timestamp"] == TASK_TIME


def test_partial_success_with_trace_ids_is_a_207(api, unique):
    contact = create_contacts(api, 1, unique)[0]
    inputs = [
        task_input(contact["id"], objectWriteTraceId="ok-1"),
        {"objectWriteTraceId": "bad-prop", "properties": {**TASK, "no_such_property": "x"}},
        {"objectWriteTraceId": "bad-assoc", **task_input("999999999")},
        task_input(contact["id"], objectWriteTraceId="ok-2"),
    ]
    body = assert_batch(api.post("/crm/v3/objects/tasks/batch/create", json={"inputs": inputs}), 207, 2)
    assert [r["objectWriteTraceId"] for r in body["results"]] == ["ok-1", "ok-2"]
    assert body["numErrors"] == 2
    by_trace = {e["context"]["objectWriteTraceId"][0]: e for e in body["errors"]}
    assert set(by_trace) == {"bad-prop", "bad-assoc"}
    prop_error = by_trace["bad-prop"]
    assert prop_error["category"] == "VALIDATION_ERROR"
    assert prop_error["errors"] == [
        {
            "message": 'Property "no_such_property" does not exist',
            "code": "PROPERTY_DOESNT_EXIST",
            "context": {"propertyName": ["no_such_property"]},
        }
    ]
    assert prop_error["links"] == {}
    assert by_trace["bad-assoc"]["category"] == "VALIDATION_ERROR"


def test_one_invalid_input_without_trace_ids_fails_the_whole_batch(api, unique):
    email = f"all-or-nothing-{unique}@example.com"
    inputs = [
        {"properties": {"email": email}},
        {"properties": {"email": f"second-{unique}@example.com", "hs_marketable_until_renewal": "perhaps"}},
    ]
    body = assert_error(
        api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs}), 400, "VALIDATION_ERROR"
    )
    assert body["errors"][0]["code"] == "INVALID_BOOLEAN"
    assert body["message"].startswith("Property values were not valid: [")
    # nothing was written: the first input's unique email is still free
    again = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {"email": email}}]})
    assert_batch(again, 201, 1)


@pytest.mark.parametrize(
    ("type_name", "properties", "code"),
    [
        ("tasks", {"hs_timestamp": TASK_TIME, "unknown_prop": "1"}, "PROPERTY_DOESNT_EXIST"),
        ("calls", {"hs_timestamp": TASK_TIME, "hs_call_duration": "three"}, "INVALID_INTEGER"),
        ("contacts", {"hs_marketable_until_renewal": "maybe"}, "INVALID_BOOLEAN"),
        ("tasks", {"hs_timestamp": TASK_TIME, "hs_task_status": "not_started"}, "INVALID_OPTION"),
        ("tasks", {"hs_timestamp": "next tuesday"}, "INVALID_DATETIME"),
        (
            "deals",
            {"dealname": "d", "pipeline": "default", "dealstage": "closedwon", "closedate": "yesterday"},
            "INVALID_DATETIME",
        ),
        ("tasks", {"hs_task_subject": "no due date"}, "REQUIRED_PROPERTY"),
        ("calls", {"hs_call_title": "no timestamp"}, "REQUIRED_PROPERTY"),
        ("tasks", {"hs_timestamp": TASK_TIME, "hs_createdate": TASK_TIME}, "READ_ONLY_VALUE"),
    ],
)
def test_each_invalid_value_is_a_400_naming_the_property(api, type_name, properties, code):
    response = api.post(f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": [{"properties": properties}]})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert [e["code"] for e in body["errors"]] == [code]


def test_multi_select_and_date_values_are_normalised(api, unique):
    created = api.post(
        "/crm/v3/properties/contacts",
        json={
            "name": f"colors_{unique}",
            "label": "Colors",
            "type": "enumeration",
            "fieldType": "checkbox",
            "groupName": "contactinformation",
            "options": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}],
        },
    )
    assert created.status_code == 201, created.text
    day = api.post(
        "/crm/v3/properties/contacts",
        json={
            "name": f"day_{unique}",
            "label": "Day",
            "type": "date",
            "fieldType": "date",
            "groupName": "contactinformation",
        },
    )
    assert day.status_code == 201, day.text
    good = api.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {f"colors_{unique}": "red;blue", f"day_{unique}": "1430438400000"}}]},
    )
    props = assert_batch(good, 201, 1)["results"][0]["properties"]
    assert props[f"colors_{unique}"] == "red;blue"
    assert props[f"day_{unique}"] == "2015-05-01"
    bad = api.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {f"colors_{unique}": "red;green"}}]},
    )
    assert assert_error(bad, 400, "VALIDATION_ERROR")["errors"][0]["code"] == "INVALID_OPTION"


def test_association_type_that_does_not_fit_the_pair_is_a_400(api, unique):
    contact = create_contacts(api, 1, unique)[0]
    wrong_type = {
        "properties": {"hs_timestamp": TASK_TIME},
        "associations": [
            {
                "to": {"id": contact["id"]},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}],
            }
        ],
    }
    assert_error(api.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [wrong_type]}), 400, "VALIDATION_ERROR")


def test_association_to_another_portals_record_is_a_400(api, other_portal_api, unique):
    foreign = create_contacts(other_portal_api, 1, unique)[0]
    response = api.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [task_input(foreign["id"])]})
    assert_error(response, 400, "VALIDATION_ERROR")


def test_more_than_100_inputs_is_a_400(api):
    inputs = [{"properties": {"hs_timestamp": TASK_TIME}}] * 101
    assert_error(api.post("/crm/v3/objects/tasks/batch/create", json={"inputs": inputs}), 400, "VALIDATION_ERROR")


def test_every_standard_type_accepts_batch_create(api, unique):
    minimal = {
        "contacts": {"email": f"every-{unique}@example.com"},
        "companies": {"name": "Acme"},
        "deals": {"dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"},
        "tickets": {"subject": "Broken", "hs_pipeline": "0", "hs_pipeline_stage": "1"},
        "tasks": {"hs_timestamp": TASK_TIME},
        "calls": {"hs_timestamp": TASK_TIME},
        "notes": {"hs_timestamp": TASK_TIME, "hs_note_body": "hello"},
        "meetings": {"hs_timestamp": TASK_TIME},
        "emails": {"hs_timestamp": TASK_TIME, "hs_email_direction": "EMAIL"},
        "products": {"name": "Widget", "price": "9.5"},
        "line_items": {"name": "Widget", "quantity": "2"},
    }
    for type_name, properties in minimal.items():
        body = assert_batch(
            api.post(f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": [{"properties": properties}]}),
            201,
            1,
        )
        assert_record(body["results"][0])


def test_required_one_of_for_companies_and_deals_required(api):
    assert_error(
        api.post("/crm/v3/objects/companies/batch/create", json={"inputs": [{"properties": {}}]}),
        400,
        "VALIDATION_ERROR",
    )
    body = assert_error(
        api.post("/crm/v3/objects/deals/batch/create", json={"inputs": [{"properties": {"dealname": "x"}}]}),
        400,
        "VALIDATION_ERROR",
    )
    assert sorted(e["context"]["propertyName"][0] for e in body["errors"]) == ["dealstage", "pipeline"]


def test_duplicate_contact_email_is_a_409_conflict(api, unique):
    existing = create_contacts(api, 1, unique)[0]
    response = api.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {"email": existing["properties"]["email"].upper()}}]},
    )
    assert_error(response, 409, "CONFLICT", f"Contact already exists. Existing ID: {existing['id']}")


def test_a_property_another_server_just_defined_is_accepted_by_a_server_that_cached_the_schema(fresh_server, unique):
    """Values are checked before the write lock against the schema the process last loaded; once under
    the lock, a schema another process changed meanwhile is loaded and the values are checked again."""
    first = fresh_server()
    second = fresh_server(storage=first.storage)
    name = f"region_{unique}".lower()
    with make_client(first.url, TOKEN) as cached, make_client(second.url, TOKEN) as other:
        assert_batch(cached.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [{"properties": TASK}]}), 201, 1)
        defined = other.post(
            "/crm/v3/properties/tasks",
            json={
                "name": name,
                "label": "Region",
                "type": "string",
                "fieldType": "text",
                "groupName": "taskinformation",
            },
        )
        assert defined.status_code == 201, defined.text
        response = cached.post(
            "/crm/v3/objects/tasks/batch/create", json={"inputs": [{"properties": {**TASK, name: "North"}}]}
        )
    body = assert_batch(response, 201, 1)
    assert body["results"][0]["properties"][name] == "North"


def test_datetimes_outside_the_stored_form_are_converted_beside_ones_in_it(api):
    """One batch mixing what the official clients send with other ISO forms and epoch milliseconds: each
    comes back in the stored form (an ISO week date once slipped through as given)."""
    sent = ["2025-03-04T05:06:07.089Z", "2025-W10-2T05:06:07.089Z", "1741064767089", "2025-03-04T05:06:07Z"]
    stored = [
        "2025-03-04T05:06:07.089Z",
        "2025-03-04T05:06:07.089Z",
        "2025-03-04T05:06:07.089Z",
        "2025-03-04T05:06:07.000Z",
    ]
    response = api.post(
        "/crm/v3/objects/tasks/batch/create",
        json={"inputs": [{"properties": {**TASK, "hs_timestamp": value}} for value in sent]},
    )
    results = assert_batch(response, 201, len(sent))["results"]
    assert [result["properties"]["hs_timestamp"] for result in results] == stored
