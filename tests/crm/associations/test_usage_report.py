"""`POST …/usage/high-usage-report/{userId}`: the receipt of a queued report, for one of the portal's users."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import ISO_MS, assert_error

PREFIXES = ["/crm/v4/associations", "/crm/associations/2025-09", "/crm/associations/2026-03"]


@pytest.fixture
def portal_with_user(admin, new_portal):
    portal_id, client = new_portal()
    owner = admin.post(f"/portals/{portal_id}/owners", json={"email": "report@example.com", "firstName": "R"})
    assert owner.status_code == 201, owner.text
    return client, owner.json()["userId"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_report_for_a_user_of_the_portal_is_queued(portal_with_user, prefix):
    client, user_id = portal_with_user
    answer = client.post(f"{prefix}/usage/high-usage-report/{user_id}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"enqueueTime", "userEmail", "userId"}
    assert (body["userEmail"], body["userId"]) == ("report@example.com", user_id)
    assert ISO_MS.match(body["enqueueTime"])


def test_a_user_of_another_portal_or_none_is_a_404(portal_with_user, api):
    _, user_id = portal_with_user
    body = assert_error(api.post(f"/crm/v4/associations/usage/high-usage-report/{user_id}"), 404, "OBJECT_NOT_FOUND")
    assert body["context"] == {"userId": [str(user_id)]}


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999999"])
def test_a_user_id_that_is_not_an_int32_is_a_400(api, raw):
    assert_error(api.post(f"/crm/v4/associations/usage/high-usage-report/{raw}"), 400, "VALIDATION_ERROR")


def test_the_report_needs_a_crm_scope(base_url, token_for, portal_with_user):
    with make_client(base_url, token_for("oauth")) as client:
        refused = client.post("/crm/v4/associations/usage/high-usage-report/1")
    assert_error(refused, 403, "MISSING_SCOPES")
