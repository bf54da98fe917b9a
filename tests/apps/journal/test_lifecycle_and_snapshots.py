"""App lifecycle events (an install approved, an uninstall) in the journal of an app that subscribed to them,
and CRM snapshots (the SDK's) with their status."""

from __future__ import annotations

import uuid

import hubspot_sdk
import pytest

from tests.apps.journal.support import INSTALL, UNINSTALL, events, journal_app, object_subscription
from tests.conftest import make_client
from tests.support.asserts import assert_error

SUBSCRIPTIONS = "/webhooks-journal/subscriptions/2026-03"


def test_installs_and_uninstalls_are_journaled_for_the_apps_that_ask(base_url, admin, new_portal):
    portal_id, crm = new_portal()
    app = journal_app(base_url, admin)
    quiet = journal_app(base_url, admin)
    with app.http() as client:
        for event_type_id, properties in ((INSTALL, []), (UNINSTALL, ["hs_app_id"])):
            body = {"subscriptionType": "APP_LIFECYCLE_EVENT", "eventTypeId": event_type_id, "properties": properties}
            assert client.post(SUBSCRIPTIONS, json=body).status_code == 200
        tokens = app.install(portal_id)
        quiet.install(portal_id)
        assert client.post(SUBSCRIPTIONS, json=object_subscription(portal_id)).status_code == 200
        with make_client(base_url, tokens["access_token"]) as installed:
            assert installed.delete("/appinstalls/v3/external-install").status_code == 204
        # Uninstalled: its object subscription hears nothing more.
        assert crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "After"}}).status_code == 201
        journaled = events(client, "journal")
    assert journaled == [
        {
            "type": "app_lifecycle_event",
            "portalId": portal_id,
            "occurredAt": journaled[0]["occurredAt"],
            "action": "APP_INSTALL",
            "eventTypeId": INSTALL,
            "properties": {
                "hs_app_id": str(app.id),
                "hs_app_install_level": "PORTAL",
                "hs_initiating_user_id": "1",
                "hs_user_id": "1",
            },
        },
        {
            "type": "app_lifecycle_event",
            "portalId": portal_id,
            "occurredAt": journaled[1]["occurredAt"],
            "action": "APP_UNINSTALL",
            "eventTypeId": UNINSTALL,
            "properties": {"hs_app_id": str(app.id)},
        },
    ]
    with quiet.http() as client:
        assert events(client, "journal") == []


def test_a_snapshot_journals_the_records_values_and_reports_its_status(base_url, admin, new_portal):
    portal_id, crm = new_portal()
    app = journal_app(base_url, admin, portal_id)
    email = f"{uuid.uuid4().hex}@example.com"
    contact = crm.post("/crm/v3/objects/contacts", json={"properties": {"email": email, "firstname": "Ada"}}).json()
    sdk = app.sdk()
    answer = sdk.webhooks_journal.snapshots.create(
        snapshot_requests=[
            {
                "portalId": portal_id,
                "objectId": int(contact["id"]),
                "objectTypeId": "0-1",
                "properties": ["email", "lastname"],
            },
            {"portalId": portal_id, "objectId": 999999999999, "objectTypeId": "0-1", "properties": ["email"]},
        ]
    )
    done, missing = answer.snapshot_responses
    assert (done.portal_id, done.object_id, done.object_type_id) == (portal_id, int(contact["id"]), "0-1")
    status = sdk.webhooks_journal.journal.get_status(done.snapshot_status_id)
    assert (status.status, status.id) == ("SUCCESS", done.snapshot_status_id)
    assert status.completed_at >= status.initiated_at
    failed = sdk.webhooks_journal.journal_local.get_status(missing.snapshot_status_id)
    assert (failed.status, failed.error_code) == ("FAILED", "VALIDATION_ERROR")
    with app.http() as client:
        [snapshot] = events(client, "journal")
        assert snapshot == {
            "type": "crmObject",
            "portalId": portal_id,
            "occurredAt": snapshot["occurredAt"],
            "action": "SNAPSHOT",
            "objectTypeId": "0-1",
            "objectId": int(contact["id"]),
            "propertyChanges": {"email": email, "lastname": None},
        }
        assert_error(client.get(f"/webhooks-journal/journal/2026-03/status/{uuid.uuid4()}"), 404, "OBJECT_NOT_FOUND")
    with pytest.raises(hubspot_sdk.NotFoundError):
        journal_app(base_url, admin).sdk().webhooks_journal.journal.get_status(done.snapshot_status_id)


@pytest.mark.parametrize(
    ("request_change", "status", "category"),
    [
        ({"portalId": 1234}, 400, "VALIDATION_ERROR"),  # not installed there
        ({"objectTypeId": "contacts"}, 400, "VALIDATION_ERROR"),
        ({"objectTypeId": "2-999999"}, 400, None),  # unknown in the account
        ({"properties": ["x" * 300]}, 400, "VALIDATION_ERROR"),
        ({"objectTypeId": "0-3"}, 403, "MISSING_SCOPES"),  # the install may not read deals
    ],
)
def test_a_bad_snapshot_request_writes_nothing(base_url, admin, new_portal, request_change, status, category):
    portal_id, _ = new_portal()
    app = journal_app(base_url, admin, portal_id)
    request = {"portalId": portal_id, "objectId": 1, "objectTypeId": "0-1", "properties": [], **request_change}
    with app.http() as client:
        answer = client.post("/webhooks-journal/snapshots/2026-03/crm", json={"snapshotRequests": [request]})
        assert answer.status_code == status, answer.text
        if category:
            assert_error(answer, status, category)
        assert events(client, "journal") == []
        empty = client.post("/webhooks-journal/snapshots/2026-03/crm", json={"snapshotRequests": []})
        assert_error(empty, 400, "VALIDATION_ERROR")
    with app.http(app.new_token(["developer.webhooks_journal.read"])) as client:
        answer = client.post("/webhooks-journal/snapshots/2026-03/crm", json={"snapshotRequests": [request]})
        assert_error(answer, 403, "MISSING_SCOPES")
