"""singer's tap-hubspot 4.5.0 against localspot: discovery, a sync of nine streams of a seeded portal, then an
incremental sync from the first one's state once some records changed.

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
    """The tap's standard output (its messages, one JSON document a line)."""
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


def sync(tap: Path, base_url: str, work: Path, *args: str) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """The records of a sync, by stream, and the last state it wrote."""
    out = run_tap(tap, base_url, work, "--properties", str(work / "catalog.json"), *args)
    messages = [json.loads(line) for line in out.splitlines() if line.strip()]
    records: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    [*_, state] = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, state


def test_discovery_a_sync_and_an_incremental_sync_of_a_seeded_portal(
    tap, server, new_portal, base_url, tmp_path, unique
):
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
    records, state = sync(tap, base_url, tmp_path)
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
    assert {"contacts", "deals", "companies", "tickets", "engagements"} <= set(state["bookmarks"])

    # Change one record of each incremental stream, then sync from the state. The tap's bookmarks are
    # inclusive (a record modified at the bookmark comes again: the last one of each stream's first sync);
    # the engagements' cursor names the last one, so only the changed ones come again.
    changes = {
        "contacts": (contacts[0], {"firstname": "Changed"}),
        "companies": (companies[0], {"name": "Company Zero"}),
        "deals": (deals[0], {"amount": "300"}),
        "tickets": (ticket, {"subject": "Help again"}),
        "notes": (note, {"hs_note_body": "Met again"}),
    }
    for type_name, (record_id, properties) in changes.items():
        changed = client.patch(f"/crm/v3/objects/{type_name}/{record_id}", json={"properties": properties})
        assert changed.status_code == 200, changed.text
    (tmp_path / "state.json").write_text(json.dumps(state))
    again, later = sync(tap, base_url, tmp_path, "--state", str(tmp_path / "state.json"))
    assert [(r["id"], r["property_firstname"]) for r in again["contacts"]] == [
        (contacts[0], "Changed"),
        (contacts[1], "Tap"),
    ]
    assert [(str(r["companyId"]), r["property_name"]["value"]) for r in again["companies"]] == [
        (companies[0], "Company Zero"),
        (companies[1], "Company 1"),
    ]
    assert [(str(r["dealId"]), r["property_amount"]["value"]) for r in again["deals"]] == [
        (deals[0], 300),
        (deals[2], 250),
    ]
    assert [(r["id"], r["property_subject"]) for r in again["tickets"]] == [(ticket, "Help again")]
    assert [(str(r["engagement_id"]), r["metadata"]["body"]) for r in again["engagements"]] == [(note, "Met again")]
    # The associations of the companies read again; the full-table streams come whole.
    assert [(r["company-id"], r["contact-id"]) for r in again["contacts_by_company"]] == [
        (int(companies[0]), int(contacts[1]))
    ]
    assert [r["id"] for r in again["owners"]] == [owner["id"]]
    assert [r["pipelineId"] for r in again["deal_pipelines"]] == ["default"]
    assert {r["listId"] for r in again["contact_lists"]} == {made.json()["list"]["listId"]}
    # Every incremental stream's bookmark moved to its changed record's modification.
    for stream, key in [
        ("contacts", "updatedAt"),
        ("companies", "property_hs_lastmodifieddate"),
        ("deals", "property_hs_lastmodifieddate"),
        ("tickets", "updatedAt"),
    ]:
        assert later["bookmarks"][stream][key] > state["bookmarks"][stream][key], stream
    assert later["bookmarks"]["engagements"]["cursor"] > state["bookmarks"]["engagements"]["cursor"]
