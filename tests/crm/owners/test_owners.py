"""Owners: read-only listing and lookup, created with `localspot owner create`."""

from __future__ import annotations

import httpx
import pytest

from tests.support.asserts import ISO_MS, assert_error


@pytest.fixture(scope="module")
def owners(server):
    return [server.create_owner(f"owner{i}-{id(server)}@example.com", first_name=f"O{i}") for i in range(3)]


def test_owner_shape(api, owners):
    owner = api.get(f"/crm/v3/owners/{owners[0]['id']}").json()
    assert owner == owners[0]
    assert owner["type"] == "PERSON" and owner["archived"] is False and owner["teams"] == []
    assert owner["userId"] == owner["userIdIncludingInactive"] != int(owner["id"])
    assert ISO_MS.match(owner["createdAt"]) and ISO_MS.match(owner["updatedAt"])


@pytest.mark.parametrize("path", ["/crm/v3/owners", "/crm/v3/owners/", "/crm/owners/2026-03"])
def test_list_pages_without_paging_on_the_last_page(api, owners, path):
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        response = api.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(o["id"] for o in body["results"])
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert {o["id"] for o in owners} <= set(seen)
    assert len(seen) == len(set(seen))


def test_filter_by_email_and_lookup_by_user_id(api, owners):
    by_email = api.get("/crm/v3/owners/", params={"email": owners[1]["email"].upper()}).json()["results"]
    assert by_email == [owners[1]]
    by_user = api.get(f"/crm/v3/owners/{owners[2]['userId']}", params={"idProperty": "userId"})
    assert by_user.json() == owners[2]


@pytest.mark.parametrize("owner_id", ["999999999", "abc", "1' OR '1'='1"])
def test_unknown_owner_is_a_404(api, owner_id):
    assert_error(api.get(f"/crm/v3/owners/{owner_id}"), 404, "OBJECT_NOT_FOUND")


def test_bad_parameters_are_a_400(api, owners):
    assert_error(api.get("/crm/v3/owners/", params={"limit": 501}), 400, "VALIDATION_ERROR")
    assert_error(api.get(f"/crm/v3/owners/{owners[0]['id']}", params={"idProperty": "email"}), 400, "VALIDATION_ERROR")


def test_owners_need_a_scope_and_belong_to_one_portal(base_url, token_for, other_portal_api, owners):
    assert_error(other_portal_api.get(f"/crm/v3/owners/{owners[0]['id']}"), 404, "OBJECT_NOT_FOUND")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token_for('tickets')}"}) as client:
        assert_error(client.get("/crm/v3/owners/"), 403, "MISSING_SCOPES")
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.objects.owners.read')}"}
    ) as c:
        assert c.get("/crm/v3/owners/").status_code == 200


def test_python_client_reads_owners(hubspot_client, owners):
    page = hubspot_client.crm.owners.owners_api.get_page(email=owners[0]["email"])
    assert [o.id for o in page.results] == [owners[0]["id"]]
    owner = hubspot_client.crm.owners.owners_api.get_by_id(int(owners[0]["id"]))
    assert owner.email == owners[0]["email"] and owner.created_at.year >= 2025
