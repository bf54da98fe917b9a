"""`/_localspot/portals/{id}/rate-limits`: HubSpot's headers while on, its 429 bodies over a limit (and nothing
written), search counted apart and answered without headers, counters shared by every worker and windows read
from the shared clock."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import TOKEN
from tests.support.asserts import assert_error

CONTACTS = "/crm/v3/objects/contacts"
HEADERS = (
    "X-HubSpot-RateLimit-Daily",
    "X-HubSpot-RateLimit-Daily-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Secondly",
    "X-HubSpot-RateLimit-Secondly-Remaining",
)
SMALL = {"intervalMs": 10_000, "max": 3, "daily": 100, "searchPerSecond": 2}


def _limit(admin: httpx.Client, portal_id: int, body: dict) -> dict:
    answer = admin.put(f"/portals/{portal_id}/rate-limits", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _rate_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in HEADERS if name in response.headers}


@pytest.fixture
def frozen_clock(admin):
    # Frozen, so a test never straddles two windows.
    assert admin.put("/clock", json={"now": "2031-05-05T10:00:00.500Z", "frozen": True}).status_code == 200
    yield
    assert admin.delete("/clock").status_code == 204


def test_off_by_default_with_no_headers(admin, new_portal):
    portal_id, client = new_portal()
    assert admin.get(f"/portals/{portal_id}/rate-limits").json() == {"tier": "off", "enabled": False}
    assert _rate_headers(client.get(CONTACTS)) == {}


def test_a_tier_answers_its_figures_and_the_headers_count_down(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    assert _limit(admin, portal_id, {"tier": "professional"}) == {
        "tier": "professional",
        "intervalMs": 10000,
        "max": 190,
        "daily": 650000,
        "searchPerSecond": 5,
        "enabled": True,
    }
    assert _rate_headers(client.get(CONTACTS)) == {
        "X-HubSpot-RateLimit-Daily": "650000",
        "X-HubSpot-RateLimit-Daily-Remaining": "649999",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "189",
        "X-HubSpot-RateLimit-Secondly": "19",
        "X-HubSpot-RateLimit-Secondly-Remaining": "18",
    }
    second = _rate_headers(client.get(CONTACTS))
    assert (second["X-HubSpot-RateLimit-Remaining"], second["X-HubSpot-RateLimit-Daily-Remaining"]) == (
        "188",
        "649998",
    )


def test_over_the_burst_limit_answers_429_and_writes_nothing(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    _limit(admin, portal_id, SMALL)
    for n in range(3):
        made = client.post(CONTACTS, json={"properties": {"email": f"r{n}@example.com"}})
        assert made.status_code == 201
    refused = client.post(CONTACTS, json={"properties": {"email": "over@example.com"}})
    body = assert_error(refused, 429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.")
    assert (body["errorType"], body["policyName"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING")
    assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    # The next window opens: the contacts made are the three before the refusal.
    assert admin.put("/clock", json={"advanceMs": 10_000}).status_code == 200
    emails = sorted(r["properties"]["email"] for r in client.get(CONTACTS).json()["results"])
    assert emails == ["r0@example.com", "r1@example.com", "r2@example.com"]


def test_the_daily_limit_holds_across_windows_until_the_next_day(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    _limit(admin, portal_id, {**SMALL, "max": 100, "daily": 2})
    assert [client.get(CONTACTS).status_code for _ in range(2)] == [200, 200]
    body = assert_error(client.get(CONTACTS), 429, "RATE_LIMITS", "You have reached your daily limit.")
    assert body["policyName"] == "DAILY"
    admin.put("/clock", json={"advanceMs": 60_000})
    assert client.get(CONTACTS).status_code == 429
    admin.put("/clock", json={"advanceMs": 86_400_000})
    assert client.get(CONTACTS).status_code == 200


def test_search_has_its_own_secondly_limit_and_no_headers(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    _limit(admin, portal_id, SMALL)
    search = {"filterGroups": [], "limit": 1}
    answers = [client.post(CONTACTS + "/search", json=search) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [_rate_headers(a) for a in answers] == [{}, {}, {}]
    body = assert_error(answers[2], 429, "RATE_LIMITS", "You have reached your secondly limit.")
    assert body["policyName"] == "SECONDLY"
    # Searches are exempt from the ten-secondly limit: three other calls still pass.
    assert [client.get(CONTACTS).status_code for _ in range(3)] == [200, 200, 200]
    admin.put("/clock", json={"advanceMs": 1000})
    assert client.post(CONTACTS + "/search", json=search).status_code == 200


def test_another_portals_limits_do_not_apply(admin, new_portal, frozen_clock):
    limited_id, limited = new_portal()
    _, free = new_portal()
    _limit(admin, limited_id, {**SMALL, "max": 1})
    assert limited.get(CONTACTS).status_code == 200
    assert limited.get(CONTACTS).status_code == 429
    assert [free.get(CONTACTS).status_code for _ in range(3)] == [200, 200, 200]


def test_off_and_delete_turn_them_off_and_a_new_setting_starts_counting_anew(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    _limit(admin, portal_id, {**SMALL, "max": 1})
    client.get(CONTACTS)
    assert client.get(CONTACTS).status_code == 429
    assert _limit(admin, portal_id, {"tier": "off"}) == {"tier": "off", "enabled": False}
    assert _rate_headers(client.get(CONTACTS)) == {}
    _limit(admin, portal_id, {**SMALL, "max": 1})
    assert client.get(CONTACTS).status_code == 200
    assert admin.delete(f"/portals/{portal_id}/rate-limits").status_code == 204
    assert client.get(CONTACTS).status_code == 200


def test_a_reset_keeps_the_limits_with_fresh_counters(admin, new_portal, frozen_clock):
    portal_id, client = new_portal()
    _limit(admin, portal_id, {**SMALL, "max": 1})
    client.get(CONTACTS)
    assert admin.post(f"/portals/{portal_id}/reset").status_code == 204
    assert admin.get(f"/portals/{portal_id}/rate-limits").json()["max"] == 1
    assert client.get(CONTACTS).status_code == 200
    assert client.get(CONTACTS).status_code == 429


def test_a_deleted_portal_takes_its_limits_along(admin):
    portal_id = admin.post("/portals", json={}).json()["portalId"]
    _limit(admin, portal_id, {"tier": "free"})
    assert admin.delete(f"/portals/{portal_id}").status_code == 204
    assert_error(admin.get(f"/portals/{portal_id}/rate-limits"), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"tier": "platinum"}, "tier: must be one of free, starter, professional, enterprise, off"),
        ({"tier": "free", "max": 3}, "tier: give a tier or explicit limits, not both"),
        ({"max": 3}, "intervalMs: give a tier, or every one of"),
        ({**SMALL, "intervalMs": 5}, "intervalMs: must be from 1000 to 86400000 milliseconds"),
        ({**SMALL, "max": 0}, "max: must be a whole number from 1 to 1000000000"),
        ({**SMALL, "daily": "lots"}, "Invalid input JSON"),
    ],
)
def test_malformed_settings_are_400s_and_change_nothing(admin, new_portal, body, message):
    portal_id, _ = new_portal()
    answer = assert_error(admin.put(f"/portals/{portal_id}/rate-limits", json=body), 400, "VALIDATION_ERROR")
    assert answer["message"].startswith(message), answer["message"]
    assert admin.get(f"/portals/{portal_id}/rate-limits").json() == {"tier": "off", "enabled": False}


def test_an_unknown_portal_is_a_404(admin):
    assert_error(admin.put("/portals/987654321987/rate-limits", json={"tier": "free"}), 404, "OBJECT_NOT_FOUND")


def test_counters_hold_across_workers(fresh_server):
    server = fresh_server("--workers", "2", "--rate-limits", "free")
    with httpx.Client(base_url=server.url + "/_localspot") as admin:
        assert admin.get("/portals/1/rate-limits").json()["tier"] == "free"
        assert admin.put("/clock", json={"now": "2031-05-05T10:00:00.500Z", "frozen": True}).status_code == 200
    statuses = []
    for _ in range(102):
        # A new connection each time, so the requests spread over both workers.
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
            statuses.append(api.get(CONTACTS).status_code)
    assert statuses == [200] * 100 + [429] * 2
