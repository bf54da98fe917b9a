"""GET /crm/v3/objects/{type}: cursor paging, archived listing, properties and associations on pages."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error
from tests.support.factories import TASK_TIME, batch_create

PREFIXES = ["/crm/v3/objects", "/crm/objects/2026-03"]


@pytest.fixture(params=PREFIXES)
def prefix(request) -> str:
    return request.param


def walk(api, url, **params) -> tuple[list[dict], int]:
    """Every record of a listing, following paging.next.after; also the number of pages."""
    seen: list[dict] = []
    pages = 0
    after = None
    while True:
        query = dict(params)
        if after is not None:
            query["after"] = after
        response = api.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        seen.extend(body["results"])
        if "paging" not in body:
            return seen, pages
        assert set(body["paging"]) == {"next"}
        after = body["paging"]["next"]["after"]
        assert isinstance(after, str) and after


def new_portal_api(fresh_server):
    import httpx

    server = fresh_server()
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=30)


def test_default_limit_is_10_and_paging_absent_on_last_page(fresh_server, prefix):
    with new_portal_api(fresh_server) as api:
        created = batch_create(api, "products", [{"properties": {"name": f"p{i}"}} for i in range(23)])
        first = api.get(f"{prefix}/products").json()
        assert [r["id"] for r in first["results"]] == [r["id"] for r in created[:10]]
        assert first["paging"]["next"]["after"] == created[10]["id"]
        assert first["results"][0]["properties"] == {
            "name": "p0",
            "description": None,
            "price": None,
            "createdate": created[0]["createdAt"],
            "hs_lastmodifieddate": created[0]["updatedAt"],
            "hs_object_id": created[0]["id"],
        }
        records, pages = walk(api, f"{prefix}/products", limit=10)
        assert [r["id"] for r in records] == [r["id"] for r in created]
        assert pages == 3
        exact, pages = walk(api, f"{prefix}/products", limit=23)
        assert len(exact) == 23 and pages == 1
        empty = api.get(f"{prefix}/deals").json()
        assert empty == {"results": []}


def test_paging_is_stable_while_records_are_written(api, prefix, unique):
    tag = f"stable-{unique}"
    batch_create(api, "line_items", [{"properties": {"name": f"{tag}-{i}"}} for i in range(6)])
    first = api.get(f"{prefix}/line_items", params={"limit": 3}).json()
    # Records written and archived between pages neither repeat nor skip what was already there.
    seen = [r["id"] for r in first["results"]]
    extra = batch_create(api, "line_items", [{"properties": {"name": f"{tag}-late"}}])
    assert api.delete(f"{prefix}/line_items/{seen[0]}").status_code == 204
    rest, _ = walk(api, f"{prefix}/line_items", limit=3, after=first["paging"]["next"]["after"])
    rest_ids = [r["id"] for r in rest]
    assert not set(seen) & set(rest_ids)
    assert rest_ids == sorted(rest_ids, key=int)
    assert extra[0]["id"] in rest_ids


def test_limit_bounds(api, prefix):
    assert len(api.get(f"{prefix}/tasks", params={"limit": 100}).json()["results"]) <= 100
    for bad in ("101", "0", "-5", "100000000000000000000", "ten", "1.5"):
        assert_error(api.get(f"{prefix}/tasks", params={"limit": bad}), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "after", ["abc", "-1", "1 OR 1=1", "\uff11\uff12", "\u00b2", "9" * 40, "'; DROP TABLE records; --"]
)
def test_bad_cursor_is_400(api, prefix, after):
    assert_error(api.get(f"{prefix}/tasks", params={"after": after}), 400, "VALIDATION_ERROR")


def test_archived_true_lists_archived_records_only(fresh_server, prefix):
    with new_portal_api(fresh_server) as api:
        calls = batch_create(api, "calls", [{"properties": {"hs_timestamp": TASK_TIME}} for _ in range(3)])
        archive = api.post(f"{prefix}/calls/batch/archive", json={"inputs": [{"id": calls[1]["id"]}]})
        assert archive.status_code == 204
        live = api.get(f"{prefix}/calls", params={"archived": "False"}).json()["results"]
        assert [r["id"] for r in live] == [calls[0]["id"], calls[2]["id"]]
        gone = api.get(f"{prefix}/calls", params={"archived": "True"}).json()["results"]
        assert [r["id"] for r in gone] == [calls[1]["id"]]
        assert gone[0]["archived"] is True and "archivedAt" in gone[0]


def test_list_with_properties_history_and_associations(fresh_server, prefix):
    with new_portal_api(fresh_server) as api:
        contact = batch_create(api, "contacts", [{"properties": {"email": "l@example.com"}}])[0]
        spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]
        tasks = batch_create(
            api,
            "tasks",
            [
                {"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": "s0"}},
                {
                    "properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": "s1"},
                    "associations": [{"to": {"id": contact["id"]}, "types": spec}],
                },
            ],
        )
        page = api.get(
            f"{prefix}/tasks?properties=hs_task_subject&propertiesWithHistory=hs_task_subject&associations=contacts"
        ).json()
        first, second = page["results"]
        assert "associations" not in first
        assert second["associations"] == {"contacts": {"results": [{"id": contact["id"], "type": "task_to_contact"}]}}
        assert first["properties"]["hs_task_subject"] == "s0"
        assert second["propertiesWithHistory"] == {
            "hs_task_subject": [{"value": "s1", "timestamp": tasks[1]["createdAt"], "sourceType": "API"}]
        }


def test_other_portal_lists_nothing_of_ours(fresh_server, prefix):
    import httpx

    server = fresh_server()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}) as mine:
        batch_create(mine, "notes", [{"properties": {"hs_timestamp": TASK_TIME}}])
        theirs_token = server.create_token("*", portal_id=7)
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {theirs_token}"}) as theirs:
            assert theirs.get(f"{prefix}/notes").json() == {"results": []}
            assert theirs.get(f"{prefix}/notes", params={"archived": "true"}).json() == {"results": []}
