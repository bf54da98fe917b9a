"""Journal subscriptions and filters over real HTTP, through HubSpot's new Python SDK (`hubspot-sdk`): upsert
on (app, type, portal, object type), list, read, delete one or a portal's; every malformed request, unknown
token or missing scope answers HubSpot's 4xx error body and writes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import hubspot_sdk
import pytest

from tests.apps.journal.support import INSTALL, journal_app, object_subscription
from tests.support.asserts import ISO_MS, assert_error


def test_a_subscription_is_upserted_read_listed_and_deleted(base_url, admin, new_portal):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    sdk = app.sdk()
    created = sdk.webhooks_journal.subscriptions.create(**_sdk(object_subscription(portal_id, properties=["email"])))
    assert (created.app_id, created.portal_id, created.object_type_id, created.subscription_type) == (
        app.id,
        portal_id,
        "0-1",
        "OBJECT",
    )
    assert created.actions == ["CREATE", "DELETE", "MERGE", "RESTORE", "UPDATE"]
    assert created.properties == ["email"]
    # The same key again updates it in place: same id and createdAt, the new fields.
    again = sdk.webhooks_journal.subscriptions.create(
        **_sdk(object_subscription(portal_id, actions=["UPDATE"], properties=["firstname"]))
    )
    assert (again.id, again.created_at, again.actions, again.properties) == (
        created.id,
        created.created_at,
        ["UPDATE"],
        ["firstname"],
    )
    companies = sdk.webhooks_journal.subscriptions.create(**_sdk(object_subscription(portal_id, objectTypeId="0-2")))
    lifecycle = sdk.webhooks_journal.subscriptions.create(
        subscription_type="APP_LIFECYCLE_EVENT", event_type_id=INSTALL, properties=[]
    )
    assert (lifecycle.object_type_id, lifecycle.actions, lifecycle.portal_id) == (INSTALL, ["APP_INSTALL"], None)
    listed = sdk.webhooks_journal.subscriptions.list()
    assert [s.id for s in listed.results] == sorted([created.id, companies.id, lifecycle.id])
    with app.http() as client:
        raw = client.get(f"/webhooks-journal/subscriptions/2026-03/{created.id}")
        assert raw.status_code == 200
        body = raw.json()
        assert ISO_MS.match(body["createdAt"]) and ISO_MS.match(body["updatedAt"])
        assert isinstance(body["id"], int)
        assert sdk.webhooks_journal.subscriptions.get(created.id).properties == ["firstname"]
        sdk.webhooks_journal.subscriptions.delete(created.id)
        assert_error(client.get(f"/webhooks-journal/subscriptions/2026-03/{created.id}"), 404, "OBJECT_NOT_FOUND")
        assert_error(client.delete(f"/webhooks-journal/subscriptions/2026-03/{created.id}"), 404, "OBJECT_NOT_FOUND")
        sdk.webhooks_journal.subscriptions.delete_for_portal(portal_id)
        assert [s.id for s in sdk.webhooks_journal.subscriptions.list().results] == [lifecycle.id]
        # The 2026-09 and 2027-03-beta paths serve the same subscriptions.
        for version in ("2026-09", "2027-03-beta"):
            later = client.get(f"/webhooks-journal/subscriptions/{version}")
            assert [s["id"] for s in later.json()["results"]] == [lifecycle.id]


def test_every_subscription_type_and_filters(base_url, admin, new_portal):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    sdk = app.sdk()
    association = sdk.webhooks_journal.subscriptions.create(
        subscription_type="ASSOCIATION",
        portal_id=portal_id,
        object_type_id="0-1",
        actions=["ASSOCIATION_ADDED"],
        object_ids=[],
        associated_object_type_ids=["0-2"],
    )
    assert association.associated_object_type_ids == ["0-2"]
    lists = sdk.webhooks_journal.subscriptions.create(
        subscription_type="LIST_MEMBERSHIP", portal_id=portal_id, actions=["ADDED_TO_LIST"], list_ids=[5], object_ids=[]
    )
    assert (lists.object_type_id, lists.list_ids) == ("0-45", [5])
    gdpr = sdk.webhooks_journal.subscriptions.create(
        subscription_type="GDPR_PRIVACY_DELETION", portal_id=portal_id, object_type_id="0-1", actions=["GDPR_DELETE"]
    )
    assert gdpr.actions == ["GDPR_DELETE"]
    filters = sdk.webhooks_journal.subscriptions.filters
    condition = {"filterType": "CRM_OBJECT_PROPERTY", "property": "lifecyclestage", "operator": "EQ", "value": "lead"}
    made = filters.create(subscription_id=association.id, filter={"conditions": [condition]})
    got = filters.get(made.filter_id)
    assert (got.id, got.filter.conditions[0].property) == (made.filter_id, "lifecyclestage")
    assert isinstance(got.created_at, int)
    assert [f.id for f in filters.list(association.id)] == [made.filter_id]
    filters.delete(made.filter_id)
    with app.http() as client:
        assert_error(
            client.get(f"/webhooks-journal/subscriptions/2026-03/filters/{made.filter_id}"), 404, "OBJECT_NOT_FOUND"
        )
        assert client.get(f"/webhooks-journal/subscriptions/2026-03/filters/subscription/{association.id}").json() == []
        bad = {"subscriptionId": association.id, "filter": {"conditions": [{**condition, "operator": "LIKE"}]}}
        assert_error(client.post("/webhooks-journal/subscriptions/2026-03/filters", json=bad), 400, "VALIDATION_ERROR")
        missing = {"subscriptionId": 999999999999, "filter": {"conditions": [condition]}}
        answer = client.post("/webhooks-journal/subscriptions/2026-03/filters", json=missing)
        assert_error(answer, 404, "OBJECT_NOT_FOUND")
        # Deleting the subscription takes its filters with it.
        again = filters.create(subscription_id=association.id, filter={"conditions": [condition]})
        sdk.webhooks_journal.subscriptions.delete(association.id)
        assert_error(
            client.get(f"/webhooks-journal/subscriptions/2026-03/filters/{again.filter_id}"), 404, "OBJECT_NOT_FOUND"
        )


@pytest.mark.parametrize(
    "change",
    [
        {"subscriptionType": "EVENT"},
        {"subscriptionType": None},
        {"portalId": None},
        {"portalId": 2**64},
        {"objectTypeId": "contacts"},
        {"actions": []},
        {"actions": ["ASSOCIATION_ADDED"]},
        {"objectIds": ["x"]},
        {"properties": ["x" * 300]},
        {"objectIds": list(range(1, 1100))},
    ],
)
def test_a_malformed_subscription_is_a_400_and_writes_nothing(base_url, admin, new_portal, change):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    body = {key: value for key, value in {**object_subscription(portal_id), **change}.items() if value is not None}
    with app.http() as client:
        assert_error(client.post("/webhooks-journal/subscriptions/2026-03", json=body), 400, "VALIDATION_ERROR")
        assert client.get("/webhooks-journal/subscriptions/2026-03").json() == {"results": []}


def test_subscriptions_need_an_install_a_journal_token_and_the_scope(base_url, admin, api, new_portal):
    portal_id, _ = new_portal()
    other_portal, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    path = "/webhooks-journal/subscriptions/2026-03"
    with app.http() as client:
        # An account the app is not installed in.
        body = assert_error(client.post(path, json=object_subscription(other_portal)), 400, "VALIDATION_ERROR")
        assert body["context"] == {"portalId": [str(other_portal)]}
        assert_error(
            client.post(path, content=b"{", headers={"content-type": "application/json"}), 400, "VALIDATION_ERROR"
        )
    # No token, a token nobody issued, a portal's CRM token, the install's OAuth token.
    for token in (None, "nope", api.headers["authorization"].split()[1], app.installs[portal_id]["access_token"]):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert_error(httpx.get(f"{base_url}{path}", headers=headers), 401, "INVALID_AUTHENTICATION")
    read_only = app.new_token(["developer.webhooks_journal.subscriptions.read"])
    with app.http(read_only) as client:
        assert client.get(path).status_code == 200
        body = assert_error(client.post(path, json=object_subscription(portal_id)), 403, "MISSING_SCOPES")
        assert body["errors"][0]["context"]["requiredGranularScopes"] == [
            "webhooks-journal-subscription-management",
            "developer.webhooks_journal.subscriptions.write",
        ]
    with app.http() as client:
        assert client.get(path).json() == {"results": []}
    # The SDK raises its own error type for HubSpot's 4xx.
    with pytest.raises(hubspot_sdk.NotFoundError):
        app.sdk().webhooks_journal.subscriptions.get(123456789)


def _sdk(body: dict) -> dict:
    """A camelCase body as the SDK's keyword arguments."""
    names = {
        "subscriptionType": "subscription_type",
        "portalId": "portal_id",
        "objectTypeId": "object_type_id",
        "objectIds": "object_ids",
    }
    return {names.get(key, key): value for key, value in body.items()}


