"""Bearer tokens, scopes and portal isolation."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import TASK_TIME, create_calls
from tests.support.server import backend_name

TASKS_CREATE = "/crm/v3/objects/tasks/batch/create"
ONE_TASK = {"inputs": [{"properties": {"hs_timestamp": TASK_TIME}}]}


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "Token abc"])
def test_missing_or_unknown_token_is_a_401(base_url, header):
    headers = {"Authorization": header} if header is not None else {}
    with make_client(base_url, None) as client:
        response = client.post(TASKS_CREATE, json=ONE_TASK, headers=headers)
    assert_error(response, 401, "INVALID_AUTHENTICATION")


def test_token_without_the_scope_is_a_403_listing_the_alternatives(base_url, token_for):
    with make_client(base_url, token_for("crm.objects.contacts.read")) as client:
        response = client.post(TASKS_CREATE, json=ONE_TASK)
    body = assert_error(response, 403, "MISSING_SCOPES")
    assert body["errors"] == [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredGranularScopes": ["crm.objects.contacts.write"]},
        }
    ]
    assert body["links"] == {"scopes": "https://developers.hubspot.com/scopes"}


def test_token_with_the_scope_may_write(base_url, token_for):
    with make_client(base_url, token_for("crm.objects.contacts.write")) as client:
        assert_batch(client.post(TASKS_CREATE, json=ONE_TASK), 201, 1)
    with make_client(base_url, token_for("tickets")) as client:
        response = client.post(
            "/crm/v3/objects/tickets/batch/create",
            json={"inputs": [{"properties": {"subject": "s", "hs_pipeline": "0", "hs_pipeline_stage": "1"}}]},
        )
        assert_batch(response, 201, 1)
        assert_error(client.post(TASKS_CREATE, json=ONE_TASK), 403, "MISSING_SCOPES")


def test_portals_do_not_see_each_others_records(api, other_portal_api):
    mine = create_calls(api, 1)[0]
    response = other_portal_api.post(
        "/crm/v3/objects/calls/batch/update",
        json={"inputs": [{"id": mine["id"], "properties": {"hs_call_title": "x"}}]},
    )
    assert_batch(response, 207, 0)
    unchanged = api.post("/crm/v3/objects/calls/batch/update", json={"inputs": [{"id": mine["id"], "properties": {}}]})
    assert assert_batch(unchanged, 200, 1)["results"][0]["properties"]["hs_call_title"] == "call 0"


def test_custom_properties_belong_to_one_portal(api, other_portal_api, unique):
    name = f"portal_only_{unique}"
    created = api.post(
        "/crm/v3/properties/calls",
        json={"name": name, "label": "x", "type": "string", "fieldType": "text", "groupName": "callinformation"},
    )
    assert created.status_code == 201
    assert api.get(f"/crm/v3/properties/calls/{name}").status_code == 200
    assert_error(other_portal_api.get(f"/crm/v3/properties/calls/{name}"), 404, "OBJECT_NOT_FOUND")


def test_a_refused_caller_writes_nothing_not_even_pending_associations(fresh_server):
    """SQLite keeps new associations pending until a read settles them; a request refused with a 401 must
    leave them pending (it does no write work), and the next authenticated read settles them."""
    if backend_name() != "sqlite":
        pytest.skip("PostgreSQL writes associations directly; only SQLite defers them")
    server = fresh_server()
    database_file = server.storage.args[1]

    def pending() -> int:
        with sqlite3.connect(database_file) as conn:
            return conn.execute("SELECT count(*) FROM association_pending").fetchone()[0]

    with make_client(server.url, server.token) as api:
        contact = api.post("/crm/v3/objects/contacts", json={"properties": {}}).json()["id"]
        association = {
            "to": {"id": contact},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
        }
        created = api.post(
            TASKS_CREATE,
            json={"inputs": [{"properties": {"hs_timestamp": TASK_TIME}, "associations": [association]}]},
        )
        assert created.status_code == 201, created.text
        assert pending() == 1  # the contact's inverse row (the task's own is written at once)
        with make_client(server.url, None) as stranger:
            for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
                refused = stranger.get(f"/crm/v4/objects/contacts/{contact}/associations/tasks", headers=headers)
                assert_error(refused, 401, "INVALID_AUTHENTICATION")
        assert pending() == 1  # the contact's inverse row (the task's own is written at once)
        read = api.get(f"/crm/v4/objects/contacts/{contact}/associations/tasks")
        assert [r["toObjectId"] for r in read.json()["results"]] == [int(created.json()["results"][0]["id"])]
        assert pending() == 0
