"""Never lost, never invented: a server killed with SIGKILL while batch creates pour in and deliveries are in
flight, then started again, delivers an event for every create it acknowledged, and none for a record that
does not exist."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from tests.apps.test_webhook_deliveries import subscribe
from tests.conftest import TOKEN, make_client
from tests.support.receiver import Receiver
from tests.support.server import LocalspotServer, storage_or_skip

WRITERS = 3
BATCH = 50


def test_a_kill_9_under_load_loses_no_committed_event(tmp_path_factory):
    storage = storage_or_skip(tmp_path_factory.mktemp("kill"))
    server = LocalspotServer(storage, TOKEN, extra_args=["--webhook-retry-scale", "0.001"]).start()
    acknowledged: set[int] = set()
    stop = threading.Event()

    def write(writer: int) -> None:
        with make_client(server.url, TOKEN) as client:
            round_ = 0
            while not stop.is_set():
                inputs = [{"properties": {"lastname": f"w{writer}-{round_}-{i}"}} for i in range(BATCH)]
                round_ += 1
                try:
                    answer = client.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
                except httpx.TransportError:
                    return  # killed: whether this batch committed is unknown
                assert answer.status_code == 201, answer.text
                acknowledged.update(int(r["id"]) for r in answer.json()["results"])

    try:
        with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
            receiver.delay_s = 0.05  # slower than the writers: a backlog when the kill comes
            subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
            writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
            for thread in writers:
                thread.start()
            time.sleep(1.5)
            assert server.process is not None
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
            server.process = None
            stop.set()
            for thread in writers:
                thread.join()
            before_restart = {e["objectId"] for e in receiver.events()}
            assert acknowledged and acknowledged - before_restart, "the kill should leave events undelivered"

            server.start()
            events = receiver.wait_for(lambda got: acknowledged <= {e["objectId"] for e in got}, timeout=60)
            delivered = {e["objectId"] for e in events}
            unacknowledged = sorted(delivered - acknowledged)[:100]
            if unacknowledged:
                # Batches that committed as the server died are delivered too: each names a stored record.
                with make_client(server.url, TOKEN) as client:
                    inputs = [{"id": str(i)} for i in unacknowledged]
                    read = client.post("/crm/v3/objects/contacts/batch/read", json={"inputs": inputs})
                assert len(read.json()["results"]) == len(unacknowledged), read.text
            print(
                f"acknowledged {len(acknowledged)}, delivered before the kill {len(before_restart)}, "
                f"after the restart {len(delivered)} ({len(events) - len(delivered)} duplicates)"
            )
    finally:
        server.stop()
        storage.drop()


def test_several_workers_deliver_each_event_once(tmp_path_factory):
    """Two worker processes write and deliver: each claims its events atomically, so every event arrives, once."""
    storage = storage_or_skip(tmp_path_factory.mktemp("workers"))
    server = LocalspotServer(storage, TOKEN, extra_args=["--workers", "2", "--webhook-retry-scale", "0.001"]).start()
    try:
        with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
            subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
            ids: list[int] = []
            for round_ in range(20):
                # A new connection each time, so the requests spread over both workers.
                with make_client(server.url, TOKEN) as client:
                    inputs = [{"properties": {"lastname": f"r{round_}-{i}"}} for i in range(50)]
                    answer = client.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
                assert answer.status_code == 201, answer.text
                ids.extend(int(r["id"]) for r in answer.json()["results"])
            events = receiver.wait_for(lambda got: len(got) >= len(ids))
            time.sleep(0.5)
            events = receiver.events()
            assert sorted(e["objectId"] for e in events) == sorted(ids)
            assert len({e["eventId"] for e in events}) == len(events)
    finally:
        server.stop()
        storage.drop()
