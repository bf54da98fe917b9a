"""`/_localspot/faults`: matching requests wait, answer a chosen status, or lose their connection, and write
nothing; rules are scoped by method, path glob, portal, times and probability, shared by every worker."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conftest import TOKEN
from tests.support.asserts import assert_error

CONTACTS = "/crm/v3/objects/contacts"


@pytest.fixture
def fault(admin):
    """Creates fault rules for the test, deleted afterwards."""
    made: list[str] = []

    def create(**rule: object) -> dict:
        answer = admin.post("/faults", json=rule)
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
        return answer.json()

    yield create
    for fault_id in made:
        admin.delete(f"/faults/{fault_id}")


def _contact_count(client: httpx.Client) -> int:
    return len(client.get(CONTACTS).json()["results"])


def test_a_fault_answers_hubspots_body_for_its_status_and_writes_nothing(fault, new_portal):
    portal_id, client = new_portal()
    rule = fault(method="POST", path=CONTACTS, portalId=portal_id, status=503)
    assert rule == {
        "id": rule["id"],
        "path": CONTACTS,
        "method": "POST",
        "portalId": portal_id,
        "status": 503,
        "drop": False,
        "remaining": None,
    }
    refused = client.post(CONTACTS, json={"properties": {"email": "faulted@example.com"}})
    assert_error(refused, 503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Retry the request.")
    assert _contact_count(client) == 0  # the GET is not matched (method), and nothing was written


@pytest.mark.parametrize(
    ("status", "category"),
    [(423, "LOCKED"), (429, "RATE_LIMITS"), (500, "INTERNAL_ERROR"), (502, "BAD_GATEWAY"), (504, "GATEWAY_TIMEOUT")],
)
def test_each_status_gets_hubspots_envelope(fault, new_portal, status, category):
    portal_id, client = new_portal()
    fault(path="/crm/v3/objects/*", portalId=portal_id, status=status)
    body = assert_error(client.get(CONTACTS), status, category)
    if status == 429:
        assert (body["errorType"], body["policyName"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING")


def test_a_rule_with_a_body_answers_that_body(fault, new_portal):
    portal_id, client = new_portal()
    fault(path=CONTACTS + "*", portalId=portal_id, status=418, body={"custom": ["answer"]})
    answer = client.get(CONTACTS)
    assert (answer.status_code, answer.json()) == (418, {"custom": ["answer"]})


def test_times_are_used_up_then_the_rule_is_gone(fault, admin, new_portal):
    portal_id, client = new_portal()
    rule = fault(path=CONTACTS, portalId=portal_id, status=502, times=2)
    assert [client.get(CONTACTS).status_code for _ in range(3)] == [502, 502, 200]
    assert_error(admin.get(f"/faults/{rule['id']}"), 404, "OBJECT_NOT_FOUND", f"No fault rule {rule['id']}.")


def test_remaining_times_are_shown(fault, admin, new_portal):
    portal_id, client = new_portal()
    rule = fault(path=CONTACTS, portalId=portal_id, status=502, times=3)
    client.get(CONTACTS)
    assert admin.get(f"/faults/{rule['id']}").json()["remaining"] == 2
    assert rule["id"] in [listed["id"] for listed in admin.get("/faults").json()["results"]]


def test_a_delay_only_rule_slows_the_request_which_then_runs(fault, new_portal):
    portal_id, client = new_portal()
    fault(method="POST", path=CONTACTS, portalId=portal_id, delayMs=300)
    started = time.perf_counter()
    made = client.post(CONTACTS, json={"properties": {"email": "slow@example.com"}})
    assert made.status_code == 201
    assert time.perf_counter() - started >= 0.3
    assert _contact_count(client) == 1


def test_a_dropped_connection_gets_no_answer_and_writes_nothing(fault, new_portal):
    portal_id, client = new_portal()
    fault(method="POST", path=CONTACTS, portalId=portal_id, drop=True, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(CONTACTS, json={"properties": {"email": "dropped@example.com"}})
    assert _contact_count(client) == 0
    assert client.post(CONTACTS, json={"properties": {"email": "again@example.com"}}).status_code == 201


def test_rules_of_another_portal_or_path_do_not_match(fault, new_portal):
    portal_id, client = new_portal()
    other_id, other = new_portal()
    fault(path=CONTACTS, portalId=other_id, status=503)
    fault(path="/crm/v3/objects/deals", portalId=portal_id, status=503)
    assert client.get(CONTACTS).status_code == 200
    assert other.get(CONTACTS).status_code == 503


def test_probability_zero_never_matches_and_one_always_does(fault, new_portal):
    portal_id, client = new_portal()
    fault(path=CONTACTS, portalId=portal_id, status=503, probability=0)
    assert {client.get(CONTACTS).status_code for _ in range(5)} == {200}
    fault(path=CONTACTS, portalId=portal_id, status=504, probability=1)
    assert {client.get(CONTACTS).status_code for _ in range(5)} == {504}


def test_a_half_probability_faults_some_requests_and_not_others(fault, new_portal):
    portal_id, client = new_portal()
    fault(path=CONTACTS, portalId=portal_id, status=503, probability=0.5)
    statuses = [client.get(CONTACTS).status_code for _ in range(60)]
    # P(fewer than 10 of either) is below 1e-6.
    assert statuses.count(503) >= 10 and statuses.count(200) >= 10


def test_a_rule_without_a_portal_matches_every_portal_and_unauthenticated_calls(fault, base_url, new_portal):
    fault(path="/crm/v3/objects/fault-everyone", status=503)
    _, client = new_portal()
    assert client.get("/crm/v3/objects/fault-everyone").status_code == 503
    assert httpx.get(base_url + "/crm/v3/objects/fault-everyone").status_code == 503


def test_delete_one_and_delete_all(fault, admin, new_portal):
    portal_id, client = new_portal()
    first = fault(path=CONTACTS, portalId=portal_id, status=503)
    assert admin.delete(f"/faults/{first['id']}").status_code == 204
    assert client.get(CONTACTS).status_code == 200
    assert_error(admin.delete(f"/faults/{first['id']}"), 404, "OBJECT_NOT_FOUND")
    fault(path=CONTACTS, portalId=portal_id, status=503)
    assert admin.delete("/faults").status_code == 204
    assert admin.get("/faults").json() == {"results": []}
    assert client.get(CONTACTS).status_code == 200


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({}, "Invalid input JSON"),
        ({"path": ""}, "path: must be a glob of 1 to 2000 characters from `/`"),
        ({"path": "/x", "status": 99}, "status: must be an HTTP status from 200 to 599"),
        ({"path": "/x", "method": "BREW", "status": 503}, "method: must be one of"),
        ({"path": "/x", "delayMs": -1}, "delayMs: must be a whole number from 0 to 120000"),
        ({"path": "/x", "status": 503, "times": 0}, "times: must be at least 1"),
        ({"path": "/x", "status": 503, "probability": 1.5}, "probability: must be a number from 0 to 1"),
        ({"path": "/x", "status": 503, "drop": True}, "drop: a dropped connection answers no status"),
        ({"path": "/x", "body": {"a": 1}}, "body: a body needs the `status` it is answered with"),
        ({"path": "/x"}, "the rule does nothing"),
        ({"path": "/x", "status": 503, "colour": "red"}, "Invalid input JSON"),
    ],
)
def test_malformed_rules_are_400s_and_stored_nowhere(admin, rule, message):
    before = admin.get("/faults").json()
    body = assert_error(admin.post("/faults", json=rule), 400, "VALIDATION_ERROR")
    assert body["message"].startswith(message), body["message"]
    assert admin.get("/faults").json() == before


def test_an_unknown_rule_is_a_404(admin):
    assert_error(admin.get("/faults/999999999"), 404, "OBJECT_NOT_FOUND", "No fault rule 999999999.")


def test_rules_apply_in_every_worker(fresh_server):
    server = fresh_server("--workers", "2")
    with httpx.Client(base_url=server.url + "/_localspot", timeout=30) as admin:
        assert admin.post("/faults", json={"path": CONTACTS, "status": 503, "times": 6}).status_code == 201
    statuses = []
    for _ in range(8):
        # A new connection each time, so the requests spread over both workers.
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
            statuses.append(api.get(CONTACTS).status_code)
    assert statuses == [503] * 6 + [200] * 2
