"""Deal splits over real HTTP: upsert replaces a deal's splits once HubSpot's rules hold, batch read answers
them (a 207 for deals the portal does not have)."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import ISO_MS, assert_error

DEAL = {"dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"}
PREFIXES = ["/crm/objects/v3/deals/splits", "/crm/v3/objects/deals/splits", "/deal-splits/2025-09"]


@pytest.fixture
def portal(admin, new_portal):
    """A portal of the test's own, with three owners and a deal owned by the first."""
    portal_id, api = new_portal()
    owners = []
    for i in range(3):
        made = admin.post(f"/portals/{portal_id}/owners", json={"email": f"rep{i}@example.com"})
        assert made.status_code == 201, made.text
        owners.append(int(made.json()["id"]))
    deal = api.post("/crm/v3/objects/deals", json={"properties": {**DEAL, "hubspot_owner_id": owners[0]}})
    assert deal.status_code == 201, deal.text
    return api, owners, deal.json()["id"]


def upsert(api, prefix, deal, *splits, status=200):
    body = {"inputs": [{"id": int(deal), "splits": [{"ownerId": o, "percentage": p} for o, p in splits]}]}
    response = api.post(f"{prefix}/batch/upsert", json=body)
    assert response.status_code == status, response.text
    return response.json()


def shares(result):
    return [
        (s["properties"]["hubspot_owner_id"], s["properties"]["hs_deal_split_percentage"]) for s in result["splits"]
    ]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_upsert_then_read_and_replace(portal, prefix):
    api, owners, deal = portal
    read = api.post(f"{prefix}/batch/read", json={"inputs": [{"id": deal}]})
    assert read.status_code == 200, read.text
    assert read.json()["results"] == [{"id": deal, "splits": []}]
    body = upsert(api, prefix, deal, (owners[0], 0.6), (owners[1], 0.4))
    assert body["status"] == "COMPLETE"
    (result,) = body["results"]
    assert result["id"] == deal
    assert shares(result) == [(str(owners[0]), "0.6"), (str(owners[1]), "0.4")]
    first = result["splits"][0]
    assert set(first) == {"id", "properties", "createdAt", "updatedAt", "archived"}
    assert first["archived"] is False and ISO_MS.match(first["createdAt"]) and first["id"].isdigit()
    assert len({s["id"] for s in result["splits"]}) == 2
    again = api.post(f"{prefix}/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert again["results"] == [result]
    # An upsert replaces every split of the deal.
    replaced = upsert(api, prefix, deal, (owners[2], 0.33333333), (owners[0], 0.66666667))["results"][0]
    assert shares(replaced) == [(str(owners[2]), "0.33333333"), (str(owners[0]), "0.66666667")]
    alone = upsert(api, prefix, deal, (owners[0], 1))["results"][0]
    assert shares(alone) == [(str(owners[0]), "1.0")]
    assert api.post(f"{prefix}/batch/read", json={"inputs": [{"id": deal}]}).json()["results"] == [alone]


def test_read_answers_a_207_for_deals_the_portal_does_not_have(portal):
    api, owners, deal = portal
    upsert(api, PREFIXES[0], deal, (owners[0], 1.0))
    contact = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "x@example.com"}}).json()["id"]
    response = api.post(
        f"{PREFIXES[0]}/batch/read", json={"inputs": [{"id": deal}, {"id": "999999999"}, {"id": contact}]}
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert [r["id"] for r in body["results"]] == [deal]
    assert body["numErrors"] == 2
    assert [e["message"] for e in body["errors"]] == [
        "Deal 999999999 does not exist.",
        f"Deal {contact} does not exist.",
    ]
    assert all(e["category"] == "OBJECT_NOT_FOUND" for e in body["errors"])


@pytest.mark.parametrize(
    ("splits", "message"),
    [
        ([(0, 0.5), (1, 0.4)], "The split percentages of deal {deal} sum to 0.9, not 1.0."),
        ([(0, 0.5), (1, 0.6)], "The split percentages of deal {deal} sum to 1.1, not 1.0."),
        ([(1, 1.0)], "The deal's owner ({owner0}) must be one of the split owners of deal {deal}."),
        ([(0, 0.5), (0, 0.5)], "Deal {deal} names an owner in more than one split."),
        (
            [(0, 0.123456789), (1, 0.876543211)],
            "Split percentage 0.123456789 of deal {deal} has more than 8 decimal places.",
        ),
        ([(0, 1.5), (1, -0.5)], "Split percentage 1.5 of deal {deal} must be more than 0 and at most 1."),
        ([(0, 1.0), (1, 0)], "Split percentage 0.0 of deal {deal} must be more than 0 and at most 1."),
        ([], "Deal {deal} needs at least one split."),
    ],
)
def test_upserts_breaking_a_rule_are_a_400_and_write_nothing(portal, splits, message):
    api, owners, deal = portal
    upsert(api, PREFIXES[0], deal, (owners[0], 0.5), (owners[1], 0.5))
    before = api.post(f"{PREFIXES[0]}/batch/read", json={"inputs": [{"id": deal}]}).json()["results"]
    body = upsert(api, PREFIXES[0], deal, *[(owners[i], p) for i, p in splits], status=400)
    expected = message.format(deal=deal, owner0=owners[0])
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"] == expected
    assert body["context"] == {"dealId": [deal]}
    assert body["errors"] == [{"message": expected, "context": {"dealId": [deal]}}]
    assert api.post(f"{PREFIXES[0]}/batch/read", json={"inputs": [{"id": deal}]}).json()["results"] == before


def test_one_bad_deal_fails_the_batch(admin, portal):
    api, owners, deal = portal
    unowned = api.post("/crm/v3/objects/deals", json={"properties": DEAL}).json()["id"]
    body = {
        "inputs": [
            {"id": deal, "splits": [{"ownerId": owners[0], "percentage": 1}]},
            {"id": unowned, "splits": [{"ownerId": owners[0], "percentage": 1}]},
            {"id": "999999999", "splits": [{"ownerId": owners[0], "percentage": 1}]},
            {"id": str(int(deal) + 10**9), "splits": [{"ownerId": 123, "percentage": 1}]},
        ]
    }
    error = assert_error(api.post(f"{PREFIXES[0]}/batch/upsert", json=body), 400, "VALIDATION_ERROR")
    assert error["message"] == "The splits of 3 deals are not valid."
    assert [e["message"] for e in error["errors"]] == [
        f"Deal {unowned} has no owner; a deal's owner must be one of its split owners.",
        "Deal 999999999 does not exist.",
        f"Deal {int(deal) + 10**9} does not exist.",
    ]
    assert api.post(f"{PREFIXES[0]}/batch/read", json={"inputs": [{"id": deal}]}).json()["results"] == [
        {"id": deal, "splits": []}
    ]


def test_owners_must_be_active_owners_and_at_most_five_share_a_deal(admin, portal):
    api, owners, deal = portal
    body = upsert(api, PREFIXES[0], deal, (owners[0], 0.5), (424242, 0.5), status=400)
    assert body["message"] == "Owner 424242 is not an active owner of this account."
    six = [(o, 0.1) for o in range(1, 6)] + [(owners[0], 0.5)]
    body = upsert(api, PREFIXES[0], deal, *six, status=400)
    assert body["message"] == f"Deal {deal} is split among 6 owners; at most 5 may share a deal."


def test_batch_limits_and_bodies(portal):
    api, owners, deal = portal
    too_many = {"inputs": [{"id": str(i)} for i in range(101)]}
    assert_error(api.post(f"{PREFIXES[0]}/batch/read", json=too_many), 400, "VALIDATION_ERROR")
    twice = {"inputs": [{"id": deal, "splits": [{"ownerId": owners[0], "percentage": 1}]}] * 2}
    assert_error(api.post(f"{PREFIXES[0]}/batch/upsert", json=twice), 400, "VALIDATION_ERROR")
    assert_error(api.post(f"{PREFIXES[0]}/batch/upsert", json={"inputs": [{"id": deal}]}), 400, "VALIDATION_ERROR")
    assert_error(api.post(f"{PREFIXES[0]}/batch/read", json={}), 400, "VALIDATION_ERROR")


def test_splits_take_their_scope_and_stay_in_their_portal(base_url, token_for, portal, api):
    tenant, owners, deal = portal
    upsert(tenant, PREFIXES[0], deal, (owners[0], 1))
    # The shared portal does not have the test portal's deal.
    other = api.post(f"{PREFIXES[0]}/batch/read", json={"inputs": [{"id": deal}]})
    assert other.status_code == 207 and other.json()["results"] == []
    with make_client(base_url, token_for("crm.objects.deals.write")) as writer:
        assert_error(writer.post(f"{PREFIXES[0]}/batch/read", json={"inputs": []}), 403, "MISSING_SCOPES")
    with make_client(base_url, token_for("crm.dealsplits.read_write")) as splitter:
        assert splitter.post(f"{PREFIXES[2]}/batch/read", json={"inputs": []}).status_code == 200
