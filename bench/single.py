"""`python -m bench.single`: single-record calls (create, get, patch, search by a unique value) against their
floor, measured in the same run (#18 item 2).

The floor of a call is the bare HTTP stack plus the raw rows of the operation:
- HTTP: the same client making the same request (method, path length, body) to a server on the same stack
  (Starlette, uvicorn with localspot's protocol class and options) that answers a constant body of the same
  size as localspot's answer;
- rows: what the operation reads or writes, straight through sqlite3 in one transaction (the records row
  inserted, selected, updated; the contact found by its email through the same search key index localspot
  uses, then selected).
The ratio floor / localspot is the share of a call that is not localspot's own overhead (1.0 = no overhead).
Calls are made one after another on one keep-alive connection; each figure is the median over the calls.

    python -m bench.single                 # SQLite, ~30 s
    python -m bench.single --calls 2000 --json out.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from bench import seed, workloads
from bench.ceiling import INSERT_RECORD
from bench.server import TOKEN, Server, Storage, free_port
from localspot.kernel.storage.search_index import SEARCH_ROWS, key_column

OPERATIONS = ("create", "get", "patch", "search")
CONTACTS = 200
PORTAL = 1  # the bench server's default portal
TASK_TYPE = "0-27"
CONTACT_TYPE = "0-1"
_encode = msgspec.json.Encoder().encode


def timed(call: Callable[[int], object], calls: int) -> float:
    """Median seconds of `call(n)` over `calls` calls, after a warm-up."""
    for n in range(min(50, calls)):
        call(n)
    samples = []
    for n in range(calls):
        started = time.perf_counter()
        call(n)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


# The floor's HTTP server ---------------------------------------------------------------------------------


def floor_app() -> Any:
    """A Starlette app answering `/<n>/...` with a constant JSON body of n bytes, whatever the method."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    bodies: dict[int, bytes] = {}

    async def constant(request: Any) -> Response:
        size = int(request.path_params["size"])
        body = bodies.get(size)
        if body is None:
            body = bodies[size] = b'{"x":"' + b"x" * max(0, size - 8) + b'"}'
        await request.body()
        return Response(body, media_type="application/json")

    methods = ["GET", "POST", "PATCH"]
    return Starlette(routes=[Route("/{size:int}/{rest:path}", constant, methods=methods)])


def serve_floor(port: int) -> None:
    import functools

    import uvicorn

    from localspot.config import Settings
    from localspot.http_protocol import GuardedHttpProtocol
    from localspot.server import connection_cap

    settings = Settings()
    uvicorn.run(
        floor_app(),
        host="127.0.0.1",
        port=port,
        log_level="error",
        access_log=False,
        http=functools.partial(
            GuardedHttpProtocol, limits=settings.connection_limits(connection_cap(settings.max_connections))
        ),
        loop="auto",
        timeout_keep_alive=settings.keep_alive_timeout_s,
    )


def start_floor() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.single", "--serve-floor", str(port)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the floor server did not start")


# The calls -----------------------------------------------------------------------------------------------


def requests(contacts: list[int], task_ids: list[int]) -> dict[str, Callable[[int], tuple[str, str, bytes]]]:
    """Per operation: n -> (method, path, body) of the n-th call."""

    def create(n: int) -> tuple[str, str, bytes]:
        return "POST", workloads.TASKS, _encode({"properties": workloads.task_properties(n)})

    def get(n: int) -> tuple[str, str, bytes]:
        return "GET", f"{workloads.TASKS}/{task_ids[n % len(task_ids)]}", b""

    def patch(n: int) -> tuple[str, str, bytes]:
        body = _encode({"properties": {"hs_task_subject": f"patched {n}"}})
        return "PATCH", f"{workloads.TASKS}/{task_ids[n % len(task_ids)]}", body

    def search(n: int) -> tuple[str, str, bytes]:
        email = f"bench-{n % len(contacts)}@example.com"
        filters = [{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}]
        return "POST", f"{workloads.CONTACTS}/search", _encode({"filterGroups": filters})

    return {"create": create, "get": get, "patch": patch, "search": search}


class Connection:
    """One keep-alive connection through the standard library's http.client: a client that costs a small
    part of what httpx costs per call, so the figures are the servers' more than the client's."""

    def __init__(self, url: str, token: str | None = None) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def send(api: Connection, method: str, path: str, body: bytes) -> bytes:
    headers = {**api.headers, "content-type": "application/json"} if body else api.headers
    try:
        api.conn.request(method, path, body=body or None, headers=headers)
        response = api.conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionError):
        # The server closed the idle keep-alive connection (it idled past the keep-alive timeout while the
        # other side was measured): open a new one.
        api.conn.close()
        api.conn.request(method, path, body=body or None, headers=headers)
        response = api.conn.getresponse()
    content = response.read()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: {response.status} {content[:300]!r}")
    return content


