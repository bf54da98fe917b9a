"""Airbyte's source-hubspot 5.7.0 against localspot: `check`, the full `discover`, a `read` of every CRM stream
of a seeded portal, then an incremental `read` from the first one's state once some records changed.

The source has no setting for its API's address (`https://api.hubapi.com` is written into its manifest and
its classes), so it runs behind a wrapper that sends its requests to localspot: requests' transport adapter
rewrites that address before each send."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integrations.tools import python_between, tool_python

SOURCE = "airbyte-source-hubspot==5.7.0"
HUBSPOT = "https://api.hubapi.com"
RUN_SOURCE = f"""
import sys
import requests.adapters

base = sys.argv.pop(1)
send = requests.adapters.HTTPAdapter.send

def to_localspot(self, request, *args, **kwargs):
    if request.url.startswith("{HUBSPOT}"):
        request.url = base + request.url[len("{HUBSPOT}"):]
    return send(self, request, *args, **kwargs)

requests.adapters.HTTPAdapter.send = to_localspot
from source_hubspot.run import run
run()
"""
# The streams of HubSpot's marketing and automation tools, which localspot does not serve.
NOT_CRM = {
    "campaigns",
    "email_events",
    "email_subscriptions",
    "form_submissions",
    "forms",
    "marketing_emails",
    "subscription_changes",
    "workflows",
}
RUN_TIMEOUT_S = 180


@pytest.fixture(scope="module")
def source() -> Path:
    # The source supports Python 3.10 and 3.11 only.
    return tool_python(SOURCE, python=python_between((3, 10), (3, 12)))


def create(client: httpx.Client, type_name: str, properties: dict[str, str]) -> str:
    response = client.post(f"/crm/v3/objects/{type_name}", json={"properties": properties})
    assert response.status_code == 201, response.text
    # The source's cursors are inclusive and in milliseconds: two records made in one millisecond would both
    # come again in the incremental read, so each is made in a millisecond of its own.
    made = response.json()
    while time.time() * 1000 < _epoch_ms(made["updatedAt"]) + 1:
        time.sleep(0.001)
    return made["id"]


def _epoch_ms(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000


def run_source(source: Path, base_url: str, work: Path, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [str(source), "-c", RUN_SOURCE, base_url, *args, "--config", str(work / "config.json")],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        cwd=work,
    )
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failures = [m for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert done.returncode == 0 and failures == [], (failures or done.stderr)[-3:]
    return messages


def catalog(streams: list[dict[str, Any]]) -> dict[str, Any]:
    """Every stream incremental where it can be (its first read, with no state, reads everything)."""
    configured = []
    for stream in streams:
        if "incremental" in stream["supported_sync_modes"]:
            mode = {"sync_mode": "incremental", "destination_sync_mode": "append"}
            mode["cursor_field"] = stream.get("default_cursor_field", [])
        else:
            mode = {"sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
        configured.append({"stream": stream, **mode})
    return {"streams": configured}


def read(source: Path, base_url: str, work: Path, *args: str) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
    """The records of a read, by stream, and each stream's last state."""
    messages = run_source(source, base_url, work, "read", "--catalog", str(work / "catalog.json"), *args)
    records: dict[str, list[dict[str, Any]]] = {}
    states: dict[str, Any] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["record"]["stream"], []).append(message["record"]["data"])
        elif message["type"] == "STATE" and message["state"].get("type") == "STREAM":
            states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return records, list(states.values())


def split(client: httpx.Client, deal: str, owner: str) -> None:
    """The whole deal to its owner: one split (a new one each time)."""
    body = {"inputs": [{"id": int(deal), "splits": [{"ownerId": int(owner), "percentage": 1}]}]}
    response = client.post("/crm/v3/objects/deals/splits/batch/upsert", json=body)
    assert response.status_code == 200, response.text


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [str(r["id"]) for r in records]


