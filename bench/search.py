"""Search benchmark: `python -m bench.search --records 1000000`.

Seeds a fresh SQLite database with tasks straight through the store's bulk path, starts `localspot serve`
on it, and times the search kinds docs/search.md reports over HTTP with keep-alive (p50/p99 in ms), plus
batch create of 100 tasks with and without the search indexes. `seed(db_path, count)` and
`measure(base_url, token)` are reusable by the benchmark suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.search.queries.search import SearchQueries

TOKEN = "bench-search-token"
PORTAL_ID = 1
TASKS = "0-27"
CHUNK = 20_000
STATUSES = ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"]
PRIORITIES = ["NONE", "LOW", "MEDIUM", "HIGH"]
# Subject vocabulary: a few very common words and a long tail of rarer ones.
COMMON = ["call", "email", "follow", "up", "review", "send", "check", "prepare"]
RARE = [f"{stem}{n}" for stem in ("acct", "proj", "case") for n in range(400)]
START_MS = 1_640_995_200_000  # 2022-01-01
SPAN_MS = 3 * 365 * 86_400_000
DAY_MS = 86_400_000


def _iso(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def task_properties(rng: random.Random) -> dict[str, str]:
    values = {
        "hs_timestamp": _iso(START_MS + rng.randrange(SPAN_MS)),
        "hs_task_status": rng.choice(STATUSES),
        "hubspot_owner_id": str(1000 + rng.randrange(50)),
        "hs_task_subject": " ".join([*rng.sample(COMMON, 2), rng.choice(RARE), f"#{rng.randrange(100_000)}"]),
    }
    if rng.random() < 0.9:
        values["hs_task_priority"] = rng.choice(PRIORITIES)
    return values


def seed(db_path: str | Path, count: int, *, seed_value: int = 7) -> dict[str, Any]:
    """`count` tasks in a fresh (or existing) SQLite database, written through the store (triggers and
    indexes included, as an API write would maintain them), the full-text index brought up to date, then
    ANALYZE. Registers TOKEN."""
    from localspot.app import Services
    from localspot.kernel.storage import open_database
    from localspot.kernel.storage.migrate import upgrade
    from localspot.kernel.timeutil import now_ms

    database = open_database(None, str(db_path))
    started = time.perf_counter()
    try:
        upgrade(database)
        services = Services(database)
        services.auth.register(TOKEN, PORTAL_ID, None)
        rng = random.Random(seed_value)
        created = now_ms()
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            with database.session(write=True) as session:
                ids = session.reserve_ids(size)
                RecordQueries.of(session).insert_records(
                    PORTAL_ID, TASKS, [(rid, created + rid, task_properties(rng)) for rid in ids]
                )
        indexed = time.perf_counter()
        with database.session(write=True) as session:
            SearchQueries.of(session).catch_up_search(services.search.keyed)  # what the first search would otherwise do
            session.execute("ANALYZE")
        catch_up_seconds = time.perf_counter() - indexed
    finally:
        database.close()
    return {
        "records": count,
        "seconds": round(time.perf_counter() - started, 1),
        "search_catch_up_seconds": round(catch_up_seconds, 1),
    }


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "n": len(ordered),
    }


def server_cpu_ms(pid: int | None) -> float | None:
    """User + system CPU the server process has used (Linux /proc), in ms; None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _time(
    client: httpx.Client,
    path: str,
    bodies: list[dict[str, Any]],
    expect: int = 200,
    pid: int | None = None,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Times each request; `before` (untimed, its server CPU included) runs ahead of each."""
    cpu_before = server_cpu_ms(pid)
    samples: list[float] = []
    totals: list[int] = []
    for body in bodies:
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.post(path, json=body)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
        if expect == 200:
            totals.append(response.json()["total"])
    result = _percentiles(samples)
    cpu_after = server_cpu_ms(pid)
    if cpu_before is not None and cpu_after is not None:
        # CPU time is what the request costs the server, whatever else the machine is running.
        result["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) / len(bodies), 2)
    if totals:
        result["median_total"] = int(statistics.median(totals))
    return result


def measure(
    base_url: str, token: str, *, iterations: int = 200, seed_value: int = 11, server_pid: int | None = None
) -> dict[str, Any]:
    """p50/p99 of each search kind (first page of 100), over one keep-alive connection; with the server's
    pid (Linux), also the server CPU time per request."""
    rng = random.Random(seed_value)
    path = "/crm/v3/objects/tasks/search"

    def eq_sorted() -> dict[str, Any]:
        return {
            "filterGroups": [
                {"filters": [{"propertyName": "hs_task_status", "operator": "EQ", "value": rng.choice(STATUSES)}]}
            ],
            "sorts": [{"propertyName": "hs_timestamp", "direction": rng.choice(["ASCENDING", "DESCENDING"])}],
            "limit": 100,
        }

    def between() -> dict[str, Any]:
        low = START_MS + rng.randrange(SPAN_MS - 30 * DAY_MS)
        return {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "hs_timestamp",
                            "operator": "BETWEEN",
                            "value": str(low),
                            "highValue": str(low + 30 * DAY_MS),
                        }
                    ]
                }
            ],
            "limit": 100,
        }

    def query(words: list[str]) -> dict[str, Any]:
        return {"query": rng.choice(words), "limit": 100}

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        first_task = client.post(path, json={"limit": 1}).json()["results"][0]["id"]

        def touch() -> None:
            owner = str(rng.randrange(1000, 1050))
            update = {"inputs": [{"id": first_task, "properties": {"hubspot_owner_id": owner}}]}
            response = client.post("/crm/v3/objects/tasks/batch/update", json=update)
            if response.status_code != 200:
                raise RuntimeError(f"batch update answered {response.status_code}: {response.text[:300]}")

        for warm in ({"limit": 1}, {"query": COMMON[0], "limit": 1}):  # connection and caches warm
            client.post(path, json=warm)
        return {
            "eq_enum_sorted_by_hs_timestamp": _time(
                client, path, [eq_sorted() for _ in range(iterations)], pid=server_pid
            ),
            # Every search right after a write: no remembered total, the count scans its index range.
            "eq_enum_sorted_by_hs_timestamp_after_a_write": _time(
                client, path, [eq_sorted() for _ in range(iterations)], pid=server_pid, before=touch
            ),
            "query_rare_word": _time(client, path, [query(RARE) for _ in range(iterations)], pid=server_pid),
            "query_common_word": _time(client, path, [query(COMMON) for _ in range(iterations)], pid=server_pid),
            "between_hs_timestamp_30_days": _time(client, path, [between() for _ in range(iterations)], pid=server_pid),
        }


def measure_batch_create(
    with_url: str, without_url: str, token: str, *, batches: int = 50, pids: dict[str, int] | None = None
) -> dict[str, Any]:
    """Batch create of 100 tasks against two servers, one with the search indexes and one without,
    alternating batch by batch so that the machine's changing load weighs on both alike."""
    rng = random.Random(3)
    headers = {"Authorization": f"Bearer {token}"}
    samples: dict[str, list[float]] = {"with_indexes": [], "without_indexes": []}
    pids = pids or {}
    cpu_before = {label: server_cpu_ms(pids.get(label)) for label in samples}
    path = "/crm/v3/objects/tasks/batch/create"
    with (
        httpx.Client(base_url=with_url, headers=headers, timeout=60) as with_client,
        httpx.Client(base_url=without_url, headers=headers, timeout=60) as without_client,
    ):
        for _ in range(batches):
            body = {"inputs": [{"properties": task_properties(rng)} for _ in range(100)]}
            for label, client in (("with_indexes", with_client), ("without_indexes", without_client)):
                started = time.perf_counter()
                response = client.post(path, json=body)
                samples[label].append((time.perf_counter() - started) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"batch create answered {response.status_code}: {response.text[:300]}")
        cpu_after = {label: server_cpu_ms(pids.get(label)) for label in samples}
        # SQLite's search indexes are kept lazily: the first search after the writes pays for all of them.
        started = time.perf_counter()
        response = with_client.post("/crm/v3/objects/tasks/search", json={"limit": 1})
        catch_up_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"search answered {response.status_code}: {response.text[:300]}")
    result: dict[str, Any] = {label: _percentiles(values) for label, values in samples.items()}
    result["first_search_after_ms"] = round(catch_up_ms, 1)
    result["first_search_after_ms_per_record"] = round(catch_up_ms / (100 * batches), 4)
    for label in samples:
        before, after = cpu_before[label], cpu_after[label]
        if before is not None and after is not None:
            result[label]["server_cpu_ms_per_request"] = round((after - before) / batches, 2)
    cpu = [result[label].get("server_cpu_ms_per_request") for label in ("with_indexes", "without_indexes")]
    if cpu[0] and cpu[1]:
        result["cpu_overhead_percent"] = round(100 * (cpu[0] / cpu[1] - 1), 1)
    result["p50_overhead_percent"] = round(
        100 * (result["with_indexes"]["p50_ms"] / result["without_indexes"]["p50_ms"] - 1), 1
    )
    return result


