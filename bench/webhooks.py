"""What webhooks cost a write, and how soon they arrive: batch creates of 100 tasks against a server where an
installed app subscribes to task creation (`object.creation`, objectTypeId 0-27) and delivers to a local
receiver, and against one without subscriptions, in the same run (blocks of 10 creates alternate), as records
per second, their ratio
(issue #16 asks for within 10%), and the commit-to-delivery latency of the events (receiver arrival minus the
moment the create's answer came back, p50 and p95; issue #16 asks for a p50 within 50 ms).

The receiver is the load generator's, not the product: by default a light asyncio one (each request read up to
its Content-Length and answered 204, in a process of its own), so that on a 2-core machine its parsing takes
little from the client and the servers; `--threading-receiver` uses the tests' ThreadingHTTPServer instead.

    python -m bench.webhooks [--rounds 200] [--threading-receiver] [--delivery thread]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from tests.apps.test_webhook_deliveries import subscribe
from tests.support.receiver import Receiver
from tests.support.server import LocalspotServer, Storage, child_pids

TOKEN = "bench-token"
BLOCK = 10
PATH = "/crm/v3/objects/tasks/batch/create"
BATCH = {
    "inputs": [{"properties": {"hs_timestamp": "2026-01-01T00:00:00Z", "hs_task_subject": f"t{i}"}} for i in range(100)]
}


def _cpu_s(pid: int) -> float:
    """The CPU seconds (user + system) a server has used so far, its webhook delivery process included: what
    a server spends does not depend on how long it waited for the cores, so this moves less with the
    machine's load than the throughput does."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_s(child) for child in child_pids(pid))


def _create(api: httpx.Client) -> tuple[float, list[int]]:
    """When the answer came back, and the ids created."""
    response = api.post(PATH, json=BATCH)
    assert response.status_code == 201, response.text
    return time.time(), [int(r["id"]) for r in response.json()["results"]]


class _Arrivals(asyncio.Protocol):
    """One connection to the light receiver: each request is read up to its Content-Length (the head is not
    parsed further), kept as (arrival time, body) and answered 204, keep-alive."""

    def __init__(self, kept: list[tuple[float, bytes]]) -> None:
        self.kept = kept
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = bytes(self.buffer[:end]).lower()
            at = head.index(b"content-length:") + len(b"content-length:")
            line_end = head.find(b"\r\n", at)
            total = end + 4 + int(head[at : None if line_end < 0 else line_end])
            if len(self.buffer) < total:
                return
            self.kept.append((time.time(), bytes(self.buffer[end + 4 : total])))
            del self.buffer[:total]
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")


