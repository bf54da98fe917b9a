"""An app's CRM cards (legacy public app cards), on every version family, with the app's developer key."""

from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import create_app
from tests.support.asserts import assert_error

PREFIXES = ("/crm/v3/extensions/cards-dev", "/crm/extensions/cards-dev/2025-09", "/crm/extensions/cards-dev/2026-03",
            "/crm/extensions/cards-dev/2026-09")  # fmt: skip
CARD = {
    "title": "Orders",
    "fetch": {
        "targetUrl": "https://cards.example.com/fetch",
        "objectTypes": [{"name": "contacts", "propertiesToSend": ["email", "firstname"]}],
    },
    "display": {
        "properties": [
            {
                "name": "status",
                "label": "Status",
                "dataType": "STATUS",
                "options": [{"name": "open", "label": "Open", "type": "SUCCESS"}],
            }
        ]
    },
    "actions": {"baseUrls": ["https://cards.example.com"]},
}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_cards_are_created_listed_read_updated_and_deleted(dev, app, prefix):
    base = f"{prefix}/{app['appId']}"
    assert dev.get(base).json() == {"results": []}
    created = dev.post(base, json=CARD)
    assert created.status_code == 201, created.text
    card = created.json()
    assert card["createdAt"] == card["updatedAt"]
    assert card["auditHistory"] == [
        {
            "actionType": "CREATE",
            "applicationId": app["appId"],
            "authSource": "APP",
            "changedAt": card["auditHistory"][0]["changedAt"],
            "initiatingUserId": 1,
            "objectTypeId": int(card["id"]),
        }
    ]
    assert {k: card[k] for k in ("title", "fetch", "display", "actions")} == CARD
    assert dev.get(base).json() == {"results": [card]}
    assert dev.get(f"{base}/{card['id']}").json() == card
    patched = dev.patch(
        f"{base}/{card['id']}",
        json={"title": "Invoices", "fetch": {"objectTypes": [{"name": "deals", "propertiesToSend": ["amount"]}]}},
    )
    assert patched.status_code == 200
    updated = patched.json()
    assert updated["title"] == "Invoices"
    assert updated["fetch"] == {
        "targetUrl": "https://cards.example.com/fetch",
        "objectTypes": [{"name": "deals", "propertiesToSend": ["amount"]}],
    }
    assert [entry["actionType"] for entry in updated["auditHistory"]] == ["CREATE", "UPDATE"]
    assert dev.get(f"{base}/{card['id']}").json() == updated
    assert dev.delete(f"{base}/{card['id']}").status_code == 204
    assert_error(dev.get(f"{base}/{card['id']}"), 404, "OBJECT_NOT_FOUND")
    assert_error(dev.delete(f"{base}/{card['id']}"), 404, "OBJECT_NOT_FOUND")
    assert dev.get(base).json() == {"results": []}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"fetch": {"targetUrl": "nope", "objectTypes": CARD["fetch"]["objectTypes"]}}, "targetUrl"),
        ({"fetch": {"targetUrl": "https://cards.example.com", "objectTypes": []}}, "objectTypes"),
        ({"fetch": {"targetUrl": "https://x.io", "objectTypes": [{"name": "widget", "propertiesToSend": []}]}},
         "name"),
        ({"actions": {"baseUrls": ["javascript:alert(1)"]}}, "baseUrls"),
        ({"display": {"properties": [{"name": "x", "label": "X", "dataType": "COLOR", "options": []}]}}, "dataType"),
    ],
)  # fmt: skip
def test_bad_cards_are_400s_naming_the_field_and_write_nothing(dev, app, change, field):
    base = f"/crm/v3/extensions/cards-dev/{app['appId']}"
    answer = assert_error(dev.post(base, json={**CARD, **change}), 400, "VALIDATION_ERROR")
    assert field in answer["message"]
    assert dev.get(base).json() == {"results": []}


def test_a_bad_patch_changes_nothing(dev, app):
    base = f"/crm/v3/extensions/cards-dev/{app['appId']}"
    card = dev.post(base, json=CARD).json()
    assert_error(dev.patch(f"{base}/{card['id']}", json={"actions": {"baseUrls": ["x"]}}), 400, "VALIDATION_ERROR")
    assert_error(dev.patch(f"{base}/{card['id']}", json={"fetch": {}}), 400, "VALIDATION_ERROR")
    assert dev.get(f"{base}/{card['id']}").json() == card


def test_cards_are_the_apps_own(base_url, admin, dev, app):
    card = dev.post(f"/crm/v3/extensions/cards-dev/{app['appId']}", json=CARD).json()
    other = create_app(admin)
    theirs = httpx.get(
        f"{base_url}/crm/v3/extensions/cards-dev/{other['appId']}/{card['id']}",
        params={"hapikey": other["developerApiKey"]},
    )
    assert_error(theirs, 404, "OBJECT_NOT_FOUND")
    assert_error(dev.get(f"/crm/v3/extensions/cards-dev/{app['appId']}/not-a-card"), 404, "OBJECT_NOT_FOUND")
    no_key = httpx.get(f"{base_url}/crm/v3/extensions/cards-dev/{app['appId']}")
    assert_error(no_key, 401, "INVALID_AUTHENTICATION")


def test_migrating_views_needs_the_apps_legacy_card(dev, app):
    base = f"/crm/v3/extensions/cards-dev/{app['appId']}"
    card = dev.post(base, json=CARD).json()
    body = {"appCardId": 77, "legacyCrmCardId": int(card["id"]), "allowDuplicateAppCardIds": False}
    migrated = dev.post(f"{base}/views/migrate", json=body).json()
    assert migrated == {
        "message": f"Card {card['id']} was replaced by app card 77 in every view.",
        "startedAt": migrated["startedAt"],
        "endedAt": migrated["startedAt"],
        "totalPortalCount": 0,
        "remainingPortalCount": 0,
    }
    unknown = dev.post(f"{base}/views/migrate", json={**body, "legacyCrmCardId": 1})
    assert_error(unknown, 404, "OBJECT_NOT_FOUND")
    assert_error(dev.post(f"{base}/views/migrate", json={"appCardId": 77}), 400, "VALIDATION_ERROR")


def test_the_sample_response_is_served_to_anyone(base_url):
    for prefix in PREFIXES:
        sample = httpx.get(f"{base_url}{prefix}/sample-response")
        assert sample.status_code == 200
        assert sample.json()["totalCount"] == 1 and sample.json()["sections"][0]["id"] == "order-1001"
