"""`/_localspot/clock`: every time localspot writes (createdAt, updatedAt, history, batch envelopes, definitions)
comes from the clock the control plane sets, in every worker; ids keep increasing whatever it does."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import TOKEN

NEW_YEAR = "2030-01-01T00:00:00.000Z"
ONE_MINUTE_LATER = "2030-01-01T00:01:00.000Z"


def _clients(server) -> tuple[httpx.Client, httpx.Client]:
    admin = httpx.Client(base_url=f"{server.url}/_localspot", timeout=30)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    return admin, api


@pytest.fixture
def clocked(fresh_server):
    """A server of the test's own (the clock is server-wide), with the admin and API clients."""
    admin, api = _clients(fresh_server())
    with admin, api:
        yield admin, api


def _freeze(admin: httpx.Client, instant: str = NEW_YEAR) -> None:
    answer = admin.put("/clock", json={"now": instant, "frozen": True})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"now": instant, "frozen": True, "offsetMs": 0, "realTime": False}


def test_a_fresh_server_runs_on_real_time(clocked):
    admin, _ = clocked
    body = admin.get("/clock").json()
    assert (body["frozen"], body["offsetMs"], body["realTime"]) == (False, 0, True)


def test_records_are_stamped_by_a_frozen_clock_and_by_its_advances(clocked):
    admin, api = clocked
    _freeze(admin)
    created = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "clock@example.com"}}).json()
    assert (created["createdAt"], created["updatedAt"]) == (NEW_YEAR, NEW_YEAR)
    assert created["properties"]["createdate"] == NEW_YEAR
    assert created["properties"]["lastmodifieddate"] == NEW_YEAR

    moved = admin.put("/clock", json={"advanceMs": 60_000})
    assert moved.json() == {"now": ONE_MINUTE_LATER, "frozen": True, "offsetMs": 0, "realTime": False}
    updated = api.patch(f"/crm/v3/objects/contacts/{created['id']}", json={"properties": {"firstname": "Ada"}})
    assert (updated.json()["createdAt"], updated.json()["updatedAt"]) == (NEW_YEAR, ONE_MINUTE_LATER)

    read = api.get(f"/crm/v3/objects/contacts/{created['id']}?propertiesWithHistory=firstname,email").json()
    assert [h["timestamp"] for h in read["propertiesWithHistory"]["firstname"]] == [ONE_MINUTE_LATER]
    assert [h["timestamp"] for h in read["propertiesWithHistory"]["email"]] == [NEW_YEAR]


def test_batch_envelopes_and_definitions_take_the_clock_too(clocked):
    admin, api = clocked
    _freeze(admin)
    batch = api.post("/crm/v3/objects/companies/batch/create", json={"inputs": [{"properties": {"name": "x"}}]})
    assert batch.status_code == 201
    body = batch.json()
    assert (body["startedAt"], body["completedAt"], body["results"][0]["createdAt"]) == (NEW_YEAR,) * 3

    prop = api.post(
        "/crm/v3/properties/contacts",
        json={
            "name": "clocked",
            "label": "Clocked",
            "type": "string",
            "fieldType": "text",
            "groupName": "contactinformation",
        },
    )
    assert prop.status_code == 201, prop.text
    assert (prop.json()["createdAt"], prop.json()["updatedAt"]) == (NEW_YEAR, NEW_YEAR)

    pipeline = api.post(
        "/crm/v3/pipelines/deals",
        json={
            "label": "Clocked",
            "displayOrder": 1,
            "stages": [{"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}],
        },
    )
    assert pipeline.status_code == 201, pipeline.text
    assert (pipeline.json()["createdAt"], pipeline.json()["stages"][0]["createdAt"]) == (NEW_YEAR, NEW_YEAR)


def test_ids_keep_increasing_when_the_clock_goes_back(clocked):
    admin, api = clocked
    first = api.post("/crm/v3/objects/companies", json={"properties": {"name": "now"}}).json()
    _freeze(admin, "2001-01-01T00:00:00.000Z")
    second = api.post("/crm/v3/objects/companies", json={"properties": {"name": "then"}}).json()
    assert int(second["id"]) > int(first["id"])
    assert second["createdAt"] == "2001-01-01T00:00:00.000Z"


def test_a_clock_set_running_moves_on_from_its_instant_and_delete_goes_back_to_real_time(clocked):
    admin, api = clocked
    running = admin.put("/clock", json={"now": NEW_YEAR}).json()
    assert (running["frozen"], running["realTime"]) == (False, False)
    assert running["now"] >= NEW_YEAR
    created = api.post("/crm/v3/objects/companies", json={"properties": {"name": "d"}}).json()
    assert "2030-01-01T00:00:00.000Z" <= created["createdAt"] < "2030-01-01T00:01:00.000Z"

    assert admin.delete("/clock").status_code == 204
    back = admin.get("/clock").json()
    assert (back["frozen"], back["offsetMs"], back["realTime"]) == (False, 0, True)
    later = api.post("/crm/v3/objects/companies", json={"properties": {"name": "e"}}).json()
    assert later["createdAt"] < "2030"


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"now": NEW_YEAR, "advanceMs": 1}, "", "give either `now` (an ISO-8601 instant) or `advanceMs`"),
        ({}, "", "give either `now` (an ISO-8601 instant) or `advanceMs`"),
        ({"now": "soon"}, "now", "now: must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z"),
        ({"now": "2030-01-01T00:00:00"}, "now", "now: must name its offset (Z or +hh:mm)"),
        ({"advanceMs": -1}, "advanceMs", "advanceMs: must be a whole number from 0 to 3153600000000"),
    ],
)
def test_a_bad_clock_setting_answers_400_and_changes_nothing(clocked, body, path, message):
    admin, _ = clocked
    _freeze(admin)
    answer = admin.put("/clock", json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert (error["status"], error["category"], error["message"], error["context"]) == (
        "error",
        "VALIDATION_ERROR",
        message,
        {"path": [path]},
    )
    assert admin.get("/clock").json()["now"] == NEW_YEAR


def test_every_worker_writes_by_the_same_clock(fresh_server):
    admin, api = _clients(fresh_server("--workers", "2"))
    with admin, api:
        _freeze(admin)
        stamps = set()
        for index in range(12):
            # A new connection each time, so the requests spread over both workers.
            with httpx.Client(base_url=api.base_url, headers=dict(api.headers)) as fresh:
                made = fresh.post("/crm/v3/objects/companies", json={"properties": {"name": str(index)}})
                assert made.status_code == 201, made.text
                stamps.add(made.json()["createdAt"])
        assert stamps == {NEW_YEAR}
