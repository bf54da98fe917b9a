"""The objects API through HubSpot's official Node client (@hubspot/api-client 13.5.0)."""

from __future__ import annotations

import httpx

from tests.clients.node import run_node
from tests.conftest import TOKEN
from tests.support.factories import TASK_TIME, batch_create


def ok(out: dict):
    assert out["ok"] is True, out
    return out["result"]


def test_basic_api_round_trip(node_dir, base_url, unique):
    email = f"node-{unique}@example.com"
    result = ok(
        run_node(
            base_url,
            TOKEN,
            f"""
            const api = client.crm.contacts.basicApi
            const created = await api.create({{properties: {{email: "{email}", firstname: "Node"}}}})
            await api.create({{properties: {{email: "second-{email}"}}}})
            const fetched = await api.getById(created.id, ["firstname", "city"], undefined, undefined, false)
            const byEmail = await api.getById("{email}", undefined, undefined, undefined, false, "email")
            const updated = await api.update(created.id, {{properties: {{lastname: "Js"}}}})
            const page = await api.getPage(1, undefined, ["email"], undefined, undefined, false)
            await api.archive(created.id)
            await api.archive(created.id)
            let missing = null
            try {{ await api.getById(created.id) }} catch (e) {{ missing = {{code: e.code, body: e.body}} }}
            return {{created, fetched, byEmail, updated, page, missing}}
            """,
        )
    )
    created = result["created"]
    assert created["properties"]["email"] == email and created["createdAt"].endswith("Z")
    assert result["fetched"]["properties"]["firstname"] == "Node"
    assert result["fetched"]["properties"]["city"] is None
    assert result["byEmail"]["id"] == created["id"]
    assert result["updated"]["properties"]["lastname"] == "Js"
    assert len(result["page"]["results"]) == 1 and result["page"]["paging"]["next"]["after"]
    assert result["missing"]["code"] == 404
    assert result["missing"]["body"]["category"] == "OBJECT_NOT_FOUND"
    assert result["missing"]["body"]["context"] == {"id": [created["id"]]}


def test_batch_api_read_and_upsert(node_dir, base_url, unique):
    emails = [f"nb{i}-{unique}@example.com" for i in range(2)]
    result = ok(
        run_node(
            base_url,
            TOKEN,
            f"""
            const batch = client.crm.contacts.batchApi
            const emails = {emails!r}
            const input = (id, properties) => ({{id, idProperty: "email", properties}})
            const first = await batch.upsert({{inputs: [input(emails[0], {{firstname: "A"}})]}})
            const both = await batch.upsert({{inputs: emails.map((id) => input(id, {{lastname: "B"}}))}})
            const read = await batch.read({{
              inputs: emails.map((id) => ({{id}})), idProperty: "email", properties: ["firstname", "lastname"],
              propertiesWithHistory: [],
            }}, false)
            const missing = await batch.read({{
              inputs: [{{id: "999999999980"}}], properties: [], propertiesWithHistory: [],
            }})
            return {{first, both, read, missing}}
            """,
        )
    )
    assert [r["_new"] for r in result["first"]["results"]] == [True]
    both = result["both"]["results"]
    assert [r["_new"] for r in both] == [False, True]
    assert both[0]["id"] == result["first"]["results"][0]["id"]
    read = {r["properties"]["lastname"]: r for r in result["read"]["results"]}
    assert set(read) == {"B"} and len(result["read"]["results"]) == 2
    assert result["missing"]["numErrors"] == 1
    assert result["missing"]["errors"][0]["context"] == {"ids": ["999999999980"]}


def test_get_all_walks_every_record_once(node_dir, fresh_server):
    server = fresh_server()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=60) as api:
        ids = set()
        for start in range(0, 1000, 100):
            ids.update(
                r["id"]
                for r in batch_create(
                    api, "contacts", [{"properties": {"email": f"n{i}@example.com"}} for i in range(start, start + 100)]
                )
            )
        batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME}}])
    result = ok(
        run_node(
            server.url,
            server.token,
            """
            const all = await client.crm.contacts.getAll()
            const big = await client.crm.contacts.getAll(100)
            return {ids: all.map((r) => r.id), big: big.length}
            """,
        )
    )
    assert len(result["ids"]) == 1000 and set(result["ids"]) == ids
    assert result["big"] == 1000
