"""Search through HubSpot's official Python client (hubspot-api-client): `search_api.do_search`."""

from __future__ import annotations

from hubspot.crm.objects.tasks import ApiException, Filter, FilterGroup, PublicObjectSearchRequest

from tests.support.factories import TASK_TIME, batch_create, create_contacts


def make_tasks(api, unique: str, count: int) -> list[dict]:
    return batch_create(
        api,
        "tasks",
        [
            {
                "properties": {
                    "hs_timestamp": f"2025-03-{1 + i:02d}T10:00:00.000Z",
                    "hs_task_subject": f"py{unique} number {i}",
                    "hs_task_priority": "HIGH" if i % 2 else "LOW",
                }
            }
            for i in range(count)
        ],
    )


def test_do_search_filters_sorts_and_pages(api, hubspot_client, unique):
    made = make_tasks(api, unique, 7)
    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(
                filters=[
                    Filter(property_name="hs_task_subject", operator="CONTAINS_TOKEN", value=f"py{unique}"),
                    Filter(property_name="hs_task_priority", operator="IN", values=["HIGH"]),
                ]
            )
        ],
        sorts=["-hs_timestamp"],
        properties=["hs_task_subject", "hs_task_priority"],
        limit=2,
        after="0",
    )
    page = hubspot_client.crm.objects.tasks.search_api.do_search(public_object_search_request=request)
    high = [t["id"] for t in made if t["properties"]["hs_task_priority"] == "HIGH"]
    assert page.total == 3
    assert [r.id for r in page.results] == high[::-1][:2]
    assert page.results[0].properties["hs_task_priority"] == "HIGH"
    assert page.results[0].created_at.year >= 2025
    assert page.paging.next.after == "2"
    request.after = page.paging.next.after
    last = hubspot_client.crm.objects.tasks.search_api.do_search(public_object_search_request=request)
    assert [r.id for r in last.results] == high[::-1][2:]
    assert last.paging is None


def test_do_search_query_and_object_sort(api, hubspot_client, unique):
    made = make_tasks(api, unique, 4)
    request = PublicObjectSearchRequest(
        query=f"py{unique}",
        sorts=[{"propertyName": "hs_timestamp", "direction": "DESCENDING"}],
        limit=10,
    )
    page = hubspot_client.crm.objects.tasks.search_api.do_search(public_object_search_request=request)
    assert page.total == 4 and [r.id for r in page.results] == [t["id"] for t in made][::-1]
    assert page.paging is None


def test_do_search_contacts_by_email_is_case_insensitive(api, hubspot_client, unique):
    contact = create_contacts(api, 1, unique)[0]
    email = contact["properties"]["email"]
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="email", operator="EQ", value=email.upper())])],
        properties=["email"],
    )
    page = hubspot_client.crm.contacts.search_api.do_search(public_object_search_request=request)
    assert page.total == 1 and page.results[0].properties["email"] == email


def test_do_search_tasks_of_a_contact(api, hubspot_client, unique):
    contact = create_contacts(api, 1, unique)[0]
    task = batch_create(
        api,
        "tasks",
        [
            {
                "properties": {"hs_timestamp": TASK_TIME},
                "associations": [
                    {
                        "to": {"id": contact["id"]},
                        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
                    }
                ],
            }
        ],
    )[0]
    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(filters=[Filter(property_name="associations.contact", operator="EQ", value=contact["id"])])
        ]
    )
    page = hubspot_client.crm.objects.tasks.search_api.do_search(public_object_search_request=request)
    assert [r.id for r in page.results] == [task["id"]]


def test_do_search_limit_error_is_an_api_exception(hubspot_client):
    request = PublicObjectSearchRequest(limit=500)
    try:
        hubspot_client.crm.objects.tasks.search_api.do_search(public_object_search_request=request)
    except ApiException as exc:
        assert exc.status == 400
        assert '"category":"VALIDATION_ERROR"' in exc.body
    else:
        raise AssertionError("limit 500 was accepted")
