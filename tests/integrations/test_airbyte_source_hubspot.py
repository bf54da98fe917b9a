"""Airbyte's source-hubspot 5.7.0 against localspot: `check`, then a `read` of seven streams of a seeded
portal.

The source has no setting for its API's address (`https://api.hubapi.com` is written into its manifest and
its classes), so it runs behind a wrapper that sends its requests to localspot: requests' transport adapter
rewrites that address before each send. Its full `discover` needs object types localspot does not model
(deal splits, goals, leads, forms), so the read uses a catalog of the streams it syncs."""

from __future__ import annotations

import json
import subprocess
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
READ = ("contacts", "companies", "deals", "tickets", "owners", "deal_pipelines", "engagements")
RUN_TIMEOUT_S = 180


@pytest.fixture(scope="module")
def source() -> Path:
    # The source supports Python 3.10 and 3.11 only.
    return tool_python(SOURCE, python=python_between((3, 10), (3, 12)))


def create(client: httpx.Client, type_name: str, properties: dict[str, str]) -> str:
    response = client.post(f"/crm/v3/objects/{type_name}", json={"properties": properties})
    assert response.status_code == 201, response.text
    return response.json()["id"]


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


def catalog(streams: tuple[str, ...]) -> dict[str, Any]:
    return {
        "streams": [
            {
                "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
            for name in streams
        ]
    }


def test_check_and_a_read_of_a_seeded_portal(source, server, new_portal, base_url, tmp_path, unique):
    portal_id, client = new_portal()
    owner = server.create_owner(f"airbyte-{unique}@example.com", portal_id=portal_id)
    contact = create(client, "contacts", {"email": f"ab-{unique}@example.com", "firstname": "Air"})
    company = create(client, "companies", {"name": "Byte Inc"})
    deal = create(client, "deals", {"dealname": "Sync", "dealstage": "appointmentscheduled", "pipeline": "default"})
    ticket = create(client, "tickets", {"subject": "Help", "hs_pipeline": "0", "hs_pipeline_stage": "1"})
    note = create(client, "notes", {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_note_body": "Synced"})
    # The default pipeline dates from 1970, before any start date: the source keeps only a newer one.
    stages = [{"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}]
    pipeline = client.post("/crm/v3/pipelines/deals", json={"label": "Partners", "displayOrder": 1, "stages": stages})
    assert pipeline.status_code == 201, pipeline.text
    token = client.headers["Authorization"].removeprefix("Bearer ")
    credentials = {"credentials_title": "Private App Credentials", "access_token": token}
    (tmp_path / "config.json").write_text(
        json.dumps({"start_date": "2020-01-01T00:00:00Z", "credentials": credentials})
    )

    checked = run_source(source, base_url, tmp_path, "check")
    assert [m["connectionStatus"]["status"] for m in checked if m["type"] == "CONNECTION_STATUS"] == ["SUCCEEDED"]

    (tmp_path / "catalog.json").write_text(json.dumps(catalog(READ)))
    messages = run_source(source, base_url, tmp_path, "read", "--catalog", str(tmp_path / "catalog.json"))
    records: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["record"]["stream"], []).append(message["record"]["data"])
    assert sorted(records) == sorted(READ)
    assert [(r["id"], r["properties"]["email"]) for r in records["contacts"]] == [(contact, f"ab-{unique}@example.com")]
    assert [(r["id"], r["properties"]["name"]) for r in records["companies"]] == [(company, "Byte Inc")]
    assert [(r["id"], r["properties"]["dealname"]) for r in records["deals"]] == [(deal, "Sync")]
    assert [(r["id"], r["properties"]["subject"]) for r in records["tickets"]] == [(ticket, "Help")]
    assert [(r["id"], r["email"]) for r in records["owners"]] == [(owner["id"], owner["email"])]
    assert [(r["pipelineId"], r["label"]) for r in records["deal_pipelines"]] == [(pipeline.json()["id"], "Partners")]
    assert [(str(r["id"]), r["type"], r["metadata"]["body"]) for r in records["engagements"]] == [
        (note, "NOTE", "Synced")
    ]