def test_concurrent_upserts_of_one_key_make_one_subscription(base_url, admin, new_portal):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)

    def upsert(index: int) -> int:
        with app.http() as client:
            body = object_subscription(portal_id, properties=[f"p{index}"])
            answer = client.post("/webhooks-journal/subscriptions/2026-03", json=body)
            assert answer.status_code == 200, answer.text
            return answer.json()["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(upsert, range(16)))
    with app.http() as client:
        listed = client.get("/webhooks-journal/subscriptions/2026-03").json()["results"]
    assert len(ids) == 1 and [s["id"] for s in listed] == list(ids)


def test_bodies_are_bounded(base_url, admin, new_portal):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    huge = object_subscription(portal_id, properties=["p" * 200] * 6000)  # over 1 MiB
    with app.http() as client:
        body = assert_error(client.post("/webhooks-journal/subscriptions/2026-03", json=huge), 413, "VALIDATION_ERROR")
        assert body["message"] == "Request body exceeds the limit of 1048576 bytes."
        snapshots = {
            "snapshotRequests": [{"portalId": portal_id, "objectId": 1, "objectTypeId": "0-1", "properties": []}] * 101
        }
        answer = client.post("/webhooks-journal/snapshots/2026-03/crm", json=snapshots)
        assert_error(answer, 400, "VALIDATION_ERROR")
        assert client.get("/webhooks-journal/subscriptions/2026-03").json() == {"results": []}
