"""Account info over real HTTP: the portal's details, and its daily API usage: every authenticated API request
of the portal that day (the usage call itself included), under its daily rate limit or the Enterprise one
while its limits are off, resetting at the next UTC midnight of the shared clock and with a portal reset.
hubspot-api-client 12 has no account-info module."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error

PREFIXES = ["/account-info/v3", "/account-info/2026-03"]
NOW = "2031-05-05T10:00:00.500Z"


@pytest.fixture
def frozen_clock(admin):
    assert admin.put("/clock", json={"now": NOW, "frozen": True}).status_code == 200
    yield
    assert admin.delete("/clock").status_code == 204


def usage(api, path: str = "/account-info/v3/api-usage/daily/private-apps") -> dict:
    response = api.get(path)
    assert response.status_code == 200, response.text
    [only] = response.json()["results"]
    return only


@pytest.mark.parametrize("prefix", PREFIXES)
def test_details(new_portal, prefix):
    portal_id, api = new_portal()
    response = api.get(f"{prefix}/details")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "portalId": portal_id,
        "accountType": "STANDARD",
        "timeZone": "UTC",
        "companyCurrency": "USD",
        "additionalCurrencies": [],
        "utcOffset": "+00:00",
        "utcOffsetMilliseconds": 0,
        "uiDomain": "app.hubspot.com",
        "dataHostingLocation": "na1",
    }


def test_usage_without_rate_limits_counts_every_authenticated_request(
    admin, new_portal, frozen_clock, token_for, base_url
):
    portal_id, api = new_portal()
    expected = {
        "name": "private-apps-api-calls-daily",
        "usageLimit": 1_000_000,
        "currentUsage": 1,  # this call, counted before it is answered (HubSpot's example reads 1 likewise)
        "collectedAt": NOW,
        "fetchStatus": "SUCCESS",
        "resetsAt": "2031-05-06T00:00:00.000Z",
    }
    assert usage(api) == expected
    # The dated path and the older rollout's path read the same counter.
    assert usage(api, "/account-info/2026-03/api-usage/daily/private-apps") == {**expected, "currentUsage": 2}
    assert usage(api, "/account-info/v3/api-usage/daily") == {**expected, "currentUsage": 3}
    # Every authenticated request counts, whatever its answer: reads, writes, a 404 and a 403 of the
    # portal's other token.
    assert api.get("/crm/v3/objects/contacts").status_code == 200
    assert api.post("/crm/v3/objects/contacts", json={"properties": {}}).status_code == 201
    assert api.get("/crm/v3/objects/contacts/999999999").status_code == 404
    with make_client(base_url, token_for("crm.objects.contacts.read", portal_id)) as limited:
        assert limited.get("/crm/v3/objects/deals").status_code == 403
    # A refused token, no token at all, the admin API and another portal's requests are not the portal's.
    with make_client(base_url, "not-a-token") as stranger:
        assert stranger.get("/crm/v3/objects/contacts").status_code == 401
    with make_client(base_url, None) as anonymous:
        assert anonymous.get("/crm/v3/objects/contacts").status_code == 401
    assert admin.get(f"/portals/{portal_id}/rate-limits").status_code == 200
    _, other = new_portal()
    assert other.get("/crm/v3/objects/contacts").status_code == 200
    assert usage(api)["currentUsage"] == 3 + 4 + 1
    assert usage(other)["currentUsage"] == 2
    # A new UTC day starts from zero; a portal reset clears the day's count.
    assert admin.put("/clock", json={"now": "2031-05-06T00:00:01.000Z", "frozen": True}).status_code == 200
    assert (usage(api)["currentUsage"], usage(api)["resetsAt"]) == (1, "2031-05-07T00:00:00.000Z")
    assert usage(api)["currentUsage"] == 3
    assert admin.post(f"/portals/{portal_id}/reset").status_code == 204
    assert usage(api)["currentUsage"] == 1


def test_usage_is_the_daily_counter_of_the_rate_limits(admin, new_portal, frozen_clock):
    portal_id, api = new_portal()
    limited = admin.put(f"/portals/{portal_id}/rate-limits", json={"tier": "professional"})
    assert limited.status_code == 200, limited.text
    for _ in range(3):
        assert api.get("/crm/v3/objects/contacts").status_code == 200
    # The three reads, and this request itself (counted before it is answered).
    first = usage(api)
    assert (first["usageLimit"], first["currentUsage"]) == (650_000, 4)
    assert usage(api)["currentUsage"] == 5
    # Another portal's requests are not this one's.
    _, other = new_portal()
    assert other.get("/crm/v3/objects/contacts").status_code == 200
    assert usage(api)["currentUsage"] == 6
    # A new UTC day starts from zero.
    assert admin.put("/clock", json={"now": "2031-05-06T00:00:01.000Z", "frozen": True}).status_code == 200
    next_day = usage(api)
    assert (next_day["currentUsage"], next_day["resetsAt"]) == (1, "2031-05-07T00:00:00.000Z")
    # Turning them off starts the count again (a change of limits clears the portal's counters), under the
    # Enterprise limit.
    assert admin.delete(f"/portals/{portal_id}/rate-limits").status_code == 204
    off = usage(api)
    assert (off["usageLimit"], off["currentUsage"]) == (1_000_000, 1)


def test_a_token_without_the_oauth_scope_is_refused(new_portal, token_for, base_url):
    portal_id, _ = new_portal()
    with make_client(base_url, token_for("crm.objects.contacts.read", portal_id)) as api:
        body = assert_error(api.get("/account-info/v3/details"), 403, "MISSING_SCOPES")
        assert body["errors"][0]["context"] == {"requiredGranularScopes": ["oauth"]}
    with make_client(base_url, token_for("oauth", portal_id)) as api:
        assert api.get("/account-info/v3/details").json()["portalId"] == portal_id
