"""singer's tap-hubspot 4.5.0 against localspot: discovery, then a sync of nine streams of a seeded portal.

The tap has no setting for its API's address (`BASE_URL` is a module constant, read by every request), so
it runs as `python -c` with that constant set before its `main()`; `api_key` is its private app token."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integrations.tools import tool_python

TAP = "tap-hubspot==4.5.0"
RUN_TAP = "import sys, tap_hubspot; tap_hubspot.BASE_URL = sys.argv.pop(1); tap_hubspot.main()"
SYNCED = (
    "contacts",
    "deals",
    "companies",
    "contacts_by_company",
    "tickets",
    "owners",
    "deal_pipelines",
    "engagements",
    "contact_lists",
)
# The tap retries a failing request 5 times, 10 s apart: a failure is over well within this.
RUN_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def tap() -> Path:
    return tool_python(TAP)


def create(client: httpx.Client, type_name: str, properties: dict[str, str]) -> str:
    response = client.post(f"/crm/v3/objects/{type_name}", json={"properties": properties})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def run_tap(tap: Path, base_url: str, work: Path, *args: str) -> str:
    done = subprocess.run(
        [str(tap), "-c", RUN_TAP, base_url, "--config", str(work / "config.json"), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def select(catalog: dict[str, Any], streams: tuple[str, ...]) -> dict[str, Any]:
    chosen = [s for s in catalog["streams"] if s["tap_stream_id"] in streams]
    for stream in chosen:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    return {"streams": chosen}


def test_discovery_and_a_sync_of_a_seeded_portal(tap, server, new_portal, base_url, tmp_path, unique):
    portal_id, client = new_portal()
    owner = server.create_owner(f"tap-{unique}@example.com", portal_id=portal_id)
    companies = [create(client, "companies", {"name": f"Company {i}"}) for i in range(2)]
    contacts = [
        create(client, "contacts", {"email": f"tap{i}-{unique}@example.com", "firstname": "Tap"}) for i in range(2)
    ]
    deal_properties = {"dealstage": "appointmentscheduled", "pipeline": "default", "amount": "250"}
    deals = [create(client, "deals", {"dealname": f"Deal {i}", **deal_properties}) for i in range(3)]
    ticket = create(client, "tickets", {"subject": "Help", "hs_pipeline": "0", "hs_pipeline_stage": "1"})
    note = create(client, "notes", {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_note_body": "Met at the fair"})
    linked = client.put(f"/crm/v4/objects/companies/{companies[0]}/associations/default/contacts/{contacts[1]}")
    assert linked.status_code == 200, linked.text
    made = client.post("/crm/v3/lists", json={"name": "Fair", "objectTypeId": "0-1", "processingType": "MANUAL"})
    assert made.status_code == 200, made.text
    token = client.headers["Authorization"].removeprefix("Bearer ")
    (tmp_path / "config.json").write_text(json.dumps({"start_date": "2020-01-01T00:00:00Z", "api_key": token}))

    catalog = json.loads(run_tap(tap, base_url, tmp_path, "--discover"))
    streams = {s["tap_stream_id"]: s for s in catalog["streams"]}
    assert set(SYNCED) <= set(streams)
    # The record schemas carry the portal's properties, from the legacy and v3 property lists.
    assert {"property_dealname", "property_amount"} <= set(streams["deals"]["schema"]["properties"])
    assert "property_name" in streams["companies"]["schema"]["properties"]
    assert "property_subject" in streams["tickets"]["schema"]["properties"]
    assert "property_email" in streams["contacts"]["schema"]["properties"]

    (tmp_path / "catalog.json").write_text(json.dumps(select(catalog, SYNCED)))
    out = run_tap(tap, base_url, tmp_path, "--properties", str(tmp_path / "catalog.json"))
    messages = [json.loads(line) for line in out.splitlines() if line.strip()]
    records: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    assert sorted(records) == sorted(SYNCED)
    assert [r["id"] for r in records["contacts"]] == contacts
    assert [r["property_email"] for r in records["contacts"]] == [f"tap{i}-{unique}@example.com" for i in range(2)]
    assert [str(r["dealId"]) for r in records["deals"]] == deals
    assert [r["property_dealname"]["value"] for r in records["deals"]] == ["Deal 0", "Deal 1", "Deal 2"]
    assert [r["property_amount"]["value"] for r in records["deals"]] == [250, 250, 250]
    assert [str(r["companyId"]) for r in records["companies"]] == companies
    assert [r["property_name"]["value"] for r in records["companies"]] == ["Company 0", "Company 1"]
    assert [(r["id"], r["property_subject"]) for r in records["tickets"]] == [(ticket, "Help")]
    assert [(r["id"], r["email"]) for r in records["owners"]] == [(owner["id"], owner["email"])]
    assert [r["pipelineId"] for r in records["deal_pipelines"]] == ["default"]
    assert records["deal_pipelines"][0]["stages"][0]["stageId"] == "appointmentscheduled"
    assert [(r["company-id"], r["contact-id"]) for r in records["contacts_by_company"]] == [
        (int(companies[0]), int(contacts[1]))
    ]
    # The tap reads the lists twice (oldest and newest first) and may write the newest one twice.
    assert {r["listId"] for r in records["contact_lists"]} == {made.json()["list"]["listId"]}
    assert [(str(r["engagement_id"]), r["engagement"]["type"]) for r in records["engagements"]] == [(note, "NOTE")]
    assert records["engagements"][0]["metadata"]["body"] == "Met at the fair"
    # The bookmarks it keeps for the next run.
    [*_, state] = [m for m in messages if m["type"] == "STATE"]
    assert {"contacts", "deals", "companies", "tickets"} <= set(state["value"]["bookmarks"])
