"""The webhooks v3 management API of an app, with HubSpot's Python client and over plain HTTP: settings,
subscriptions, batch toggles, the developer API key, and HubSpot's errors."""

from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import create_app
from tests.support.asserts import ISO_MS, assert_error

TARGET = "https://receiver.example/hubspot"


@pytest.fixture
def app(admin) -> dict:
    return create_app(admin, scopes=["oauth", "crm.objects.contacts.read", "crm.objects.deals.read"])


def client_for(base_url: str, app: dict):
    from hubspot import HubSpot
    from urllib3.util.retry import Retry

    return HubSpot(api_key=app["developerApiKey"], host=base_url, retry=Retry(total=0))


def test_settings_and_subscriptions_with_the_official_client(base_url, app):
    from hubspot.webhooks import (
        BatchInputSubscriptionBatchUpdateRequest,
        SettingsChangeRequest,
        SubscriptionBatchUpdateRequest,
        SubscriptionCreateRequest,
        SubscriptionPatchRequest,
        ThrottlingSettings,
    )

    client = client_for(base_url, app)
    app_id = app["appId"]
    settings = client.webhooks.settings_api.configure(
        app_id,
        settings_change_request=SettingsChangeRequest(
            target_url=TARGET, throttling=ThrottlingSettings(max_concurrent_requests=10)
        ),
    )
    assert (settings.target_url, settings.throttling.max_concurrent_requests) == (TARGET, 10)
    assert client.webhooks.settings_api.get_all(app_id).target_url == TARGET

    created = client.webhooks.subscriptions_api.create(
        app_id,
        subscription_create_request=SubscriptionCreateRequest(
            event_type="contact.propertyChange", property_name="email", active=False
        ),
    )
    assert (created.event_type, created.property_name, created.active) == ("contact.propertyChange", "email", False)
    second = client.webhooks.subscriptions_api.create(
        app_id, subscription_create_request=SubscriptionCreateRequest(event_type="deal.creation", active=True)
    )
    listed = client.webhooks.subscriptions_api.get_all(app_id).results
    assert [s.id for s in listed] == [created.id, second.id]
    patched = client.webhooks.subscriptions_api.update(
        int(created.id), app_id, subscription_patch_request=SubscriptionPatchRequest(active=True)
    )
    assert patched.active is True
    batch = client.webhooks.subscriptions_api.update_batch(
        app_id,
        batch_input_subscription_batch_update_request=BatchInputSubscriptionBatchUpdateRequest(
            inputs=[SubscriptionBatchUpdateRequest(id=int(second.id), active=False)]
        ),
    )
    assert [(r.id, r.active) for r in batch.results] == [(second.id, False)]
    client.webhooks.subscriptions_api.archive(int(second.id), app_id)
    assert [s.id for s in client.webhooks.subscriptions_api.get_all(app_id).results] == [created.id]
    client.webhooks.settings_api.clear(app_id)


def test_the_wire_shapes(base_url, app):
    key = {"hapikey": app["developerApiKey"]}
    base = f"{base_url}/webhooks/v3/{app['appId']}"
    assert_error(httpx.get(f"{base}/settings", params=key), 404, "OBJECT_NOT_FOUND")
    # n8n's top-level form, and a period echoed back
    put = httpx.put(f"{base}/settings", params=key, json={"targetUrl": TARGET, "maxConcurrentRequests": 5})
    assert put.status_code == 200
    body = put.json()
    assert (body["targetUrl"], body["throttling"]) == (TARGET, {"maxConcurrentRequests": 5})
    assert ISO_MS.match(body["createdAt"]) and ISO_MS.match(body["updatedAt"])
    again = httpx.put(
        f"{base}/settings",
        params=key,
        json={"targetUrl": TARGET, "throttling": {"maxConcurrentRequests": 8, "period": "SECONDLY"}},
    ).json()
    assert (
        again["throttling"] == {"maxConcurrentRequests": 8, "period": "SECONDLY"}
        and again["createdAt"] == body["createdAt"]
    )
    created = httpx.post(
        f"{base_url}/app-webhooks/2026-09/{app['appId']}/subscriptions",
        headers={"Authorization": f"Bearer {app['developerApiKey']}"},
        json={"eventType": "contact.creation", "active": True},
    )
    assert created.status_code == 201
    subscription = created.json()
    assert set(subscription) == {"id", "eventType", "active", "createdAt", "updatedAt"}
    assert isinstance(subscription["id"], str)
    batch = httpx.post(
        f"{base}/subscriptions/batch/update",
        params=key,
        json={"inputs": [{"id": int(subscription["id"]), "active": False}, {"id": 4567, "active": True}]},
    )
    assert batch.status_code == 207
    answer = batch.json()
    assert answer["numErrors"] == 1 and [r["active"] for r in answer["results"]] == [False]
    error = answer["errors"][0]
    assert (error["category"], error["subCategory"], error["context"]) == (
        "SUBSCRIPTION_ID_NOT_FOUND",
        "SubscriptionErrors.SUBSCRIPTION_IDS_NOT_FOUND",
        {"subscriptionIds": ["4567"]},
    )
    assert httpx.delete(f"{base}/settings", params=key).status_code == 204


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"eventType": "contact.teleport"}, "eventType"),
        ({"eventType": "ticket.creation"}, "eventType"),  # the app does not require `tickets`
        ({"eventType": "contact.propertyChange"}, "propertyName"),
        ({"eventType": "contact.propertyChange", "propertyName": "hs_lastmodifieddate"}, "propertyName"),
        ({"eventType": "object.creation"}, "objectTypeId"),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_field(base_url, app, body, path):
    response = httpx.post(
        f"{base_url}/webhooks/v3/{app['appId']}/subscriptions", params={"hapikey": app["developerApiKey"]}, json=body
    )
    assert assert_error(response, 400, "VALIDATION_ERROR")["context"] == {"path": [path]}


def test_the_developer_key_must_be_the_apps_own(base_url, admin, app):
    other = create_app(admin)
    base = f"{base_url}/webhooks/v3/{app['appId']}/subscriptions"
    for params in ({}, {"hapikey": "nope"}, {"hapikey": other["developerApiKey"]}):
        body = assert_error(httpx.get(base, params=params), 401, "INVALID_AUTHENTICATION")
        assert body["links"] == {"api key": "https://app.hubspot.com/l/api-key/"}
    assert_error(
        httpx.get(f"{base_url}/webhooks/v3/999999999/settings", params={"hapikey": app["developerApiKey"]}),
        401,
        "INVALID_AUTHENTICATION",
    )


def test_unknown_subscriptions_are_404(base_url, app):
    base = f"{base_url}/webhooks/v3/{app['appId']}/subscriptions"
    key = {"hapikey": app["developerApiKey"]}
    for method in ("GET", "DELETE"):
        assert_error(httpx.request(method, f"{base}/123456789", params=key), 404, "SUBSCRIPTION_ID_NOT_FOUND")
    assert_error(httpx.patch(f"{base}/abc", params=key, json={"active": True}), 404, "SUBSCRIPTION_ID_NOT_FOUND")