def test_check_discover_a_read_and_an_incremental_read(source, server, new_portal, base_url, tmp_path, unique):
    portal_id, client = new_portal()
    owner = server.create_owner(f"airbyte-{unique}@example.com", portal_id=portal_id)
    owned = {"dealstage": "appointmentscheduled", "pipeline": "default", "hubspot_owner_id": owner["id"]}
    when = {"hs_timestamp": "2025-03-01T10:00:00Z"}
    seeds = {
        "contacts": [{"email": f"ab{i}-{unique}@example.com", "firstname": "Air"} for i in range(3)],
        "companies": [{"name": f"Byte {i}"} for i in range(3)],
        "deals": [{"dealname": f"Sync {i}", **owned} for i in range(3)],
        "tickets": [{"subject": f"Help {i}", "hs_pipeline": "0", "hs_pipeline_stage": "1"} for i in range(3)],
        "notes": [{**when, "hs_note_body": f"Synced {i}"} for i in range(3)],
        "calls": [{**when, "hs_call_title": f"Call {i}"} for i in range(3)],
        "emails": [{**when, "hs_email_direction": "EMAIL", "hs_email_subject": f"Mail {i}"} for i in range(3)],
        "meetings": [{**when, "hs_meeting_title": f"Meet {i}"} for i in range(3)],
        "tasks": [{**when, "hs_task_subject": f"Task {i}"} for i in range(3)],
        "products": [{"name": f"Product {i}"} for i in range(3)],
        "line_items": [{"name": f"Line {i}", "quantity": "1"} for i in range(3)],
        "goal_targets": [{"hs_goal_name": f"Goal {i}"} for i in range(3)],
        "leads": [{"hs_lead_name": f"Lead {i}"} for i in range(3)],
    }
    made = {type_name: [create(client, type_name, p) for p in values] for type_name, values in seeds.items()}
    for deal in made["deals"]:
        split(client, deal, owner["id"])
    # The default pipeline dates from 1970, before any start date: the source keeps only a newer one.
    stages = [{"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}]
    pipeline = client.post("/crm/v3/pipelines/deals", json={"label": "Partners", "displayOrder": 1, "stages": stages})
    assert pipeline.status_code == 201, pipeline.text
    token = client.headers["Authorization"].removeprefix("Bearer ")
    credentials = {"credentials_title": "Private App Credentials", "access_token": token}
    (tmp_path / "config.json").write_text(
        json.dumps({"start_date": "2020-01-01T00:00:00Z", "credentials": credentials})
    )

    # `check` and the full discovery (every stream's schema, the properties of deal splits and forms
    # included) side by side: the source's start-up is most of each run's time.
    with ThreadPoolExecutor(2) as pool:
        checking = pool.submit(run_source, source, base_url, tmp_path, "check")
        discovered = run_source(source, base_url, tmp_path, "discover")
        checked = checking.result()
    assert [m["connectionStatus"]["status"] for m in checked if m["type"] == "CONNECTION_STATUS"] == ["SUCCEEDED"]
    [streams] = [m["catalog"]["streams"] for m in discovered if m["type"] == "CATALOG"]
    crm = [s for s in streams if s["name"] not in NOT_CRM]
    names = sorted(s["name"] for s in crm)
    assert {s["name"] for s in streams} >= NOT_CRM and len(names) == 24, names
    contacts_schema = next(s for s in crm if s["name"] == "contacts")["json_schema"]["properties"]
    assert {"properties_email", "properties_firstname"} <= set(contacts_schema)

    (tmp_path / "catalog.json").write_text(json.dumps(catalog(crm)))
    records, states = read(source, base_url, tmp_path)
    # Every CRM stream with records comes whole; the others have none in a new portal (its lists, archived
    # deals and owners), or date from 1970, before the start date (the default ticket pipeline).
    empty = {"contact_lists", "deals_archived", "owners_archived", "ticket_pipelines"}
    assert sorted(records) == sorted(set(names) - empty)
    streams_of = {
        "contacts": "contacts",
        "companies": "companies",
        "deals": "deals",
        "tickets": "tickets",
        "notes": "engagements_notes",
        "calls": "engagements_calls",
        "emails": "engagements_emails",
        "meetings": "engagements_meetings",
        "tasks": "engagements_tasks",
        "products": "products",
        "line_items": "line_items",
        "goal_targets": "goals",
        "leads": "leads",
    }
    for type_name, stream in streams_of.items():
        assert ids(records[stream]) == made[type_name], stream
    assert [r["properties"]["email"] for r in records["contacts"]] == [p["email"] for p in seeds["contacts"]]
    assert [str(r["properties_hs_deal_id"]) for r in records["deal_splits"]] == made["deals"]
    assert [(r["id"], r["email"]) for r in records["owners"]] == [(owner["id"], owner["email"])]
    assert [(r["pipelineId"], r["label"]) for r in records["deal_pipelines"]] == [(pipeline.json()["id"], "Partners")]
    engagements = [made[t] for t in ("notes", "calls", "emails", "meetings", "tasks")]
    assert sorted(ids(records["engagements"]), key=int) == [i for three in engagements for i in three]

    # Change the first record of each type and split the first deal anew, then read from the state. The
    # source's cursors are inclusive: the record the first read ended on (the last of each stream) comes
    # again with the changed one; the middle one does not.
    changes = {
        "contacts": {"firstname": "Changed"},
        "companies": {"name": "Byte Changed"},
        "deals": {"dealname": "Sync Changed"},
        "tickets": {"subject": "Help Changed"},
        "notes": {"hs_note_body": "Changed"},
        "calls": {"hs_call_title": "Changed"},
        "emails": {"hs_email_subject": "Changed"},
        "meetings": {"hs_meeting_title": "Changed"},
        "tasks": {"hs_task_subject": "Changed"},
        "products": {"name": "Changed"},
        "line_items": {"name": "Changed"},
        "goal_targets": {"hs_goal_name": "Changed"},
        "leads": {"hs_lead_name": "Changed"},
    }
    for type_name, properties in changes.items():
        changed = client.patch(f"/crm/v3/objects/{type_name}/{made[type_name][0]}", json={"properties": properties})
        assert changed.status_code == 200, changed.text
    split(client, made["deals"][0], owner["id"])
    (tmp_path / "state.json").write_text(json.dumps(states))
    again, later = read(source, base_url, tmp_path, "--state", str(tmp_path / "state.json"))
    for type_name, stream in streams_of.items():
        assert ids(again[stream]) == [made[type_name][0], made[type_name][-1]], stream
    first_split, *_, last_split = ids(records["deal_splits"])
    [new_split] = [r for r in again["deal_splits"] if r["id"] != last_split]
    assert sorted(ids(again["deal_splits"])) == sorted([last_split, new_split["id"]])
    assert int(new_split["id"]) > int(first_split) and str(new_split["properties_hs_deal_id"]) == made["deals"][0]
    changed_engagements = [made[t][0] for t in ("notes", "calls", "emails", "meetings", "tasks")]
    assert sorted(ids(again["engagements"]), key=int) == sorted([*changed_engagements, made["tasks"][-1]], key=int)
    assert again["contacts"][0]["properties"]["firstname"] == "Changed"
    # The full-table streams come whole again.
    assert [r["id"] for r in again["owners"]] == [owner["id"]]
    assert [r["pipelineId"] for r in again["deal_pipelines"]] == [pipeline.json()["id"]]
    # Each stream's cursor moved to its changes; those of the streams without records stay.
    before = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in states}
    after = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in later}
    for stream in sorted(set(names) - empty - {"owners", "deal_pipelines"}):
        [(key, old)] = before[stream].items()
        assert after[stream][key] > old, stream
    for stream in sorted(empty | {"owners", "deal_pipelines"}):
        assert after[stream] == before[stream], stream
