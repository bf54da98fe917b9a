"""Single-record create, get, update and archive under both path families, over real HTTP."""

from __future__ import annotations

import pytest

from tests.support.asserts import ISO_MS, assert_error, assert_record
from tests.support.factories import TASK_TIME, create_unique_property

PREFIXES = ["/crm/v3/objects", "/crm/objects/2026-03"]
NOT_FOUND = "Object not found.  objectId are usually numeric."
DEAL = {"dealname": "Big deal", "dealstage": "appointmentscheduled", "pipeline": "default"}
TICKET = {"subject": "Broken", "hs_pipeline": "0", "hs_pipeline_stage": "1"}


@pytest.fixture(params=PREFIXES)
def prefix(request) -> str:
    return request.param


def create(api, prefix, type_name, properties, associations=None):
    body = {"properties": properties}
    if associations is not None:
        body["associations"] = associations
    return api.post(f"{prefix}/{type_name}", json=body)


def test_create_contact_answers_201_simple_public_object(api, prefix, unique):
    response = create(api, prefix, "contacts", {"email": f"Ada-{unique}@Example.com", "firstname": "Ada"})
    assert response.status_code == 201, response.text
    record = response.json()
    assert_record(record)
    assert record["properties"]["email"] == f"ada-{unique}@example.com"
    assert record["properties"]["firstname"] == "Ada"
    assert record["properties"]["createdate"] == record["createdAt"]
    assert record["properties"]["lastmodifieddate"] == record["updatedAt"]
    assert "associations" not in record and "objectWriteTraceId" not in record


def test_get_returns_the_default_properties_with_nulls(api, prefix, unique):
    created = create(api, prefix, "contacts", {"email": f"d-{unique}@example.com", "jobtitle": "CTO"}).json()
    response = api.get(f"{prefix}/contacts/{created['id']}")
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["properties"] == {
        "email": f"d-{unique}@example.com",
        "firstname": None,
        "lastname": None,
        "createdate": created["createdAt"],
        "lastmodifieddate": created["updatedAt"],
        "hs_object_id": created["id"],
    }
    assert record["createdAt"] == created["createdAt"] and record["archived"] is False


def test_requested_properties_repeated_and_comma_forms(api, prefix, unique):
    created = create(api, prefix, "contacts", {"email": f"r-{unique}@example.com", "jobtitle": "CTO"}).json()
    url = f"{prefix}/contacts/{created['id']}?properties=jobtitle,city&properties=no_such_property&properties=email"
    record = api.get(url).json()
    assert record["properties"] == {
        "jobtitle": "CTO",
        "city": None,
        "email": f"r-{unique}@example.com",
        "createdate": created["createdAt"],
        "lastmodifieddate": created["updatedAt"],
        "hs_object_id": created["id"],
    }


def test_get_by_email_id_property_percent_encoded(api, prefix, unique):
    created = create(api, prefix, "contacts", {"email": f"who-{unique}@example.com"}).json()
    response = api.get(f"{prefix}/contacts/WHO-{unique}%40example.com?idProperty=email")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == created["id"]
    missing = api.get(f"{prefix}/contacts/nobody-{unique}%40example.com?idProperty=email")
    body = assert_error(missing, 404, "OBJECT_NOT_FOUND", NOT_FOUND)
    assert body["context"] == {"id": [f"nobody-{unique}@example.com"]}


def test_get_by_non_unique_id_property_is_400(api, prefix):
    response = api.get(f"{prefix}/contacts/Ada?idProperty=firstname")
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "Unable to perform update/upsert by non-unique 0-1 property firstname in portal ID 1",
    )


def test_get_by_custom_unique_property(api, prefix, unique):
    prop = f"deal_key_{unique}"
    create_unique_property(api, "deals", prop, "dealinformation")
    created = create(api, prefix, "deals", {**DEAL, prop: f"K-{unique}"}).json()
    record = api.get(f"{prefix}/deals/K-{unique}", params={"idProperty": prop, "properties": prop}).json()
    assert record["id"] == created["id"]
    assert record["properties"][prop] == f"K-{unique}"


@pytest.mark.parametrize("record_id", ["999999999999", "abc", "0", "-1"])
def test_missing_record_is_404(api, prefix, record_id):
    body = assert_error(api.get(f"{prefix}/tasks/{record_id}"), 404, "OBJECT_NOT_FOUND", NOT_FOUND)
    assert body["context"] == {"id": [record_id]}


