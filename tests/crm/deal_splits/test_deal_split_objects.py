"""Deal splits as CRM objects of type `deal_split`: the list pages every split of the portal by id, and the
search filters them on their properties (Airbyte's deal_splits stream reads both)."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.crm.deal_splits.test_deal_splits import DEAL, portal, upsert  # noqa: F401 (the fixture)
from tests.support.asserts import assert_error

SPLITS = "/crm/v3/objects/deal_split"


@pytest.fixture
def split_deals(portal):  # noqa: F811
    """Two deals of the first owner, split three ways and in two: five splits, the second deal's newer."""
    api, owners, first = portal
    second = api.post("/crm/v3/objects/deals", json={"properties": {**DEAL, "hubspot_owner_id": owners[0]}})
    assert second.status_code == 201, second.text
    one = upsert(api, "/crm/v3/objects/deals/splits", first, (owners[0], 0.5), (owners[1], 0.3), (owners[2], 0.2))
    two = upsert(api, "/crm/v3/objects/deals/splits", second.json()["id"], (owners[0], 0.6), (owners[1], 0.4))
    made = [(first, s) for s in one["results"][0]["splits"]]
    made += [(second.json()["id"], s) for s in two["results"][0]["splits"]]
    return api, owners, made


def as_object(deal_id: str, split: dict) -> dict:
    return {
        "id": split["id"],
        "properties": {
            "hs_createdate": split["createdAt"],
            "hs_deal_id": deal_id,
            "hs_deal_split_percentage": split["properties"]["hs_deal_split_percentage"],
            "hs_lastmodifieddate": split["updatedAt"],
            "hs_object_id": split["id"],
            "hubspot_owner_id": split["properties"]["hubspot_owner_id"],
        },
        "createdAt": split["createdAt"],
        "updatedAt": split["updatedAt"],
        "archived": False,
    }


def test_the_list_pages_every_split_by_id(split_deals):
    api, _, made = split_deals
    expected = sorted((as_object(deal, split) for deal, split in made), key=lambda o: int(o["id"]))
    first = api.get(SPLITS, params={"limit": 3})
    assert first.status_code == 200, first.text
    assert first.json() == {
        "results": expected[:3],
        "paging": {"next": {"after": expected[3]["id"], "link": ""}},
    }
    rest = api.get(f"{SPLITS}/", params={"limit": 3, "after": expected[3]["id"]})
    assert rest.json() == {"results": expected[3:]}
    assert api.get(SPLITS, params={"archived": "true"}).json() == {"results": []}
    assert_error(api.get(SPLITS, params={"after": "x"}), 400, "VALIDATION_ERROR")


def test_the_search_filters_on_the_modification_date_and_pages_by_offset(split_deals):
    api, owners, made = split_deals
    newer = made[3][1]["updatedAt"]
    assert made[2][1]["updatedAt"] < newer
    body = {
        "limit": 1,
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        # The older request's top-level filters, as Airbyte sends them: epoch milliseconds and an ISO date.
        "filters": [
            {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": newer},
            {"propertyName": "hs_lastmodifieddate", "operator": "LTE", "value": "4102444800000"},
        ],
    }
    first = api.post(f"{SPLITS}/search", json=body)
    assert first.status_code == 200, first.text
    second_deal = [as_object(deal, split) for deal, split in made[3:]]
    assert first.json() == {"total": 2, "results": second_deal[:1], "paging": {"next": {"after": "1"}}}
    assert api.post(f"{SPLITS}/search", json={**body, "after": "1"}).json() == {"total": 2, "results": second_deal[1:]}
    by_owner = {
        "filterGroups": [{"filters": [{"propertyName": "hubspot_owner_id", "operator": "EQ", "value": owners[1]}]}],
        "sorts": [{"propertyName": "hs_deal_split_percentage", "direction": "DESCENDING"}],
    }
    found = api.post(f"{SPLITS}/search", json=by_owner).json()
    assert [r["properties"]["hs_deal_split_percentage"] for r in found["results"]] == ["0.4", "0.3"]
    # An unknown property matches nothing; a value that is no date is HubSpot's 400.
    unknown = {"filters": [{"propertyName": "nope", "operator": "EQ", "value": "1"}]}
    assert api.post(f"{SPLITS}/search", json=unknown).json() == {"total": 0, "results": []}
    bad = {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "soon"}]}
    assert_error(api.post(f"{SPLITS}/search", json=bad), 400, "VALIDATION_ERROR")
    assert_error(api.post(f"{SPLITS}/search", json={"limit": 201}), 400, "VALIDATION_ERROR")


def test_deal_split_objects_take_the_deal_splits_scope(split_deals, token_for, base_url, new_portal):
    api, _, _ = split_deals
    assert api.get(SPLITS).status_code == 200
    portal_id, _ = new_portal()
    with make_client(base_url, token_for("crm.objects.deals.read", portal_id)) as other:
        assert_error(other.get(SPLITS), 403, "MISSING_SCOPES")
        assert_error(other.post(f"{SPLITS}/search", json={}), 403, "MISSING_SCOPES")
    with make_client(base_url, token_for("crm.dealsplits.read_write", portal_id)) as own:
        assert own.get(SPLITS).json() == {"results": []}
