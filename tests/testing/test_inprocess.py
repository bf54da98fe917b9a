"""`LocalspotServer`: a real server in the test process, over real HTTP, on memory, a file or PostgreSQL."""

from __future__ import annotations

import logging
import signal
import statistics
import time
from pathlib import Path

import httpx
import pytest

from localspot.testing import AdminError, LocalspotServer
from tests.support.server import backend_name, storage_or_skip

CONTACT = {"properties": {"email": "ada@inprocess.example", "firstname": "Ada"}}


def contacts_of(url: str, token: str) -> list[dict]:
    response = httpx.get(f"{url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def create_contact(url: str, token: str) -> dict:
    response = httpx.post(f"{url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {token}"}, json=CONTACT)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """Where a durable in-process server keeps its data on this pass's backend."""
    if backend_name() == "postgres":
        storage = storage_or_skip(tmp_path)
        yield storage.database_url
        storage.drop()
    else:
        yield str(tmp_path / "inprocess.db")


def test_the_context_manager_serves_on_a_free_port_and_stops_at_the_end():
    with LocalspotServer() as server:
        assert server.running
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0
        health = httpx.get(f"{server.url}/_localspot/health")
        assert health.status_code == 200
        assert health.json()["backend"] == "sqlite"
        create_contact(server.url, server.token)
        assert len(contacts_of(server.url, server.token)) == 1
    assert not server.running
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/_localspot/health", timeout=2)


def test_start_and_stop_without_a_with_block_and_stop_twice_is_harmless():
    server = LocalspotServer().start()
    try:
        assert httpx.get(f"{server.url}/_localspot/health").status_code == 200
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
    finally:
        server.stop()
    server.stop()
    assert not server.running


def test_the_default_database_is_in_memory_and_each_server_has_its_own():
    with LocalspotServer() as first, LocalspotServer() as second:
        assert first.port != second.port
        create_contact(first.url, first.token)
        assert len(contacts_of(first.url, first.token)) == 1
        assert contacts_of(second.url, second.token) == []
        assert first.database_path is None
    with LocalspotServer(token=first.token) as again:
        assert contacts_of(again.url, again.token) == []


def test_a_given_database_keeps_its_data_across_restarts(database):
    with LocalspotServer(database, token="inprocess-token") as server:
        assert httpx.get(f"{server.url}/_localspot/health").json()["backend"] == {"postgres": "postgresql"}.get(
            backend_name(), "sqlite"
        )
        created = create_contact(server.url, server.token)
    with LocalspotServer(database) as server:
        # The token of the first start still opens the portal; this start made one of its own too.
        assert [c["id"] for c in contacts_of(server.url, "inprocess-token")] == [created["id"]]
        assert server.token != "inprocess-token"
        assert [c["id"] for c in contacts_of(server.url, server.token)] == [created["id"]]


def test_new_portal_is_empty_isolated_and_has_the_scopes_asked_for():
    with LocalspotServer() as server:
        create_contact(server.url, server.token)
        portal = server.new_portal(scopes=["crm.objects.contacts.read"])
        assert portal.portal_id != 1 and portal.url == server.url
        assert contacts_of(portal.url, portal.token) == []
        denied = httpx.post(f"{portal.url}/crm/v3/objects/contacts", headers=portal.headers, json=CONTACT)
        assert denied.status_code == 403
        assert denied.json()["category"] == "MISSING_SCOPES"
        portal.delete()
        assert httpx.get(f"{portal.url}/crm/v3/objects/contacts", headers=portal.headers).status_code == 401
        portal.delete()  # already gone: no error


def test_the_admin_client_resets_seeds_snapshots_and_restores():
    with LocalspotServer() as server:
        portal = server.new_portal(name="kit")
        assert server.admin.portal(portal.portal_id)["name"] == "kit"
        seeded = portal.seed({"contacts": [{"ref": "ada", "properties": {"email": "ada@seed.example"}}]})
        assert seeded["created"] == {"contacts": 1}
        portal.snapshot("one")
        create_contact(portal.url, portal.token)
        assert len(contacts_of(portal.url, portal.token)) == 2
        portal.restore("one")
        assert [c["id"] for c in contacts_of(portal.url, portal.token)] == [seeded["refs"]["ada"]]
        portal.reset()
        assert contacts_of(portal.url, portal.token) == []
        assert [s["name"] for s in server.admin.snapshots(portal.portal_id)] == ["one"]
        second = portal.new_token(["crm.objects.contacts.read"])
        assert contacts_of(portal.url, second) == []
        server.admin.revoke_token(second)
        assert (
            httpx.get(
                f"{portal.url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {second}"}
            ).status_code
            == 401
        )


def test_admin_errors_raise_with_hubspots_body_and_request_gives_the_raw_answer():
    with LocalspotServer() as server:
        with pytest.raises(AdminError) as raised:
            server.admin.reset_portal(987654)
        assert raised.value.status == 404
        assert raised.value.body["category"] == "OBJECT_NOT_FOUND"
        answer = server.admin.request("GET", "/portals/987654")
        assert answer.status_code == 404
        assert server.admin.request("GET", "/portals/1").json()["portalId"] == 1


def test_the_admin_token_guards_the_admin_api():
    with LocalspotServer(admin_token="admin-secret") as server:
        assert httpx.get(f"{server.url}/_localspot/portals").status_code == 401
        assert server.new_portal().portal_id > 1


def test_the_server_leaves_the_processs_signal_handlers_and_logging_alone():
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    root_handlers = list(logging.getLogger().handlers)
    with LocalspotServer():
        pass
    assert {sig: signal.getsignal(sig) for sig in handlers} == handlers
    assert logging.getLogger().handlers == root_handlers


def test_a_start_that_cannot_bind_raises_and_leaves_nothing_running():
    with LocalspotServer() as server, pytest.raises(Exception, match="cannot listen"):
        LocalspotServer(port=server.port).start()


def test_start_to_first_answer_is_quick_in_a_process_that_has_imported_localspot():
    """The figure is measured by `python -m bench.testing`; here only a bound a loaded machine keeps."""
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        with LocalspotServer() as server:
            assert httpx.get(f"{server.url}/_localspot/health").status_code == 200
            timings.append(time.perf_counter() - began)
    assert statistics.median(timings) < 1.0


def test_an_in_memory_database_is_a_copy_of_the_migrated_template_made_once(tmp_path):
    from localspot.kernel.storage.migrate import applied_revisions, head_revisions
    from localspot.testing.schema_template import open_memory_database, template_path

    assert not template_path(tmp_path).exists()
    first = open_memory_database(tmp_path)
    made = template_path(tmp_path).stat().st_mtime_ns
    second = open_memory_database(tmp_path)
    try:
        assert [p.name for p in tmp_path.iterdir()] == [template_path(tmp_path).name]  # no leftovers
        assert template_path(tmp_path).stat().st_mtime_ns == made
        assert applied_revisions(first) == applied_revisions(second) == head_revisions()
    finally:
        first.close()
        second.close()
