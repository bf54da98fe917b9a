"""Account info over real HTTP: the portal's details, and its daily API usage as the rate limits count it
(0 under the Enterprise limit while they are off), resetting at the next UTC midnight of the shared clock.
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


def test_usage_without_rate_limits_is_zero_under_the_enterprise_limit(new_portal, frozen_clock):
    _, api = new_portal()
    expected = {
        "name": "private-apps-api-calls-daily",
        "usageLimit": 1_000_000,
        "currentUsage": 0,
        "collectedAt": NOW,
        "fetchStatus": "SUCCESS",
        "resetsAt": "2031-05-06T00:00:00.000Z",
    }
    assert usage(api) == expected
    assert usage(api, "/account-info/2026-03/api-usage/daily/private-apps") == expected
    # The older rollout's path answers the same.
    assert usage(api, "/account-info/v3/api-usage/daily") == expected


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
    assert admin.delete(f"/portals/{portal_id}/rate-limits").status_code == 204
    assert (usage(api)["usageLimit"], usage(api)["currentUsage"]) == (1_000_000, 0)


def test_a_token_without_the_oauth_scope_is_refused(new_portal, token_for, base_url):
    portal_id, _ = new_portal()
    with make_client(base_url, token_for("crm.objects.contacts.read", portal_id)) as api:
        body = assert_error(api.get("/account-info/v3/details"), 403, "MISSING_SCOPES")
        assert body["errors"][0]["context"] == {"requiredGranularScopes": ["oauth"]}
    with make_client(base_url, token_for("oauth", portal_id)) as api:
        assert api.get("/account-info/v3/details").json()["portalId"] == portal_id
