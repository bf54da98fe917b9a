"""Never lost, never invented: a server killed with SIGKILL while batch creates pour in and deliveries are in
flight, then started again, delivers an event for every create it acknowledged, and none for a record that
does not exist.

The kill comes once some requests were delivered and recorded, while the receiver holds its answers: each
request in flight stays unanswered (at most `maxConcurrentRequests`, 5, of 100 events each) and the writers
keep adding events, so at the kill there are events delivered, events sent but unanswered, and more than
5 x 100 events never sent, whatever the machine's load."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import httpx

from tests.apps.test_webhook_deliveries import subscribe
from tests.conftest import TOKEN, make_client
from tests.support.receiver import Receiver
from tests.support.server import LocalspotServer, child_pids, storage_or_skip

WRITERS = 3
BATCH = 50
# What the receiver may have got and not answered at any moment: subscribe()'s maxConcurrentRequests (5)
# requests of at most 100 events.
IN_FLIGHT_MOST = 5 * 100


def test_a_kill_9_under_load_loses_no_committed_event(tmp_path_factory):
    storage = storage_or_skip(tmp_path_factory.mktemp("kill"))
    server = LocalspotServer(storage, TOKEN, extra_args=["--webhook-retry-scale", "0.001"]).start()
    acknowledged: set[int] = set()
    lock = threading.Lock()
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
                ids = [int(r["id"]) for r in answer.json()["results"]]
                with lock:
                    acknowledged.update(ids)

    def unsent() -> int:
        received = {e["objectId"] for e in receiver.events()}
        with lock:
            return len(acknowledged - received)

    try:
        with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
            subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
            writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
            for thread in writers:
                thread.start()
            deadline = time.monotonic() + 60
            while admin.get("/webhooks/deliveries").json()["events"]["delivered"] < BATCH:
                assert time.monotonic() < deadline, "no delivery was answered and recorded"
                time.sleep(0.02)
            receiver.answering.clear()  # from now on each request stays unanswered: in flight at the kill
            answered = len(receiver.deliveries)  # at most: those after it are surely held
            while unsent() <= IN_FLIGHT_MOST or len(receiver.deliveries) == answered:
                assert time.monotonic() < deadline, "the writers did not build a backlog"
                time.sleep(0.02)
            held = len(receiver.deliveries)
            assert server.process is not None
            # The server and its webhook delivery process die together, as in a crash of the machine: the
            # requests in flight are never recorded.
            delivering = child_pids(server.process.pid)
            assert delivering, "serve sends webhooks from a process of its own"
            for pid in [server.process.pid, *delivering]:
                os.kill(pid, signal.SIGKILL)
            server.process.wait()
            server.process = None
            stop.set()
            for thread in writers:
                thread.join()
            before_restart = {e["objectId"] for e in receiver.events()}
            assert acknowledged and acknowledged - before_restart, "the kill should leave events unsent"
            unanswered = {e["eventId"] for d in receiver.deliveries[answered:] for e in d.events}
            assert unanswered

            def complete(got: list[dict]) -> bool:
                # Every acknowledged create's event, and again each one whose request had no answer.
                seen = Counter(e["eventId"] for e in got)
                return acknowledged <= {e["objectId"] for e in got} and all(seen[i] >= 2 for i in unanswered)

            receiver.answering.set()
            server.start()
            events = receiver.wait_for(complete, timeout=60)
            delivered = {e["objectId"] for e in events}
            unacknowledged = sorted(delivered - acknowledged)[:100]
            if unacknowledged:
                # Batches that committed as the server died are delivered too: each names a stored record.
                with make_client(server.url, TOKEN) as client:
                    inputs = [{"id": str(i)} for i in unacknowledged]
                    read = client.post("/crm/v3/objects/contacts/batch/read", json={"inputs": inputs})
                assert len(read.json()["results"]) == len(unacknowledged), read.text
            print(
                f"acknowledged {len(acknowledged)}, requests received before the kill {held}, "
                f"received before the kill {len(before_restart)} ({len(unanswered)} unanswered), "
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
