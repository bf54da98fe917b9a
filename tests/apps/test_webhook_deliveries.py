"""Webhook deliveries over real HTTP: a receiver in the test gets HubSpot's payloads for creations, property
changes, deletions, association changes, merges and GDPR deletes, signed v1 and v3 (checked with the official
client's helper), in batches of up to 100; a rolled-back write sends nothing; a failed delivery is retried with
the same eventId and the next attemptNumber; every attempt is listed by the admin API."""

from __future__ import annotations

import email.utils
import itertools
import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.apps.test_oauth import authorize_params, code_from, create_app, exchange
from tests.conftest import TOKEN, make_client
from tests.support.asserts import ISO_MS
from tests.support.receiver import Delivery, Receiver
from tests.support.server import LocalspotServer, storage_or_skip

SCOPES = ["oauth", "crm.objects.contacts.read", "crm.objects.companies.read"]


@pytest.fixture(scope="module")
def hooks_server(tmp_path_factory) -> Iterator[LocalspotServer]:
    storage = storage_or_skip(tmp_path_factory.mktemp("hooks"))
    running = LocalspotServer(storage, TOKEN, extra_args=["--webhook-retry-scale", "0.001"]).start()
    yield running
    running.stop()
    storage.drop()


@pytest.fixture
def crm(hooks_server) -> Iterator[httpx.Client]:
    with make_client(hooks_server.url, TOKEN) as client:
        yield client


@pytest.fixture
def hooks_admin(hooks_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{hooks_server.url}/_localspot", timeout=30) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as serving:
        yield serving


@pytest.fixture
def subscribed(hooks_server, hooks_admin, receiver) -> Iterator[Callable[..., dict]]:
    """Apps installed in the default portal, sending to the receiver, deleted after the test."""
    made: list[dict] = []

    def make(*subscriptions: dict) -> dict:
        made.append(subscribe(hooks_server, hooks_admin, receiver.url, *subscriptions))
        return made[-1]

    yield make
    for app in made:
        hooks_admin.delete(f"/apps/{app['appId']}")


def subscribe(server: LocalspotServer, admin: httpx.Client, target: str, *subscriptions: dict) -> dict:
    """An app installed in the default portal, its target URL set and the subscriptions made active."""
    app = create_app(admin, autoApprove=True, scopes=SCOPES)
    redirect = httpx.get(f"{server.url}/oauth/authorize", params=authorize_params(app, scope=" ".join(SCOPES)))
    assert redirect.status_code == 302, redirect.text
    assert exchange(server.url, app, code_from(redirect.headers["location"])["code"]).status_code == 200
    key = {"hapikey": app["developerApiKey"]}
    base = f"{server.url}/webhooks/v3/{app['appId']}"
    put = httpx.put(
        f"{base}/settings", params=key, json={"targetUrl": target, "throttling": {"maxConcurrentRequests": 5}}
    )
    assert put.status_code == 200, put.text
    for subscription in subscriptions:
        created = httpx.post(f"{base}/subscriptions", params=key, json={"active": True, **subscription})
        assert created.status_code == 201, created.text
    return app


def assert_signed(delivery: Delivery, app: dict, url: str) -> None:
    from hubspot.utils.signature import Signature

    body = delivery.body.decode()
    headers = delivery.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-HubSpot-Signature-Version"] == "v1"
    assert Signature.is_valid(
        signature=headers["X-HubSpot-Signature-v3"],
        client_secret=app["clientSecret"],
        request_body=body,
        http_uri=url,
        signature_version="v3",
        timestamp=headers["X-HubSpot-Request-Timestamp"],
    )
    assert Signature.is_valid(
        signature=headers["X-HubSpot-Signature"],
        client_secret=app["clientSecret"],
        request_body=body,
        signature_version="v1",
    )


def listed_when(admin: httpx.Client, app: dict, ready: Callable[[list[dict]], bool], timeout: float = 10) -> list[dict]:
    """The app's delivery attempts as the admin API lists them, once `ready` says they are all there."""
    deadline = time.monotonic() + timeout
    while True:
        found = admin.get("/webhooks/deliveries", params={"appId": app["appId"]}).json()["results"]
        if ready(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def of_type(events: list[dict], subscription_type: str) -> list[dict]:
    """The events of that type in the order they were made (deliveries in flight at once may arrive in any)."""
    return sorted((e for e in events if e["subscriptionType"] == subscription_type), key=lambda e: e["eventId"])


def test_creation_property_change_and_deletion_arrive_signed(subscribed, hooks_admin, crm, receiver):
    app = subscribed(
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "firstname"},
        {"eventType": "contact.deletion"},
    )
    created = crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "Zoë", "lastname": "L"}})
    assert created.status_code == 201, created.text
    contact_id = int(created.json()["id"])
    events = receiver.wait_for(lambda got: len(got) >= 2)
    creation = of_type(events, "contact.creation")[0]
    assert list(creation) == [
        "eventId", "subscriptionId", "portalId", "appId", "occurredAt", "subscriptionType", "attemptNumber",
        "objectId", "changeFlag", "changeSource",
    ]  # fmt: skip
    assert (creation["objectId"], creation["portalId"], creation["appId"]) == (contact_id, 1, app["appId"])
    assert (creation["changeFlag"], creation["changeSource"], creation["attemptNumber"]) == ("CREATED", "API", 0)
    change = of_type(events, "contact.propertyChange")[0]
    assert (change["propertyName"], change["propertyValue"], change["objectId"]) == ("firstname", "Zoë", contact_id)

    crm.patch(f"/crm/v3/objects/contacts/{contact_id}", json={"properties": {"lastname": "M"}})  # not subscribed
    crm.patch(f"/crm/v3/objects/contacts/{contact_id}", json={"properties": {"firstname": "Ada"}})
    assert crm.delete(f"/crm/v3/objects/contacts/{contact_id}").status_code == 204
    events = receiver.wait_for(lambda got: len(got) >= 4)
    assert [e["propertyValue"] for e in of_type(events, "contact.propertyChange")] == ["Zoë", "Ada"]
    deletion = of_type(events, "contact.deletion")[0]
    assert (deletion["objectId"], deletion["changeFlag"]) == (contact_id, "DELETED")
    assert len(events) == 4
    assert len({e["eventId"] for e in events}) == 4
    for delivery in receiver.deliveries:
        assert_signed(delivery, app, receiver.url)
        assert delivery.path == "/hubspot/webhooks"


