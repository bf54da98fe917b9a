"""`python -m bench.growth`: how localspot's costs grow with the data it holds (#18, "Growth").

One SQLite file grows through each size in turn (tasks seeded through the store's bulk path, as
`python -m bench.search` seeds them: search keys and full-text index caught up, then ANALYZE). At each size a
fresh `localspot serve` is started on it and measured, one request at a time over one keep-alive connection:

    cold start           from spawning the server to its first answer (the file in the OS page cache)
    search               EQ on hs_task_status sorted by hs_timestamp, p50 with the total remembered and p50
                         right after a write (a one-task batch update before each search)
    (in this order: writes first, so that the empty database has tasks to search)
    single create / get  p50 and the server's CPU per call (/proc), POST and GET of one task
    batch create         100-task batches, records/s charged the first search after them (which brings the
                         lazy search indexes up to date)
    RSS                  the server's resident memory after all of the above

    python -m bench.growth                                   # 0, 1M, 3M and 10M tasks (~25 min, ~3 GB of disk)
    python -m bench.growth --sizes 0,100000 --db /tmp/g.db   # keep the file; a later run grows it further
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.search import TOKEN, Server, measure, seed, server_cpu_ms, task_properties
from bench.server import memory_mb

TASKS_PATH = "/crm/v3/objects/tasks"


def stored_tasks(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(str(db_path))
    try:
        return connection.execute("SELECT count(*) FROM records WHERE object_type_id = '0-27'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not migrated yet
    finally:
        connection.close()


def _p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def single_calls(client: httpx.Client, pid: int, calls: int) -> dict[str, Any]:
    rng = random.Random(5)
    created: list[str] = []
    results: dict[str, Any] = {}
    for name in ("create", "get"):
        samples: list[float] = []
        cpu_before = server_cpu_ms(pid)
        for i in range(calls):
            started = time.perf_counter()
            if name == "create":
                response = client.post(TASKS_PATH, json={"properties": task_properties(rng)})
                created.append(response.json().get("id", ""))
            else:
                response = client.get(f"{TASKS_PATH}/{created[i]}")
            samples.append(time.perf_counter() - started)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"single {name} answered {response.status_code}: {response.text[:300]}")
        cpu_after = server_cpu_ms(pid)
        results[name] = {"p50_ms": _p50_ms(samples)}
        if cpu_before is not None and cpu_after is not None:
            results[name]["server_cpu_us_per_call"] = round((cpu_after - cpu_before) * 1000 / calls)
    return results


def batch_create(client: httpx.Client, batches: int) -> dict[str, Any]:
    rng = random.Random(9)
    started = time.perf_counter()
    for _ in range(batches):
        response = client.post(
            f"{TASKS_PATH}/batch/create", json={"inputs": [{"properties": task_properties(rng)} for _ in range(100)]}
        )
        if response.status_code != 201:
            raise RuntimeError(f"batch create answered {response.status_code}: {response.text[:300]}")
    writes_s = time.perf_counter() - started
    searched = time.perf_counter()
    if client.post(f"{TASKS_PATH}/search", json={"limit": 1}).status_code != 200:
        raise RuntimeError("the first search after the batches failed")
    catch_up_s = time.perf_counter() - searched
    return {
        "records_per_s_charged": round(100 * batches / (writes_s + catch_up_s)),
        "records_per_s_writes_alone": round(100 * batches / writes_s),
        "first_search_after_ms": round(catch_up_s * 1000, 1),
    }


def measure_size(db_path: Path, *, iterations: int, calls: int, batches: int) -> dict[str, Any]:
    started = time.perf_counter()
    server = Server(db_path)
    cold_start_s = time.perf_counter() - started
    pid = server.process.pid
    try:
        # Writes first, so that even the empty database has tasks to search (and to touch before each search).
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as client:
            single = single_calls(client, pid, calls)
            batched = batch_create(client, batches)
        searched = measure(server.url, TOKEN, iterations=iterations, server_pid=pid)
        return {
            "cold_start_s": round(cold_start_s, 2),
            "search_p50_ms": searched["eq_enum_sorted_by_hs_timestamp"]["p50_ms"],
            "search_after_a_write_p50_ms": searched["eq_enum_sorted_by_hs_timestamp_after_a_write"]["p50_ms"],
            "search_matches": searched["eq_enum_sorted_by_hs_timestamp"].get("median_total", 0),
            "single": single,
            "batch_create": batched,
            "rss_mb": round(memory_mb(pid)["rss_mb"], 1),
        }
    finally:
        server.stop()


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| tasks | batch create /s (charged) | single create CPU µs | single get CPU µs | search p50 ms "
        "(remembered / after a write) | cold start s | RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        create, get = (row["single"][name].get("server_cpu_us_per_call", "-") for name in ("create", "get"))
        lines.append(
            f"| {row['tasks']:,} | {row['batch_create']['records_per_s_charged']:,} | {create} | {get} "
            f"| {row['search_p50_ms']} / {row['search_after_a_write_p50_ms']} | {row['cold_start_s']} "
            f"| {row['rss_mb']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000000,3000000,10000000", help="task counts, ascending")
    parser.add_argument("--db", type=Path, help="grow this SQLite file (kept) instead of a temporary one")
    parser.add_argument("--iterations", type=int, default=100, help="searches per kind and size")
    parser.add_argument("--calls", type=int, default=300, help="single creates and gets per size")
    parser.add_argument("--batches", type=int, default=30, help="100-task batch creates per size")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    db_path = args.db or Path(tempfile.mkdtemp(prefix="localspot-bench-growth-")) / "growth.db"
    rows: list[dict[str, Any]] = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        have = stored_tasks(db_path)
        seeded = seed(db_path, max(0, size - have), seed_value=size)
        row = {"tasks": stored_tasks(db_path), "seed": seeded}
        row.update(measure_size(db_path, iterations=args.iterations, calls=args.calls, batches=args.batches))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
