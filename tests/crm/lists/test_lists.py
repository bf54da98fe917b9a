"""Lists over real HTTP and with HubSpot's Python client: MANUAL, SNAPSHOT and DYNAMIC lists, their members,
search, names, filters, delete and restore, scopes and bad input."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import make_client
from tests.support.asserts import ISO_MS, assert_error

BASE = "/crm/v3/lists"


def contacts(api, *emails_and_cities: tuple[str, str | None]) -> list[str]:
    inputs = [{"properties": {"email": email, **({"city": city} if city else {})}} for email, city in emails_and_cities]
    created = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
    assert created.status_code == 201, created.text
    by_email = {r["properties"]["email"]: r["id"] for r in created.json()["results"]}
    return [by_email[email] for email, _ in emails_and_cities]


def city_is(city: str, **operation) -> dict:
    return {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "city",
                        "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": city, **operation},
                    }
                ],
            }
        ],
    }


def create_list(api, processing_type: str = "MANUAL", **extra) -> dict:
    body = {"name": f"list {uuid.uuid4().hex[:8]}", "objectTypeId": "0-1", "processingType": processing_type, **extra}
    created = api.post(f"{BASE}/", json=body)
    assert created.status_code == 200, created.text
    return created.json()["list"]


def member_ids(api, list_id: str, **params) -> list[str]:
    answer = api.get(f"{BASE}/{list_id}/memberships", params=params)
    assert answer.status_code == 200, answer.text
    return [row["recordId"] for row in answer.json()["results"]]


def test_a_manual_list_with_the_official_client(hubspot_client, api, unique):
    from hubspot.crm.lists import ListCreateRequest

    ids = contacts(api, (f"a-{unique}@x.example", None), (f"b-{unique}@x.example", None))
    created = hubspot_client.crm.lists.lists_api.create(
        list_create_request=ListCreateRequest(name=f"VIP {unique}", object_type_id="0-1", processing_type="MANUAL")
    ).list
    assert (created.processing_type, created.processing_status, created.list_version) == ("MANUAL", "COMPLETE", 1)
    changed = hubspot_client.crm.lists.memberships_api.add(created.list_id, request_body=[*ids, "999999999"])
    assert (changed.records_ids_added, changed.record_ids_missing) == (ids, ["999999999"])
    page = hubspot_client.crm.lists.memberships_api.get_page(created.list_id)
    assert [row.record_id for row in page.results] == ids
    by_name = hubspot_client.crm.lists.lists_api.get_by_name(f"vip {unique}", "0-1").list
    assert (by_name.list_id, by_name.size) == (created.list_id, 2)
    record_lists = hubspot_client.crm.lists.memberships_api.get_lists("0-1", ids[0])
    assert [m.list_id for m in record_lists.results] == [created.list_id]


def test_the_list_object_and_its_reads(api, unique):
    made = create_list(api, customProperties={"hs_description": "the best"})
    assert set(made) >= {
        "listId", "listVersion", "name", "objectTypeId", "processingType", "processingStatus", "createdAt",
        "updatedAt", "filtersUpdatedAt", "createdById", "updatedById", "listPermissions", "membershipSettings", "size",
    }  # fmt: skip
    assert ISO_MS.match(made["createdAt"]) and made["size"] == 0 and "filterBranch" not in made
    assert api.get(f"{BASE}/{made['listId']}").json()["list"] == made
    many = api.get(f"{BASE}/", params=[("listIds", made["listId"]), ("listIds", "999999999")]).json()
    assert [item["listId"] for item in many["lists"]] == [made["listId"]]
    renamed = api.put(f"{BASE}/{made['listId']}/update-list-name", params={"listName": f"renamed {unique}"})
    assert renamed.json()["updatedList"]["name"] == f"renamed {unique}"
    assert renamed.json()["updatedList"]["listVersion"] == 1


def test_membership_writes_report_what_they_did(api, unique):
    first, second, third = contacts(
        api, (f"1-{unique}@x.example", None), (f"2-{unique}@x.example", None), (f"3-{unique}@x.example", None)
    )
    made = create_list(api)
    list_id = made["listId"]
    assert api.put(f"{BASE}/{list_id}/memberships/add", json=[first, second]).json()["recordsIdsAdded"] == [
        first,
        second,
    ]
    again = api.put(f"{BASE}/{list_id}/memberships/add", json=[first, "abc"]).json()
    assert again == {"recordsIdsAdded": [], "recordIdsRemoved": [], "recordIdsMissing": ["abc"]}
    both = api.put(
        f"{BASE}/{list_id}/memberships/add-and-remove",
        json={"recordIdsToAdd": [third], "recordIdsToRemove": [first, "424242424242"]},
    ).json()
    assert both == {"recordsIdsAdded": [third], "recordIdsRemoved": [first], "recordIdsMissing": ["424242424242"]}
    assert member_ids(api, list_id) == [second, third]
    joined = api.get(f"{BASE}/{list_id}/memberships/join-order").json()["results"]
    assert [row["recordId"] for row in joined] == [second, third] and ISO_MS.match(joined[0]["membershipTimestamp"])
    # paging by limit, forward and back
    page = api.get(f"{BASE}/{list_id}/memberships", params={"limit": 1}).json()
    assert [r["recordId"] for r in page["results"]] == [second] and page["total"] == 2
    rest = api.get(f"{BASE}/{list_id}/memberships", params={"limit": 1, "after": page["paging"]["next"]["after"]})
    assert [r["recordId"] for r in rest.json()["results"]] == [third] and "paging" not in rest.json()
    # an archived record is no longer a member
    assert api.delete(f"/crm/v3/objects/contacts/{second}").status_code == 204
    assert member_ids(api, list_id) == [third]
    other = create_list(api)
    assert api.put(f"{BASE}/{other['listId']}/memberships/add-from/{list_id}").status_code == 204
    assert member_ids(api, other["listId"]) == [third]
    assert api.delete(f"{BASE}/{list_id}/memberships").status_code == 204
    assert member_ids(api, list_id) == []


def test_dynamic_lists_follow_the_records(api, unique):
    city = f"Oslo-{unique}"
    oslo, _ = contacts(api, (f"o-{unique}@x.example", city), (f"b-{unique}@x.example", f"Bergen-{unique}"))
    dynamic = create_list(api, "DYNAMIC", filterBranch=city_is(city))
    branch = dynamic["filterBranch"]
    assert branch["filterBranchOperator"] == "OR" and branch["filters"] == []
    assert branch["filterBranches"][0]["filters"][0]["operation"]["includeObjectsWithNoValueSet"] is False
    assert member_ids(api, dynamic["listId"]) == [oslo]
    (later,) = contacts(api, (f"l-{unique}@x.example", city))
    assert member_ids(api, dynamic["listId"]) == [oslo, later]
    api.patch(f"/crm/v3/objects/contacts/{oslo}", json={"properties": {"city": "Elsewhere"}})
    assert member_ids(api, dynamic["listId"]) == [later]
    assert api.get(f"{BASE}/{dynamic['listId']}").json()["list"]["size"] == 1
    memberships = api.get(f"{BASE}/records/0-1/{later}/memberships").json()["results"]
    assert [m["listId"] for m in memberships] == [dynamic["listId"]]
    refused = api.put(f"{BASE}/{dynamic['listId']}/memberships/add", json=[oslo])
    assert assert_error(refused, 400, "VALIDATION_ERROR")["subCategory"] == "ListError.INVALID_PROCESSING_TYPE"
    updated = api.put(f"{BASE}/{dynamic['listId']}/update-list-filters", json={"filterBranch": city_is("Elsewhere")})
    assert updated.json()["updatedList"]["listVersion"] == 2
    assert oslo in member_ids(api, dynamic["listId"])


def test_a_snapshot_list_keeps_its_first_members(api, unique):
    city = f"Rome-{unique}"
    (first,) = contacts(api, (f"r-{unique}@x.example", city))
    snapshot = create_list(api, "SNAPSHOT", filterBranch=city_is(city))
    contacts(api, (f"r2-{unique}@x.example", city))
    assert member_ids(api, snapshot["listId"]) == [first]


def test_include_objects_with_no_value_set(api, unique):
    (with_city,) = contacts(api, (f"w-{unique}@x.example", f"Paris-{unique}"))
    dynamic = create_list(api, "DYNAMIC", filterBranch=city_is(f"Paris-{unique}", includeObjectsWithNoValueSet=True))
    members = member_ids(api, dynamic["listId"], limit=250)
    assert with_city in members
    no_city = api.post("/crm/v3/objects/contacts", json={"properties": {"email": f"n-{unique}@x.example"}}).json()
    assert no_city["id"] in member_ids(api, dynamic["listId"], after=str(int(no_city["id"]) - 1))


def test_search_delete_and_restore(api, unique):
    made = [create_list(api, name=f"search {unique} {n}") for n in range(3)]
    found = api.post(f"{BASE}/search", json={"query": f"search {unique}", "count": 2}).json()
    assert (found["total"], found["offset"], found["hasMore"]) == (3, 2, True)
    assert [item["listId"] for item in found["lists"]] == [m["listId"] for m in made[:2]]
    assert found["lists"][0]["additionalProperties"] == {"hs_list_size": "0", "hs_list_reference_count": "0"}
    rest = api.post(f"{BASE}/search", json={"query": f"search {unique}", "count": 2, "offset": 2}).json()
    assert [item["listId"] for item in rest["lists"]] == [made[2]["listId"]] and rest["hasMore"] is False
    assert api.delete(f"{BASE}/{made[0]['listId']}").status_code == 204
    assert_error(api.get(f"{BASE}/{made[0]['listId']}"), 404, "OBJECT_NOT_FOUND")
    assert api.put(f"{BASE}/{made[0]['listId']}/restore").status_code == 204
    assert api.get(f"{BASE}/{made[0]['listId']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "sub_category"),
    [
        ({"processingType": "SOMETIMES"}, "ListError.INVALID_PROCESSING_TYPE"),
        ({"objectTypeId": "0-999"}, "ListError.INVALID_OBJECT_TYPE_FOR_LIST"),
        ({"processingType": "DYNAMIC"}, "ListError.INVALID_REQUEST"),
        (
            {"processingType": "DYNAMIC", "filterBranch": {"filterBranchType": "AND", "filterBranches": [{}]}},
            "ListError.UNSUPPORTED_FILTER",
        ),
        (
            {
                "processingType": "DYNAMIC",
                "filterBranch": {
                    "filterBranchType": "OR",
                    "filterBranches": [{"filterBranchType": "AND", "filters": [{"filterType": "PAGE_VIEW"}]}],
                },
            },
            "ListError.UNSUPPORTED_FILTER",
        ),
    ],
)
def test_bad_lists_are_a_400(api, unique, body, sub_category):
    full = {"name": f"bad {unique}", "objectTypeId": "0-1", "processingType": "MANUAL", **body}
    assert assert_error(api.post(f"{BASE}/", json=full), 400, "VALIDATION_ERROR")["subCategory"] == sub_category


def test_names_are_unique_among_live_lists(api, unique):
    create_list(api, name=f"Same {unique}")
    clash = api.post(f"{BASE}/", json={"name": f"same {unique}", "objectTypeId": "0-1", "processingType": "MANUAL"})
    assert assert_error(clash, 409, "CONFLICT")["subCategory"] == "ListError.LIST_NAME_ALREADY_EXISTS"


def test_lists_belong_to_one_portal_and_need_their_scopes(api, other_portal_api, base_url, token_for):
    made = create_list(api)
    assert_error(other_portal_api.get(f"{BASE}/{made['listId']}"), 404, "OBJECT_NOT_FOUND")
    with make_client(base_url, token_for("crm.lists.read")) as reader:
        assert reader.get(f"{BASE}/{made['listId']}").status_code == 200
        assert_error(reader.delete(f"{BASE}/{made['listId']}"), 403, "MISSING_SCOPES")
    with make_client(base_url, token_for("crm.objects.contacts.read")) as other:
        assert_error(other.get(f"{BASE}/{made['listId']}"), 403, "MISSING_SCOPES")


def test_the_date_versioned_paths(api):
    made = create_list(api)
    for version in ("2025-09", "2026-03", "2026-09"):
        assert api.get(f"/crm/lists/{version}/{made['listId']}").json()["list"]["listId"] == made["listId"]