def test_a_batch_create_arrives_in_batches_of_up_to_100(subscribed, hooks_admin, crm, receiver):
    app = subscribed({"eventType": "contact.creation"})
    inputs = [{"properties": {"email": f"batch{i}-{app['appId']}@example.com"}} for i in range(100)]
    ids = []
    for _ in range(3):
        answer = crm.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs[:100]})
        assert answer.status_code == 201, answer.text
        ids.extend(int(r["id"]) for r in answer.json()["results"])
        inputs = [{"properties": {"email": "x" + i["properties"]["email"]}} for i in inputs]
    events = receiver.wait_for(lambda got: len(got) >= 300)
    assert sorted(e["objectId"] for e in events) == sorted(ids)
    assert all(len(d.events) <= 100 for d in receiver.deliveries)
    for delivery in receiver.deliveries:
        assert_signed(delivery, app, receiver.url)
    # A finished request is recorded by the worker's next round: the listing may trail the receiver briefly.
    listed = listed_when(hooks_admin, app, lambda found: sum(len(d["eventIds"]) for d in found) >= 300)
    assert sum(len(d["eventIds"]) for d in listed) == 300
    assert {d["status"] for d in listed} == {"delivered"}
    counts = hooks_admin.get("/webhooks/deliveries", params={"appId": app["appId"]}).json()["events"]
    assert counts["delivered"] == 300
    first = listed[0]
    assert set(first) >= {"eventIds", "target", "status", "statusCode", "attempt", "latencyMs", "error"}
    assert (first["target"], first["statusCode"], first["attempt"], first["error"]) == (receiver.url, 204, 0, None)