def test_record_of_another_type_is_not_found(api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"t-{unique}@example.com"}).json()
    assert_error(api.get(f"{prefix}/deals/{contact['id']}"), 404, "OBJECT_NOT_FOUND")


def test_other_portal_cannot_read_or_write(api, other_portal_api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"p-{unique}@example.com"}).json()
    url = f"{prefix}/contacts/{contact['id']}"
    assert_error(other_portal_api.get(url), 404, "OBJECT_NOT_FOUND")
    assert_error(other_portal_api.patch(url, json={"properties": {"firstname": "X"}}), 404, "OBJECT_NOT_FOUND")
    assert other_portal_api.delete(url).status_code == 204
    assert api.get(url).json()["properties"]["email"] == f"p-{unique}@example.com"


def test_patch_updates_and_returns_200(api, prefix):
    task = create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME, "hs_task_subject": "Old"}).json()
    response = api.patch(f"{prefix}/tasks/{task['id']}", json={"properties": {"hs_task_subject": "New"}})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["properties"]["hs_task_subject"] == "New"
    assert updated["properties"]["hs_timestamp"] == TASK_TIME
    fetched = api.get(f"{prefix}/tasks/{task['id']}?properties=hs_task_subject").json()
    assert fetched["properties"]["hs_task_subject"] == "New"
    assert fetched["updatedAt"] == updated["updatedAt"]


def test_patch_by_id_property(api, prefix, unique):
    create(api, prefix, "contacts", {"email": f"patch-{unique}@example.com"})
    response = api.patch(
        f"{prefix}/contacts/patch-{unique}%40example.com",
        params={"idProperty": "email"},
        json={"properties": {"lastname": "Lovelace"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["lastname"] == "Lovelace"


def test_patch_missing_record_is_404(api, prefix):
    response = api.patch(f"{prefix}/tasks/999999999998", json={"properties": {"hs_task_subject": "x"}})
    body = assert_error(response, 404, "OBJECT_NOT_FOUND", NOT_FOUND)
    assert body["context"] == {"id": ["999999999998"]}


def test_patch_invalid_value_is_400_and_writes_nothing(api, prefix):
    task = create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME, "hs_task_subject": "Keep"}).json()
    url = f"{prefix}/tasks/{task['id']}"
    response = api.patch(url, json={"properties": {"hs_task_subject": "Lost", "hs_timestamp": "not a date"}})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["code"] == "INVALID_DATETIME"
    assert api.get(f"{url}?properties=hs_task_subject").json()["properties"]["hs_task_subject"] == "Keep"


def test_patch_read_only_property_is_400(api, prefix):
    task = create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME}).json()
    response = api.patch(f"{prefix}/tasks/{task['id']}", json={"properties": {"hs_createdate": TASK_TIME}})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == [
        {
            "message": '"hs_createdate" is a read only property; its value cannot be set.',
            "code": "READ_ONLY_VALUE",
            "context": {"propertyName": ["hs_createdate"]},
        }
    ]


def test_single_create_validation_error_is_plain_400(api, prefix):
    response = create(api, prefix, "deals", {"dealname": "no stage"})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert {e["context"]["propertyName"][0] for e in body["errors"]} == {"dealstage", "pipeline"}
    assert "results" not in body


def test_single_create_ignores_trace_id_and_stays_all_or_nothing(api, prefix):
    response = api.post(
        f"{prefix}/tasks", json={"properties": {"hs_timestamp": "yesterday"}, "objectWriteTraceId": "t-1"}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_create_with_inline_associations_and_read_them_back(api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"a-{unique}@example.com"}).json()
    task = create(
        api,
        prefix,
        "tasks",
        {"hs_timestamp": TASK_TIME},
        [
            {
                "to": {"id": contact["id"]},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
            }
        ],
    )
    assert task.status_code == 201, task.text
    record = api.get(f"{prefix}/tasks/{task.json()['id']}?associations=contacts,companies").json()
    assert record["associations"] == {"contacts": {"results": [{"id": contact["id"], "type": "task_to_contact"}]}}
    back = api.get(f"{prefix}/contacts/{contact['id']}", params={"associations": ["tasks", "no_such_type"]}).json()
    assert back["associations"] == {"tasks": {"results": [{"id": task.json()["id"], "type": "contact_to_task"}]}}


