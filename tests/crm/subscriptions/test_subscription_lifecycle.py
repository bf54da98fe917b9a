"""Cancel, pause and unpause a commerce subscription over real HTTP: each moves the record's hs_status."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error, assert_record

BASE = "/payments-subscriptions/v1/subscriptions/crm"


def subscription(api, status: str | None = "active") -> str:
    properties = {"hs_name": "Monthly plan", **({"hs_status": status} if status else {})}
    created = api.post("/crm/v3/objects/subscriptions", json={"properties": properties})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def status_of(api, object_id: str) -> str | None:
    return api.get(f"/crm/v3/objects/subscriptions/{object_id}", params={"properties": "hs_status"}).json()[
        "properties"
    ]["hs_status"]


def test_pause_unpause_then_cancel(api):
    object_id = subscription(api)
    paused = api.post(f"{BASE}/{object_id}/pause", json={"pauseReason": "Holiday"})
    assert paused.status_code == 200, paused.text
    assert_record(paused.json())
    assert paused.json()["id"] == object_id and paused.json()["properties"]["hs_status"] == "paused"
    assert status_of(api, object_id) == "paused"
    # 2026-01-15T10:00:00Z: the next payment falls due that day.
    unpaused = api.post(f"{BASE}/{object_id}/unpause", json={"proposedNextBillingDate": 1768471200000})
    assert unpaused.status_code == 200, unpaused.text
    assert unpaused.json()["properties"]["hs_status"] == "active"
    record = api.get(
        f"/crm/v3/objects/subscriptions/{object_id}", params={"properties": "hs_status,hs_next_payment_due_date"}
    ).json()["properties"]
    assert (record["hs_status"], record["hs_next_payment_due_date"]) == ("active", "2026-01-15")
    canceled = api.post(f"{BASE}/{object_id}/cancel")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["properties"]["hs_status"] == "canceled"
    assert status_of(api, object_id) == "canceled"


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (
            "canceled",
            "cancel",
            "cannot be canceled: its status is canceled, not scheduled or active or past_due or paused.",
        ),
        ("expired", "pause", "cannot be paused: its status is expired, not active or past_due."),
        ("paused", "pause", "cannot be paused: its status is paused, not active or past_due."),
        ("active", "unpause", "cannot be unpaused: its status is active, not paused."),
    ],
)
def test_an_action_its_status_does_not_take_is_a_400(api, status, action, message):
    object_id = subscription(api, status)
    body = assert_error(api.post(f"{BASE}/{object_id}/{action}"), 400, "VALIDATION_ERROR")
    assert body["message"] == f"Subscription {object_id} {message}"
    assert body["context"] == {"objectId": [object_id], "hs_status": [status]}
    assert status_of(api, object_id) == status


def test_a_subscription_without_a_status_is_active_and_a_paused_one_unpauses_without_a_body(api):
    object_id = subscription(api, None)
    assert api.post(f"{BASE}/{object_id}/pause").json()["properties"]["hs_status"] == "paused"
    assert api.post(f"{BASE}/{object_id}/unpause").json()["properties"]["hs_status"] == "active"
    past_due = subscription(api, "past_due")
    assert api.post(f"/payments-subscriptions/2026-09/subscriptions/crm/{past_due}/cancel").status_code == 200
    assert status_of(api, past_due) == "canceled"


def test_unknown_subscriptions_and_bad_bodies(api):
    for object_id in ("999999999", "abc"):
        assert_error(api.post(f"{BASE}/{object_id}/cancel"), 404, "OBJECT_NOT_FOUND")
    contact = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "sub@example.com"}}).json()["id"]
    assert_error(api.post(f"{BASE}/{contact}/pause"), 404, "OBJECT_NOT_FOUND")
    object_id = subscription(api, "paused")
    bad = api.post(f"{BASE}/{object_id}/unpause", json={"proposedNextBillingDate": "soon"})
    assert_error(bad, 400, "VALIDATION_ERROR")
    assert_error(api.post(f"{BASE}/{object_id}/unpause", json={"proposedNextBillingDate": -1}), 400, "VALIDATION_ERROR")
    assert status_of(api, object_id) == "paused"


def test_the_lifecycle_takes_the_subscription_write_scopes(api, base_url, token_for):
    object_id = subscription(api)
    with make_client(base_url, token_for("crm.objects.subscriptions.read")) as reader:
        assert_error(reader.post(f"{BASE}/{object_id}/pause"), 403, "MISSING_SCOPES")
    with make_client(base_url, token_for("crm.schemas.subscriptions.write")) as schema_writer:
        assert schema_writer.post(f"{BASE}/{object_id}/pause").status_code == 200
    assert status_of(api, object_id) == "paused"