def _receive_lightly(conn: Connection) -> None:
    """The light receiver: an asyncio server on a thread of this process; the pipe's questions are answered
    from what it kept (the events are counted and decoded only when asked, outside the timed blocks)."""
    kept: list[tuple[float, bytes]] = []
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: _Arrivals(kept), "127.0.0.1", 0))
    threading.Thread(target=loop.run_forever, daemon=True).start()
    conn.send(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hubspot/webhooks")
    counted, count = 0, 0
    while (asked := conn.recv()) != "stop":
        bodies = [body for _, body in kept[counted:]]  # a copy: the loop appends meanwhile
        counted += len(bodies)
        count += sum(body.count(b'"eventId":') for body in bodies)  # a key only: values' quotes are escaped
        if asked == "count":
            conn.send(count)
        else:
            conn.send([(at, event["objectId"]) for at, body in list(kept) for event in json.loads(body)])
    loop.call_soon_threadsafe(loop.stop)


def _receive(conn: Connection) -> None:
    """The tests' receiver (`--threading-receiver`), in a process of its own (so its parsing takes no time
    from the bench's client): answers `count` with the events received, `arrivals` with (received at, object
    id) of each."""
    with Receiver() as receiver:
        conn.send(receiver.url)
        while (asked := conn.recv()) != "stop":
            if asked == "count":
                conn.send(len(receiver.events()))
            else:
                conn.send([(d.received_at, e["objectId"]) for d in list(receiver.deliveries) for e in d.events])


class RemoteReceiver:
    def __init__(self, *, light: bool = True) -> None:
        self.conn, child = multiprocessing.Pipe()
        target = _receive_lightly if light else _receive
        self.process = multiprocessing.Process(target=target, args=(child,), daemon=True)
        self.process.start()
        self.url: str = self.conn.recv()

    def ask(self, what: str):
        self.conn.send(what)
        return self.conn.recv()

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.ask("count") < count:
            assert time.monotonic() < deadline, "the receiver did not get every event"
            time.sleep(0.01)

    def __enter__(self) -> RemoteReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.send("stop")
        self.process.join(timeout=5)


def run(rounds: int, *, light_receiver: bool = True, delivery: str = "process") -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work_dir, RemoteReceiver(light=light_receiver) as receiver:
        servers = {
            label: LocalspotServer(
                Storage(["--db", f"{work_dir}/{label}.db"]),
                TOKEN,
                extra_args=["--quiet", "--webhook-delivery", delivery],
            ).start()
            for label in ("none", "one subscription")
        }
        clients = {
            label: httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            for label, server in servers.items()
        }
        subscribed = servers["one subscription"]
        with httpx.Client(base_url=f"{subscribed.url}/_localspot", timeout=30) as admin:
            subscribe(subscribed, admin, receiver.url, {"eventType": "object.creation", "objectTypeId": "0-27"})
        try:
            for api in clients.values():
                for _ in range(5):  # warm up
                    _create(api)
            receiver.wait_for(500)
            warm = receiver.ask("count")
            # Blocks of BLOCK creates back to back, alternating between the servers: a block's time includes the
            # deliveries its server makes meanwhile (on the same two cores), not the other server's.
            seconds: dict[str, float] = dict.fromkeys(clients, 0.0)
            cpu: dict[str, float] = dict.fromkeys(clients, 0.0)
            answered: dict[int, float] = {}
            for _ in range(max(rounds // BLOCK, 1)):
                for label, api in clients.items():
                    pid = servers[label].process.pid
                    cpu_started = _cpu_s(pid)
                    started = time.perf_counter()
                    for _ in range(BLOCK):
                        at, ids = _create(api)
                        if label == "one subscription":
                            answered.update(dict.fromkeys(ids, at))
                    seconds[label] += time.perf_counter() - started
                    receiver.wait_for(warm + len(answered))
                    cpu[label] += _cpu_s(pid) - cpu_started  # its deliveries included
            latencies = [
                (at - answered[object_id]) * 1000 for at, object_id in receiver.ask("arrivals") if object_id in answered
            ]
        finally:
            for api in clients.values():
                api.close()
            for server in servers.values():
                server.stop()
    records = max(rounds // BLOCK, 1) * BLOCK * 100
    none, one = (records / seconds[label] for label in ("none", "one subscription"))
    quantiles = statistics.quantiles(latencies, n=20)
    creates = records / 100
    return {
        "records/s, no subscription": none,
        "records/s, one subscription": one,
        "throughput ratio (one / none)": one / none,
        "server CPU ms per create, no subscription": cpu["none"] * 1000 / creates,
        "server CPU ms per create, one subscription": cpu["one subscription"] * 1000 / creates,
        "server CPU ratio (none / one)": cpu["none"] / cpu["one subscription"],
        "commit to delivery p50 (ms)": statistics.median(latencies),
        "commit to delivery p95 (ms)": quantiles[18],
        "events delivered": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--threading-receiver",
        action="store_true",
        help="receive with the tests' ThreadingHTTPServer (which parses each request) instead of the light one",
    )
    parser.add_argument(
        "--delivery",
        choices=("process", "thread"),
        default="process",
        help="the servers' --webhook-delivery: a process of its own (serve's default) or the server's threads",
    )
    args = parser.parse_args()
    for name, value in run(args.rounds, light_receiver=not args.threading_receiver, delivery=args.delivery).items():
        print(f"{name:<40}{value:>10.2f}")


if __name__ == "__main__":
    main()
