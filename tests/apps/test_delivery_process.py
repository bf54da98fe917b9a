"""`serve` sends webhooks from a process of its own beside the server's (`--webhook-delivery process`, the
default), started once there is something to send, which never outlives the server: it ends when the server
stops, and when the server is killed. Its attempts reach the server's request journal
(tests/apps/test_webhook_deliveries.py reads them there); `--webhook-delivery thread` sends from the server's
own threads."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.apps.test_webhook_deliveries import subscribe
from tests.conftest import TOKEN, make_client
from tests.support.receiver import Receiver
from tests.support.server import LocalspotServer, child_pids, storage_or_skip


def delivery_processes(server_pid: int) -> list[int]:
    return [
        pid
        for pid in child_pids(server_pid)
        if b"localspot.apps.delivery_process" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def ended(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State"))
    except (OSError, StopIteration):
        return True
    return "Z" in state.split()[1]  # exited, waiting for whoever reaps it


def wait_until_ended(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ended(pid):
        assert time.monotonic() < deadline, f"the delivery process {pid} outlived its server"
        time.sleep(0.05)


def delivered_once(server: LocalspotServer) -> None:
    with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
        subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
        with make_client(server.url, TOKEN) as client:
            created = client.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "x"}})
        assert created.status_code == 201, created.text
        [event] = receiver.wait_for(lambda got: len(got) >= 1)
        assert event["objectId"] == int(created.json()["id"])


@pytest.fixture
def storage(tmp_path_factory):
    storage = storage_or_skip(tmp_path_factory.mktemp("delivery"))
    yield storage
    storage.drop()


def test_the_delivery_process_starts_with_the_first_event_and_ends_when_its_server_stops(storage):
    server = LocalspotServer(storage, TOKEN).start()
    try:
        assert server.process is not None
        assert delivery_processes(server.process.pid) == []  # nothing to send yet
        delivered_once(server)
        [worker] = delivery_processes(server.process.pid)
    finally:
        server.stop()
    wait_until_ended(worker)


def test_the_delivery_process_ends_when_its_server_is_killed_and_the_next_server_sends_what_was_left(storage):
    server = LocalspotServer(storage, TOKEN).start()
    try:
        with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
            subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
            receiver.answering.clear()  # the first request stays unanswered: its events are left to send
            with make_client(server.url, TOKEN) as client:
                created = client.post("/crm/v3/objects/contacts", json={"properties": {"lastname": "x"}})
            assert created.status_code == 201, created.text
            receiver.wait_for(lambda got: len(got) >= 1)  # sent, held unanswered
            kill(server, with_delivery=True)
            receiver.answering.set()
            # No write after the restart: the server finds the row left in the outbox and starts its process.
            server.start()
            events = receiver.wait_for(lambda got: len(got) >= 2, timeout=60)  # the unanswered request, again
            assert {e["objectId"] for e in events} == {int(created.json()["id"])}
            kill(server, with_delivery=False)  # killed alone, the server takes its delivery process with it
    finally:
        server.stop()


def kill(server: LocalspotServer, *, with_delivery: bool) -> None:
    assert server.process is not None
    [worker] = delivery_processes(server.process.pid)
    os.kill(server.process.pid, signal.SIGKILL)
    if with_delivery:
        os.kill(worker, signal.SIGKILL)
    server.process.wait()
    server.process = None
    wait_until_ended(worker)


def test_threads_deliver_when_asked(storage):
    server = LocalspotServer(storage, TOKEN, extra_args=["--webhook-delivery", "thread"]).start()
    try:
        assert server.process is not None
        assert delivery_processes(server.process.pid) == []
        delivered_once(server)
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("options", "from_a_process"),
    [
        ({"db_path": "./localspot.db"}, True),
        ({"database_url": "postgresql://postgres@127.0.0.1:5432/x"}, True),
        ({"db_path": ":memory:"}, False),
        ({"database_url": "sqlite:///:memory:"}, False),  # no other process can open it
        ({"db_path": "./localspot.db", "webhook_delivery": "thread"}, False),
    ],
)
def test_where_webhooks_are_sent_from(options, from_a_process):
    from localspot.config import Settings

    assert Settings(**options).delivers_from_a_process() is from_a_process
