"""Data survives a restart on the same database."""

from __future__ import annotations

from tests.conftest import make_client
from tests.support.asserts import assert_batch
from tests.support.factories import create_calls, create_unique_property


def test_records_properties_and_tokens_survive_a_restart(fresh_server, unique):
    server = fresh_server()
    scoped = server.create_token("crm.objects.contacts.write")
    with make_client(server.url, server.token) as client:
        create_unique_property(client, "calls", f"k_{unique}", "callinformation")
        call = create_calls(client, 1, **{f"k_{unique}": "persisted"})[0]
    assert server.stop() == 0  # SIGTERM is a clean stop
    server.start()
    with make_client(server.url, scoped) as client:
        response = client.post(
            "/crm/v3/objects/calls/batch/update",
            json={"inputs": [{"id": "persisted", "idProperty": f"k_{unique}", "properties": {"hs_call_title": "b"}}]},
        )
        body = assert_batch(response, 200, 1)
    assert body["results"][0]["id"] == call["id"]
    assert body["results"][0]["createdAt"] == call["createdAt"]