def test_a_rolled_back_write_sends_nothing(subscribed, hooks_admin, crm, receiver):
    app = subscribed({"eventType": "contact.creation"})
    bad = [{"properties": {"email": "ok@example.com"}}, {"properties": {"no_such_property": "x"}}]
    assert crm.post("/crm/v3/objects/contacts/batch/create", json={"inputs": bad}).status_code == 400
    good = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "after"}})
    receiver.wait_for(lambda got: len(got) >= 1)
    time.sleep(0.3)
    assert [e["objectId"] for e in receiver.events()] == [int(good.json()["id"])]
    assert hooks_admin.get("/webhooks/deliveries", params={"appId": app["appId"]}).json()["events"] == {
        "pending": 0,
        "delivered": 1,
        "failed": 0,
    }


def test_a_failed_delivery_is_retried_with_the_same_event_id(subscribed, hooks_admin, crm, receiver):
    app = subscribed({"eventType": "contact.creation"})
    receiver.statuses = [500, 503]
    created = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "retried"}})
    events = receiver.wait_for(lambda got: len(got) >= 3)
    assert [e["attemptNumber"] for e in events] == [0, 1, 2]
    assert len({e["eventId"] for e in events}) == 1
    assert events[0]["objectId"] == int(created.json()["id"])
    timestamps = [d.headers["X-HubSpot-Request-Timestamp"] for d in receiver.deliveries]
    assert len(set(timestamps)) == 3  # each attempt signed afresh
    for delivery in receiver.deliveries:
        assert_signed(delivery, app, receiver.url)
    listed = listed_when(hooks_admin, app, lambda found: len(found) >= 3)
    assert [(d["status"], d["statusCode"], d["attempt"]) for d in reversed(listed)] == [
        ("failed", 500, 0),
        ("failed", 503, 1),
        ("delivered", 204, 2),
    ]
    failed = hooks_admin.get("/webhooks/deliveries", params={"appId": app["appId"], "status": "failed"})
    assert [d["error"] for d in failed.json()["results"]] == ["HTTP 503", "HTTP 500"]
    assert hooks_admin.get("/webhooks/deliveries", params={"status": "nope"}).status_code == 400


def test_association_changes_arrive_for_each_side(subscribed, hooks_admin, crm, receiver):
    subscribed(
        {"eventType": "contact.associationChange"},
        {"eventType": "company.associationChange"},
    )
    contact = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "A"}}).json()["id"]
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "C"}}).json()["id"]
    put = crm.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    assert put.status_code == 200, put.text
    events = receiver.wait_for(lambda got: len(got) >= 2)
    by_type = {e["subscriptionType"]: e for e in events}
    assert by_type["contact.associationChange"]["associationType"] == "CONTACT_TO_COMPANY"
    assert by_type["company.associationChange"]["associationType"] == "COMPANY_TO_CONTACT"
    assert (
        by_type["contact.associationChange"]["fromObjectId"],
        by_type["contact.associationChange"]["toObjectId"],
    ) == (int(contact), int(company))
    assert {e["associationRemoved"] for e in events} == {False}
    assert crm.delete(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}").status_code == 204
    events = receiver.wait_for(lambda got: len(got) >= 4)
    assert [e["associationRemoved"] for e in events[2:]] == [True, True]
    assert len(events) == 4


def test_merge_and_gdpr_delete(subscribed, hooks_admin, crm, receiver):
    subscribed(
        {"eventType": "contact.merge"},
        {"eventType": "contact.privacyDeletion"},
        {"eventType": "contact.deletion"},
    )
    one = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "one"}}).json()["id"]
    two = crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "two"}}).json()["id"]
    merged = crm.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": one, "objectIdToMerge": two})
    assert merged.status_code == 200, merged.text
    merge = receiver.wait_for(lambda got: len(got) >= 1)[0]
    assert merge["subscriptionType"] == "contact.merge"
    assert (merge["primaryObjectId"], merge["mergedObjectIds"], merge["numberOfPropertiesMoved"]) == (
        int(one),
        [int(two)],
        1,
    )
    gdpr = crm.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": one})
    assert gdpr.status_code == 204, gdpr.text
    events = receiver.wait_for(lambda got: len(got) >= 3)
    assert sorted(e["subscriptionType"] for e in events[1:]) == ["contact.deletion", "contact.privacyDeletion"]