def test_create_with_missing_association_target_is_400(api, prefix):
    response = create(
        api,
        prefix,
        "tasks",
        {"hs_timestamp": TASK_TIME},
        [
            {
                "to": {"id": "999999999997"},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
            }
        ],
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def test_duplicate_email_is_409(api, prefix, unique):
    first = create(api, prefix, "contacts", {"email": f"dup-{unique}@example.com"}).json()
    response = create(api, prefix, "contacts", {"email": f"DUP-{unique}@example.com"})
    assert_error(response, 409, "CONFLICT", f"Contact already exists. Existing ID: {first['id']}")


def test_delete_answers_204_and_is_idempotent(api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"del-{unique}@example.com"}).json()
    url = f"{prefix}/contacts/{contact['id']}"
    first = api.delete(url)
    assert first.status_code == 204 and first.content == b""
    assert api.delete(url).status_code == 204
    assert api.delete(f"{prefix}/contacts/999999999996").status_code == 204
    assert api.delete(f"{prefix}/contacts/not-a-number").status_code == 204
    assert_error(api.get(url), 404, "OBJECT_NOT_FOUND")
    archived = api.get(url, params={"archived": "true"})
    assert archived.status_code == 200, archived.text
    record = archived.json()
    assert record["archived"] is True and ISO_MS.match(record["archivedAt"])


def test_archived_query_parameter_forms(api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"arch-{unique}@example.com"}).json()
    url = f"{prefix}/contacts/{contact['id']}"
    for value in ("False", "false"):
        assert api.get(url, params={"archived": value}).status_code == 200
    for value in ("True", "true"):
        assert_error(api.get(url, params={"archived": value}), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get(url, params={"archived": "maybe"}), 400, "VALIDATION_ERROR")


def test_archiving_releases_the_email(api, prefix, unique):
    email = f"reuse-{unique}@example.com"
    first = create(api, prefix, "contacts", {"email": email}).json()
    assert api.delete(f"{prefix}/contacts/{first['id']}").status_code == 204
    second = create(api, prefix, "contacts", {"email": email})
    assert second.status_code == 201, second.text
    assert second.json()["id"] != first["id"]
    found = api.get(f"{prefix}/contacts/{email}", params={"idProperty": "email"}).json()
    assert found["id"] == second.json()["id"]


def test_archived_records_hide_from_association_reads(api, prefix, unique):
    contact = create(api, prefix, "contacts", {"email": f"h-{unique}@example.com"}).json()
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]
    tasks = [
        create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME}, [{"to": {"id": contact["id"]}, "types": spec}]).json()
        for _ in range(2)
    ]
    assert api.delete(f"{prefix}/tasks/{tasks[0]['id']}").status_code == 204
    record = api.get(f"{prefix}/contacts/{contact['id']}?associations=tasks").json()
    assert record["associations"] == {"tasks": {"results": [{"id": tasks[1]["id"], "type": "contact_to_task"}]}}
    assert api.delete(f"{prefix}/tasks/{tasks[1]['id']}").status_code == 204
    assert "associations" not in api.get(f"{prefix}/contacts/{contact['id']}?associations=tasks").json()


def test_contact_company_association_lists_every_type_row(api, prefix, unique):
    company = create(api, prefix, "companies", {"name": f"Co {unique}"}).json()
    contact = create(
        api,
        prefix,
        "contacts",
        {"email": f"cc-{unique}@example.com"},
        [
            {
                "to": {"id": company["id"]},
                "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
                ],
            }
        ],
    ).json()
    record = api.get(f"{prefix}/contacts/{contact['id']}?associations=companies").json()
    results = record["associations"]["companies"]["results"]
    assert sorted(r["type"] for r in results) == ["contact_to_company", "contact_to_company_unlabeled"]
    assert {r["id"] for r in results} == {company["id"]}


def test_ticket_id_reads_as_record_id_and_is_read_only(api, prefix):
    ticket = create(api, prefix, "tickets", TICKET)
    assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["id"]
    assert ticket.json()["properties"]["hs_ticket_id"] == ticket_id
    record = api.get(f"{prefix}/tickets/{ticket_id}?properties=hs_ticket_id,subject").json()
    assert record["properties"]["hs_ticket_id"] == ticket_id
    response = api.patch(f"{prefix}/tickets/{ticket_id}", json={"properties": {"hs_ticket_id": "5"}})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["code"] == "READ_ONLY_VALUE"


