"""The journal on the control plane's clock and across workers: entries older than 3 days are gone (their
offsets 404, their links refused), journal tokens expire after 30 minutes, and a subscription made through one
worker is heard by writes through any other."""

from __future__ import annotations

import httpx

from tests.apps.journal.support import events, journal_app, object_subscription
from tests.conftest import TOKEN, make_client
from tests.support.asserts import assert_error

JOURNAL = "/webhooks-journal/journal/2026-03"
DAY_MS = 24 * 3600 * 1000


def test_entries_expire_after_three_days_on_the_clock(fresh_server):
    server = fresh_server()
    with httpx.Client(base_url=f"{server.url}/_localspot") as admin, make_client(server.url, TOKEN) as crm:
        app = journal_app(server.url, admin, 1)
        with app.http() as client:
            assert (
                client.post("/webhooks-journal/subscriptions/2026-03", json=object_subscription(1)).status_code == 200
            )
        assert crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "Old"}}).status_code == 201
        with app.http() as client:
            old = client.get(f"{JOURNAL}/earliest").json()
        assert admin.put("/clock", json={"advanceMs": 2 * DAY_MS}).status_code == 200
        with app.http() as client:
            assert_error(client.get(f"{JOURNAL}/earliest"), 401, "EXPIRED_AUTHENTICATION")
        app.journal_token = app.new_token()
        assert crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "New"}}).status_code == 201
        with app.http() as client:
            assert [e["propertyChanges"]["firstname"] for e in events(client, "journal")] == ["Old", "New"]
            assert httpx.get(old["url"]).status_code == 403  # its link lived 15 minutes
        assert admin.put("/clock", json={"advanceMs": DAY_MS + 60_000}).status_code == 200
        app.journal_token = app.new_token()
        with app.http() as client:
            assert [e["propertyChanges"]["firstname"] for e in events(client, "journal")] == ["New"]
            assert_error(client.get(f"{JOURNAL}/offset/{old['currentOffset']}/next"), 404, "OBJECT_NOT_FOUND")
            read = client.post(f"{JOURNAL}/batch/read", json={"inputs": [old["currentOffset"]]})
            assert (read.status_code, read.json()["results"]) == (207, [])
            latest = client.get(f"{JOURNAL}/latest").json()
        assert admin.put("/clock", json={"advanceMs": 3 * DAY_MS}).status_code == 200
        app.journal_token = app.new_token()
        with app.http() as client:
            assert client.get(f"{JOURNAL}/earliest").status_code == 204
            assert_error(client.get(f"{JOURNAL}/offset/{latest['currentOffset']}/next"), 404, "OBJECT_NOT_FOUND")


def test_subscriptions_hold_across_workers(fresh_server):
    server = fresh_server("--workers", "2")
    with httpx.Client(base_url=f"{server.url}/_localspot") as admin:
        app = journal_app(server.url, admin, 1)
        with app.http() as client:
            assert (
                client.post("/webhooks-journal/subscriptions/2026-03", json=object_subscription(1)).status_code == 200
            )
        names = [f"W{i}" for i in range(6)]
        for name in names:  # a new connection each time: both workers answer
            with make_client(server.url, TOKEN) as crm:
                assert crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": name}}).status_code == 201
        with app.http() as client:
            assert [e["propertyChanges"]["firstname"] for e in events(client, "journal")] == names
            assert client.delete("/webhooks-journal/subscriptions/2026-03/portals/1").status_code == 204
        for _ in range(4):
            with make_client(server.url, TOKEN) as crm:
                assert (
                    crm.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "Gone"}}).status_code == 201
                )
        with app.http() as client:
            assert len(events(client, "journal")) == len(names)