def test_generic_object_subscriptions_and_inactive_ones(subscribed, hooks_admin, crm, receiver):
    subscribed(
        {"eventType": "object.creation", "objectTypeId": "0-2"},
        {"eventType": "contact.creation", "active": False},
    )
    crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "ignored"}})
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "generic"}}).json()["id"]
    events = receiver.wait_for(lambda got: len(got) >= 1)
    assert [(e["subscriptionType"], e["objectTypeId"], e["objectId"]) for e in events] == [
        ("object.creation", "0-2", int(company))
    ]


def test_an_unreachable_target_is_retried_and_listed(hooks_server, hooks_admin, crm):
    from tests.support.server import free_port

    app = subscribe(
        hooks_server, hooks_admin, f"http://127.0.0.1:{free_port()}/gone", {"eventType": "contact.creation"}
    )
    try:
        crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "nobody listens"}})
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            listed = hooks_admin.get("/webhooks/deliveries", params={"appId": app["appId"]}).json()["results"]
            if len(listed) >= 3:
                break
            time.sleep(0.05)
        assert [d["attempt"] for d in reversed(listed)][:3] == [0, 1, 2]
        assert {(d["status"], d["statusCode"]) for d in listed} == {("failed", None)}
        assert "ConnectionRefusedError" in listed[0]["error"]
        [journaled, *_] = outgoing_entries(hooks_admin, listed[0]["target"], lambda found: len(found) >= 3)
        assert (journaled["status"], journaled["responseBody"]) == (None, None)
        assert "ConnectionRefusedError" in journaled["error"]
    finally:
        hooks_admin.delete(f"/apps/{app['appId']}")


def test_the_inspector_lists_the_deliveries_and_a_records_events(subscribed, hooks_server, crm, receiver):
    app = subscribed(
        {"eventType": "contact.creation"}, {"eventType": "contact.propertyChange", "propertyName": "firstname"}
    )
    made = crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "<b>Shown</b>"}}).json()
    receiver.wait_for(lambda got: len(got) >= 2)
    # The receiver answers 204; the worker records the outcome with its next claim, so the row may lag the arrival.
    shown = f"<code>{receiver.url}</code></td><td>delivered</td><td>204</td>"
    deadline = time.monotonic() + 10
    while True:
        page = httpx.get(f"{hooks_server.url}/_localspot/ui/webhooks", params={"appId": app["appId"]})
        if shown in page.text or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert shown in page.text
    other = httpx.get(f"{hooks_server.url}/_localspot/ui/webhooks", params={"appId": app["appId"], "status": "failed"})
    assert "No delivery yet" in other.text
    record = httpx.get(f"{hooks_server.url}/_localspot/ui/portals/1/objects/contacts/{made['id']}")
    assert 'id="webhook-events"' in record.text, record.text[-1500:]
    events = record.text[record.text.index('id="webhook-events"') :]
    assert "<code>contact.creation</code>" in events and "<code>contact.propertyChange</code>" in events
    assert "&lt;b&gt;Shown&lt;/b&gt;" in events and "<b>Shown</b>" not in events


