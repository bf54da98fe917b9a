"""Associations through HubSpot's official Node client (@hubspot/api-client 13.5.0)."""

from __future__ import annotations

import pytest

from tests.clients.node import node_client_or_skip, run_node
from tests.conftest import TOKEN
from tests.support.factories import create_records


@pytest.fixture(scope="module")
def node_dir():
    return node_client_or_skip()


def node(base_url: str, script: str) -> dict:
    out = run_node(base_url, TOKEN, script)
    assert out["ok"] is True, out
    return out["result"]


def test_basic_api(node_dir, base_url, api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    result = node(
        base_url,
        f"""
        const v4 = client.crm.associations.v4.basicApi
        const created = await v4.createDefault("contacts", "{contact}", "companies", "{company}")
        const labeled = await v4.create("contacts", "{contact}", "companies", "{company}",
          [{{associationCategory: "HUBSPOT_DEFINED", associationTypeId: 1}}])
        const page = await v4.getPage("companies", "{company}", "contacts", undefined, 500)
        await v4.archive("contacts", "{contact}", "companies", "{company}")
        const after = await v4.getPage("contacts", "{contact}", "companies")
        return {{created, labeled, page, after}}
        """,
    )
    assert result["created"]["status"] == "COMPLETE"
    assert result["created"]["results"][0] == {
        "_from": {"id": contact},
        "to": {"id": company},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
    }
    assert result["labeled"] == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": int(contact),
        "toObjectTypeId": "0-2",
        "toObjectId": int(company),
        "labels": ["Primary"],
    }
    assert result["page"]["results"] == [
        {
            "toObjectId": int(contact),
            "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 2, "label": "Primary"},
                {"category": "HUBSPOT_DEFINED", "typeId": 280, "label": None},
            ],
        }
    ]
    assert result["after"]["results"] == []


def test_basic_api_missing_record_is_an_api_exception(node_dir, base_url, api):
    contact = create_records(api, "contacts", 1)[0]
    out = run_node(
        base_url,
        TOKEN,
        f'return await client.crm.associations.v4.basicApi.createDefault("contacts", "{contact}", "deals", "9999")',
    )
    assert out["ok"] is False
    assert out["error"]["code"] == 404
    assert out["error"]["body"]["category"] == "OBJECT_NOT_FOUND"


def test_batch_api_uses_from_on_the_wire(node_dir, base_url, api):
    deal = create_records(api, "deals", 1)[0]
    contacts = create_records(api, "contacts", 2)
    result = node(
        base_url,
        f"""
        const batch = client.crm.associations.v4.batchApi
        const dflt = await batch.createDefault("deals", "contacts",
          {{inputs: [{{_from: {{id: "{deal}"}}, to: {{id: "{contacts[0]}"}}}}]}})
        const created = await batch.create("deals", "contacts", {{inputs: [
          {{_from: {{id: "{deal}"}}, to: {{id: "{contacts[1]}"}},
            types: [{{associationCategory: "HUBSPOT_DEFINED", associationTypeId: 3}}]}},
          {{_from: {{id: "999999999"}}, to: {{id: "{contacts[1]}"}},
            types: [{{associationCategory: "HUBSPOT_DEFINED", associationTypeId: 3}}]}}]}})
        const read = await batch.getPage("deals", "contacts", {{inputs: [{{id: "{deal}"}}]}})
        await batch.archiveLabels("deals", "contacts", {{inputs: [
          {{_from: {{id: "{deal}"}}, to: {{id: "{contacts[0]}"}},
            types: [{{associationCategory: "HUBSPOT_DEFINED", associationTypeId: 3}}]}}]}})
        await batch.archive("deals", "contacts",
          {{inputs: [{{_from: {{id: "{deal}"}}, to: [{{id: "{contacts[1]}"}}]}}]}})
        const after = await batch.getPage("deals", "contacts", {{inputs: [{{id: "{deal}"}}]}})
        return {{dflt, created, read, after}}
        """,
    )
    assert len(result["dflt"]["results"]) == 2
    assert result["created"]["numErrors"] == 1
    assert result["created"]["results"][0]["toObjectId"] == int(contacts[1])
    assert result["created"]["errors"][0]["context"]["fromObjectId"] == ["999999999"]
    assert [t["toObjectId"] for t in result["read"]["results"][0]["to"]] == [int(c) for c in contacts]
    assert result["after"]["results"] == [{"_from": {"id": deal}, "to": []}]


def test_definitions_api(node_dir, base_url, unique):
    result = node(
        base_url,
        f"""
        const defs = client.crm.associations.v4.schema.definitionsApi
        const created = await defs.create("contacts", "tickets",
          {{name: "node_{unique}", label: "Reporter", inverseLabel: "Reported by"}})
        const typeId = created.results[0].typeId
        await defs.update("contacts", "tickets", {{associationTypeId: typeId, label: "Requester"}})
        const listed = await defs.getAll("contacts", "tickets")
        await defs.remove("contacts", "tickets", typeId)
        const after = await defs.getAll("contacts", "tickets")
        let refused = null
        try {{ await defs.remove("contacts", "tickets", 15) }} catch (e) {{ refused = e.code }}
        return {{created, listed, after, typeId, refused}}
        """,
    )
    assert [r["label"] for r in result["created"]["results"]] == ["Reporter", "Reported by"]
    assert {"category": "USER_DEFINED", "typeId": result["typeId"], "label": "Requester"} in result["listed"]["results"]
    assert result["typeId"] not in [r["typeId"] for r in result["after"]["results"]]
    assert result["refused"] == 400


def test_plain_from_written_in_js_is_dropped_and_rejected(node_dir, base_url, api):
    deal = create_records(api, "deals", 1)[0]
    out = run_node(
        base_url,
        TOKEN,
        f"""return await client.crm.associations.v4.batchApi.createDefault("deals", "contacts",
          {{inputs: [{{from: {{id: "{deal}"}}, to: {{id: "1"}}}}]}})""",
    )
    assert out["ok"] is False
    assert out["error"]["code"] == 400
    assert out["error"]["body"]["category"] == "VALIDATION_ERROR"
