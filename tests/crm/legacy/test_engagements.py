"""Engagements v1: notes, calls, emails, meetings and tasks as one collection, paged by id, recently
modified newest first, and modified after a cursor oldest first."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.crm.legacy.conftest import associate, create
from tests.support.asserts import assert_error


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


@pytest.fixture
def engaged(seeded):
    client = seeded.client
    note = create(
        client,
        "notes",
        {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_note_body": "Called back"},
        associations=[associate(seeded.contact["id"], 202)],
    )
    call = create(
        client, "calls", {"hs_timestamp": "2025-03-02T10:00:00Z", "hs_call_title": "Intro", "hs_call_duration": "60000"}
    )
    task = create(client, "tasks", {"hs_timestamp": "2025-03-03T10:00:00Z", "hs_task_subject": "Follow up"})
    return seeded, [note, call, task]


def test_paged_engagements_in_the_legacy_shape(engaged):
    seeded, (note, call, task) = engaged
    response = seeded.client.get("/engagements/v1/engagements/paged")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["hasMore"], body["offset"]) == (False, int(task["id"]))
    assert [r["engagement"]["id"] for r in body["results"]] == [int(note["id"]), int(call["id"]), int(task["id"])]
    assert body["results"][0] == {
        "engagement": {
            "id": int(note["id"]),
            "portalId": seeded.portal_id,
            "active": True,
            "createdAt": ms(note["createdAt"]),
            "lastUpdated": ms(note["updatedAt"]),
            "ownerId": None,
            "type": "NOTE",
            "timestamp": ms("2025-03-01T10:00:00.000Z"),
            "bodyPreview": body["results"][0]["engagement"]["bodyPreview"],
        },
        "associations": {
            "contactIds": [int(seeded.contact["id"])],
            "companyIds": [],
            "dealIds": [],
            "ownerIds": [],
            "workflowIds": [],
            "ticketIds": [],
        },
        "attachments": [],
        "metadata": {"body": "Called back"},
    }
    assert body["results"][1]["engagement"]["type"] == "CALL"
    assert body["results"][1]["metadata"] == {"title": "Intro", "durationMilliseconds": 60000}
    assert body["results"][2]["metadata"] == {"subject": "Follow up"}
    first = seeded.client.get("/engagements/v1/engagements/paged", params={"limit": 2}).json()
    assert len(first["results"]) == 2 and first["hasMore"] is True and first["offset"] == int(call["id"])
    rest = seeded.client.get("/engagements/v1/engagements/paged", params={"limit": 2, "offset": first["offset"]})
    assert [r["engagement"]["id"] for r in rest.json()["results"]] == [int(task["id"])]
    assert rest.json()["hasMore"] is False


def test_recently_modified_engagements_newest_first(engaged):
    seeded, (note, call, task) = engaged
    body = seeded.client.get("/engagements/v1/engagements/recent/modified").json()
    assert [r["engagement"]["id"] for r in body["results"]] == [int(task["id"]), int(call["id"]), int(note["id"])]
    assert (body["hasMore"], body["offset"], body["total"]) == (False, 3, 3)
    page = seeded.client.get("/engagements/v1/engagements/recent/modified", params={"count": 1, "offset": 1}).json()
    assert [r["engagement"]["id"] for r in page["results"]] == [int(call["id"])]
    assert (page["hasMore"], page["offset"], page["total"]) == (True, 2, 3)
    since = ms(task["updatedAt"])
    latest = seeded.client.get("/engagements/v1/engagements/recent/modified", params={"since": since}).json()
    assert [r["engagement"]["id"] for r in latest["results"]] == [int(task["id"])]


def test_modified_after_a_cursor_oldest_first(engaged):
    seeded, (note, call, task) = engaged
    path = "/engagements/v1/engagements/modified/after"
    first = seeded.client.get(path, params={"after": ms(note["updatedAt"]), "limit": 2}).json()
    assert [r["engagement"]["id"] for r in first["results"]] == [int(note["id"]), int(call["id"])]
    assert first["hasMore"] is True and first["after"] == f"{ms(call['updatedAt'])}-{call['id']}"
    rest = seeded.client.get(path, params={"after": first["after"], "limit": 2}).json()
    assert [r["engagement"]["id"] for r in rest["results"]] == [int(task["id"])]
    assert rest["hasMore"] is False
    done = seeded.client.get(path, params={"after": rest["after"]}).json()
    assert done == {"results": [], "hasMore": False, "after": rest["after"]}
    assert_error(seeded.client.get(path, params={"after": "x"}), 400, "VALIDATION_ERROR")