# The raw rows --------------------------------------------------------------------------------------------


def raw_rows(storage: Storage, task_ids: list[int]) -> dict[str, Callable[[int], object]]:
    """Per operation: n -> the rows of the n-th call, in one transaction, straight through sqlite3."""
    database = storage.open()
    conn = database.raw_connection
    next_id = [conn.execute("SELECT COALESCE(MAX(id), 0) + 1000000 FROM records").fetchone()[0]]

    def transaction(work: Callable[[], object]) -> object:
        conn.execute("BEGIN IMMEDIATE")
        try:
            return work()
        finally:
            conn.commit()

    def create(n: int) -> object:
        now = int(time.time() * 1000)
        next_id[0] += 1
        row = (next_id[0], PORTAL, TASK_TYPE, now, now, 0, _encode(workloads.task_properties(n)).decode())
        return transaction(lambda: conn.execute(INSERT_RECORD, row))

    def get(n: int) -> object:
        sql = "SELECT id, properties, created_at, updated_at, archived FROM records WHERE portal_id = ? AND id = ?"
        return transaction(lambda: conn.execute(sql, (PORTAL, task_ids[n % len(task_ids)])).fetchone())

    def patch(n: int) -> object:
        task = task_ids[n % len(task_ids)]

        def work() -> object:
            (properties,) = conn.execute("SELECT properties FROM records WHERE id = ?", (task,)).fetchone()
            merged = {**json.loads(properties), "hs_task_subject": f"patched {n}"}
            sql = "UPDATE records SET properties = ?, updated_at = ? WHERE id = ?"
            return conn.execute(sql, (_encode(merged).decode(), int(time.time() * 1000), task))

        return transaction(work)

    def search(n: int) -> object:
        # The lookup localspot itself makes: the contact's email in its search key index (SEARCH_ROWS, which
        # the server's searches have caught up), then the record by id.
        sql = (
            f"SELECT d.id, d.properties, d.created_at, d.updated_at FROM {SEARCH_ROWS} r "
            f"JOIN records d ON d.id = r.id WHERE r.portal_id = ? AND r.object_type_id = '{CONTACT_TYPE}' "
            f"AND r.archived = 0 AND r.{key_column('email')} = ?"
        )
        email = f"bench-{n % CONTACTS}@example.com"
        found = transaction(lambda: conn.execute(sql, (PORTAL, email)).fetchall())
        if len(found) != 1:  # type: ignore[arg-type]
            raise RuntimeError(f"the search floor found {found!r} for {email} (search keys not caught up?)")
        return found

    return {"create": create, "get": get, "patch": patch, "search": search}


# The run -------------------------------------------------------------------------------------------------


def measure(work: Path, calls: int) -> dict[str, dict[str, float]]:
    storage = Storage.fresh(work, None, "single")
    server = Server(storage)
    server.start()
    floor, floor_url = start_floor()
    results: dict[str, dict[str, float]] = {}
    try:
        with seed.client(server.url) as client:
            contacts = seed.contacts(client, CONTACTS)
        with Connection(server.url, TOKEN) as api, Connection(floor_url) as bare:
            tasks = [int(json.loads(send(api, *requests(contacts, [])["create"](n)))["id"]) for n in range(100)]
            made = requests(contacts, tasks)
            rows = raw_rows(storage, tasks)
            for operation in OPERATIONS:
                build = made[operation]
                size = len(send(api, *build(0)))
                localspot = timed(lambda n, build=build: send(api, *build(n)), calls)

                def bare_call(n: int, build=build, size=size) -> object:
                    method, path, body = build(n)
                    return send(bare, method, f"/{size}{path}", body)

                http = timed(bare_call, calls)
                raw = timed(rows[operation], calls)
                results[operation] = {
                    "localspot_us": localspot * 1e6,
                    "http_floor_us": http * 1e6,
                    "rows_us": raw * 1e6,
                    "floor_us": (http + raw) * 1e6,
                    "ratio": (http + raw) / localspot,
                    "answer_bytes": size,
                }
    finally:
        floor.terminate()
        floor.wait(10)
        server.stop()
    return results


def rows_for_report(results: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    """Rows "single <op>: localspot vs floor" for bench/report.py."""
    return [
        (
            f"single {operation}: localspot vs floor",
            f"{r['localspot_us']:.0f} us vs {r['floor_us']:.0f} us "
            f"(HTTP {r['http_floor_us']:.0f} + rows {r['rows_us']:.0f}): floor/localspot {r['ratio']:.2f}",
        )
        for operation, r in results.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--serve-floor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_floor:
        serve_floor(args.serve_floor)
        return 0
    with tempfile.TemporaryDirectory() as work:
        results = measure(Path(work), args.calls)
    for name, value in rows_for_report(results):
        print(f"{name}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