def test_properties_with_history_newest_first(api, prefix):
    task = create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME, "hs_task_subject": "v1"}).json()
    url = f"{prefix}/tasks/{task['id']}"
    first = api.get(f"{url}?propertiesWithHistory=hs_task_subject,hs_task_body,unknown_prop").json()
    assert first["propertiesWithHistory"] == {
        "hs_task_subject": [{"value": "v1", "timestamp": task["createdAt"], "sourceType": "API"}],
        "hs_task_body": [],
    }
    second = api.patch(url, json={"properties": {"hs_task_subject": "v2"}}).json()
    third = api.patch(url, json={"properties": {"hs_task_subject": "v3"}}).json()
    history = api.get(f"{url}?propertiesWithHistory=hs_task_subject").json()["propertiesWithHistory"]
    assert history["hs_task_subject"] == [
        {"value": "v3", "timestamp": third["updatedAt"], "sourceType": "API"},
        {"value": "v2", "timestamp": second["updatedAt"], "sourceType": "API"},
        {"value": "v1", "timestamp": task["createdAt"], "sourceType": "API"},
    ]


def test_the_system_dates_history_is_set_when_each_was_last_set(api, prefix):
    """The last-modified date's one version is stamped by the record's last change (integrations such as
    tap-hubspot bookmark on it), the create date's by the creation."""
    task = create(api, prefix, "tasks", {"hs_timestamp": TASK_TIME, "hs_task_subject": "v1"}).json()
    url = f"{prefix}/tasks/{task['id']}"
    changed = api.patch(url, json={"properties": {"hs_task_subject": "v2"}}).json()
    assert changed["updatedAt"] > task["createdAt"]
    read = api.get(f"{url}?propertiesWithHistory=hs_lastmodifieddate,hs_createdate").json()
    assert read["propertiesWithHistory"] == {
        "hs_lastmodifieddate": [
            {"value": changed["updatedAt"], "timestamp": changed["updatedAt"], "sourceType": "API"}
        ],
        "hs_createdate": [{"value": task["createdAt"], "timestamp": task["createdAt"], "sourceType": "API"}],
    }


def test_value_rules_dates_datetimes_and_multi_select_append(api, prefix, unique):
    name = f"multi_{unique}"
    prop = api.post(
        "/crm/v3/properties/contacts",
        json={
            "name": name,
            "label": name,
            "type": "enumeration",
            "fieldType": "checkbox",
            "groupName": "contactinformation",
            "options": [{"label": x, "value": x} for x in ("a", "b", "c")],
        },
    )
    assert prop.status_code == 201, prop.text
    day = f"day_{unique}"
    prop = api.post(
        "/crm/v3/properties/contacts",
        json={"name": day, "label": day, "type": "date", "fieldType": "date", "groupName": "contactinformation"},
    )
    assert prop.status_code == 201, prop.text
    contact = create(api, prefix, "contacts", {"email": f"v-{unique}@example.com", name: "a", day: "1430438400000"})
    assert contact.status_code == 201, contact.text
    assert contact.json()["properties"][day] == "2015-05-01"
    url = f"{prefix}/contacts/{contact.json()['id']}"
    appended = api.patch(url, json={"properties": {name: ";b;c", day: "2015-05-02T23:59:00Z"}}).json()
    assert appended["properties"][name] == "a;b;c"
    assert appended["properties"][day] == "2015-05-02"
    replaced = api.patch(url, json={"properties": {name: "c"}}).json()
    assert replaced["properties"][name] == "c"
    task = create(api, prefix, "tasks", {"hs_timestamp": "1430438400000"}).json()
    assert task["properties"]["hs_timestamp"] == "2015-05-01T00:00:00.000Z"


def test_unknown_object_type_is_400(api, prefix):
    assert_error(api.get(f"{prefix}/robots/1"), 400, "VALIDATION_ERROR", "Unable to infer object type from: robots")


def test_scopes_are_enforced(base_url, token_for, prefix):
    import httpx

    token = token_for("crm.objects.contacts.read")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as limited:
        assert limited.get(f"{prefix}/contacts").status_code == 200
        assert_error(limited.post(f"{prefix}/contacts", json={"properties": {}}), 403, "MISSING_SCOPES")
        assert_error(limited.get(f"{prefix}/deals/1"), 403, "MISSING_SCOPES")
        assert_error(limited.delete(f"{prefix}/contacts/1"), 403, "MISSING_SCOPES")