def test_the_inspector_requests_page_shows_deliveries_as_sent_and_filters_by_direction(
    subscribed, hooks_server, hooks_admin, crm, receiver
):
    subscribed({"eventType": "contact.creation"})
    receiver.statuses = [500]
    crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "shown as sent"}})
    receiver.wait_for(lambda got: len(got) >= 2)
    [entry, *_] = outgoing_entries(hooks_admin, receiver.url, lambda found: len(found) >= 2)
    page = lambda **f: httpx.get(f"{hooks_server.url}/_localspot/ui/requests", params=f).text  # noqa: E731
    sent = page(direction="outgoing")
    block = sent[sent.index(f'id="exchange-{entry["id"]}"') :]
    block = block[: block.index("</details>")]
    assert 'data-direction="outgoing"' in block and '<span class="direction"' in block
    assert f'<p>to <code class="target">{receiver.url}</code></p>' in block
    assert 'data-direction="incoming"' not in sent
    answered = page(direction="incoming")
    assert 'data-direction="incoming"' in answered and 'data-direction="outgoing"' not in answered
    assert f'id="exchange-{entry["id"]}"' in page() and f'id="exchange-{entry["id"]}"' in page(direction="sideways")
    assert 'option value="outgoing" selected' in sent


def test_inline_associations_and_upserts_send_events(subscribed, crm, receiver):
    subscribed(
        {"eventType": "company.associationChange"},
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "lastname"},
    )
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "inline"}}).json()["id"]
    inline = [{"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]
    created = crm.post("/crm/v3/objects/contacts", json={"properties": {}, "associations": inline})
    assert created.status_code == 201, created.text
    contact = int(created.json()["id"])
    events = receiver.wait_for(lambda got: len(got) >= 2)
    change = of_type(events, "company.associationChange")[0]
    assert (change["objectId"], change["toObjectId"], change["associationType"]) == (
        int(company),
        contact,
        "COMPANY_TO_CONTACT",
    )
    email = f"upsert-{contact}@example.com"
    for lastname in ("first", "second"):
        inputs = [{"id": email, "idProperty": "email", "properties": {"lastname": lastname}}]
        answer = crm.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs})
        assert answer.status_code == 200, answer.text
    events = receiver.wait_for(lambda got: len(got) >= 5)
    assert [e["propertyValue"] for e in of_type(events, "contact.propertyChange")] == ["first", "second"]
    assert len(of_type(events, "contact.creation")) == 2


def outgoing_entries(admin: httpx.Client, url: str, ready: Callable[[list[dict]], bool], timeout: float = 10) -> list:
    """The request journal's outgoing entries to `url`, newest first, once `ready` says they are all there."""
    deadline = time.monotonic() + timeout
    while True:
        answer = admin.get("/requests", params={"direction": "outgoing", "limit": 1000})
        assert answer.status_code == 200, answer.text
        found = [e for e in answer.json()["results"] if e["url"] == url]
        if ready(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_every_attempt_is_an_outgoing_entry_of_the_request_journal(subscribed, hooks_admin, crm, receiver):
    subscribed({"eventType": "contact.creation"})
    receiver.statuses = [500]
    created = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "journaled"}})
    assert created.status_code == 201, created.text
    receiver.wait_for(lambda got: len(got) >= 2)
    entries = outgoing_entries(hooks_admin, receiver.url, lambda found: len(found) >= 2)
    assert [e["status"] for e in entries] == [204, 500]
    sent = {d.headers["X-HubSpot-Request-Timestamp"]: d for d in receiver.deliveries}
    for entry in entries:
        delivery = sent[entry["requestHeaders"]["X-HubSpot-Request-Timestamp"]]
        assert entry == {
            "id": entry["id"],
            "direction": "outgoing",
            "at": entry["at"],
            "portalId": 1,
            "method": "POST",
            "path": "/hubspot/webhooks",
            "query": "",
            "status": entry["status"],
            "durationMs": entry["durationMs"],
            "correlationId": None,
            "requestHeaders": entry["requestHeaders"],
            "requestBody": delivery.body.decode(),
            "requestBodyTruncated": False,
            "responseBody": None,
            "responseBodyTruncated": False,
            "faultId": None,
            "url": receiver.url,
            "error": None,
        }
        assert ISO_MS.match(entry["at"]) and entry["durationMs"] > 0
        headers = entry["requestHeaders"]
        assert headers["X-HubSpot-Signature"] == headers["X-HubSpot-Signature-v3"] == "(redacted)"
        assert headers["X-HubSpot-Signature-v3"] != delivery.headers["X-HubSpot-Signature-v3"]
        assert headers["Content-Type"] == "application/json"
    assert [json.loads(e["requestBody"])[0]["attemptNumber"] for e in entries] == [1, 0]
    # The API request that made the event is an incoming entry; no incoming entry is a delivery.
    incoming = hooks_admin.get("/requests", params={"direction": "incoming", "portalId": 1}).json()["results"]
    assert {e["direction"] for e in incoming} == {"incoming"}
    assert any(e["responseBody"] == created.text for e in incoming)
    assert all("url" not in e for e in incoming)