def drop_search_indexes(db_path: str | Path) -> None:
    """The database as it would be without this area's indexes: no expression indexes, no FTS upkeep."""
    import sqlite3

    conn = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        names = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE (type = 'index' AND name LIKE 'search_%') "
            "OR (type = 'trigger' AND name LIKE 'records_search_%')"
        ).fetchall()
        for kind, name in names:
            conn.execute(f"DROP {kind.upper()} {name}")
    finally:
        conn.close()


class Server:
    """`localspot serve` on a SQLite file, as a subprocess."""

    def __init__(self, db_path: str | Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localspot.cli", "serve", "--db", str(db_path), "--port", str(self.port)],
            env={**os.environ, "LOCALSPOT_TOKEN": TOKEN},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/_localspot/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("localspot serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--batches", type=int, default=50, help="batch-create batches per variant")
    parser.add_argument("--db", help="reuse this SQLite file (seeded when it does not exist)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="localspot-bench-search-"))
    db_path = Path(args.db) if args.db else work / "search.db"
    report: dict[str, Any] = {"records": args.records, "cpus": os.cpu_count()}
    if not db_path.exists():
        report["seed"] = seed(db_path, args.records)
    report["load_before"] = _load()
    server = Server(db_path)
    try:
        report["search"] = measure(server.url, TOKEN, iterations=args.iterations, server_pid=server.process.pid)
    finally:
        server.stop()
    # Batch create, on copies of the seeded database with and without the search indexes.
    with_copy, without_copy = work / "with.db", work / "without.db"
    for copy in (with_copy, without_copy):
        shutil.copyfile(db_path, copy)
    drop_search_indexes(without_copy)
    with_server, without_server = Server(with_copy), Server(without_copy)
    try:
        report["batch_create"] = measure_batch_create(
            with_server.url,
            without_server.url,
            TOKEN,
            batches=args.batches,
            pids={"with_indexes": with_server.process.pid, "without_indexes": without_server.process.pid},
        )
    finally:
        with_server.stop()
        without_server.stop()
    report["load_after"] = _load()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