def test_a_retry_waits_as_long_as_retry_after_asks_on_429_and_503(subscribed, hooks_admin, crm, receiver):
    """The server runs with --webhook-retry-scale 0.001: the schedule's first retries come after 85, 170, 340 and
    680 ms (+-20%), and a Retry-After of 1500 s asks for 1.5 s."""
    app = subscribed({"eventType": "contact.creation"})
    in_1500_s = email.utils.formatdate(time.time() + 1500, usegmt=True)
    receiver.statuses = [
        (429, {"Retry-After": "1500"}),
        (503, {"Retry-After": in_1500_s}),  # an HTTP date
        (500, {"Retry-After": "1500"}),  # not read on other answers
        (429, {"Retry-After": "999999999"}),  # bounded: an hour, 3.6 s here
    ]
    crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "patient"}})
    events = receiver.wait_for(lambda got: len(got) >= 5, timeout=30)
    assert [e["attemptNumber"] for e in events] == [0, 1, 2, 3, 4]
    arrived = [d.received_at for d in receiver.deliveries]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrived)]
    assert 1.45 <= gaps[0] < 2.5, gaps
    assert 1.35 <= gaps[1] < 2.5, gaps
    assert gaps[2] < 1.0, gaps
    assert 3.55 <= gaps[3] < 5.5, gaps
    listed = listed_when(hooks_admin, app, lambda found: len(found) >= 5)
    assert [d["statusCode"] for d in reversed(listed)] == [429, 503, 500, 429, 204]


def test_a_restore_sends_restore_events(subscribed, hooks_admin, crm, receiver):
    subscribed(
        {"eventType": "contact.restore"},
        {"eventType": "object.restore", "objectTypeId": "0-2"},
        {"eventType": "contact.deletion"},
    )
    contact = crm.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "recycled"}}).json()["id"]
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "recycled"}}).json()["id"]
    assert crm.delete(f"/crm/v3/objects/contacts/{contact}").status_code == 204
    assert crm.delete(f"/crm/v3/objects/companies/{company}").status_code == 204
    for type_name, object_id in (("contacts", contact), ("companies", company)):
        answer = hooks_admin.post(f"/portals/1/objects/{type_name}/{object_id}/restore")
        assert answer.status_code == 200, answer.text
    events = receiver.wait_for(lambda got: len(got) >= 3)
    assert [e["objectId"] for e in of_type(events, "contact.deletion")] == [int(contact)]
    [restore] = of_type(events, "contact.restore")
    assert list(restore) == [
        "eventId", "subscriptionId", "portalId", "appId", "occurredAt", "subscriptionType", "attemptNumber",
        "objectId", "changeSource",
    ]  # fmt: skip
    assert (restore["objectId"], restore["portalId"], restore["changeSource"]) == (int(contact), 1, "API")
    [generic] = of_type(events, "object.restore")
    assert (generic["objectId"], generic["objectTypeId"]) == (int(company), "0-2")
    # A restore that fails (the id is live now) sends nothing.
    again = hooks_admin.post(f"/portals/1/objects/contacts/{contact}/restore")
    assert again.status_code == 404, again.text
    time.sleep(0.3)
    assert len(receiver.events()) == 3
