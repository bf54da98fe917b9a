"""Latency of the objects API's reads and writes against a real server.

    python bench/objects.py [--records 10000] [--database-url postgresql://…]

Starts a server on a fresh SQLite file (or the given PostgreSQL database), loads `--records` contacts, then
times each operation sequentially from one client and prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.server import LocalspotServer, Storage

TOKEN = "bench-token"


def timed(label: str, runs: int, call: Callable[[int], httpx.Response], expect: int) -> None:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        response = call(i)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect, response.text
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<48} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   ({runs} runs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage(["--database-url", args.database_url] if args.database_url else ["--db", f"{tmp}/bench.db"])
        server = LocalspotServer(storage, TOKEN).start()
        try:
            run(server.url, args.records)
        finally:
            server.stop()


def run(url: str, count: int) -> None:
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    ids: list[str] = []
    start = time.perf_counter()
    for offset in range(0, count, 100):
        inputs = [
            {"properties": {"email": f"b{i}@example.com", "firstname": f"F{i}", "lastname": "L"}}
            for i in range(offset, min(offset + 100, count))
        ]
        response = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        ids.extend(r["id"] for r in response.json()["results"])
    print(f"loaded {count} contacts in {time.perf_counter() - start:.1f} s")
    c = "/crm/v3/objects/contacts"
    timed("GET one by id", 500, lambda i: api.get(f"{c}/{ids[i * 7 % count]}"), 200)
    timed("GET one by email (idProperty)", 500, lambda i: api.get(f"{c}/b{i}%40example.com?idProperty=email"), 200)
    timed("GET list, limit 100", 200, lambda i: api.get(c, params={"limit": 100, "after": ids[i % count]}), 200)
    timed(
        "POST batch/read, 100 ids",
        200,
        lambda i: api.post(f"{c}/batch/read", json={"inputs": [{"id": x} for x in ids[i : i + 100]]}),
        200,
    )
    timed(
        "PATCH one",
        300,
        lambda i: api.patch(f"{c}/{ids[i]}", json={"properties": {"lastname": f"P{i}"}}),
        200,
    )
    timed(
        "POST batch/upsert, 100 (50 new, 50 existing)",
        50,
        lambda i: api.post(
            f"{c}/batch/upsert",
            json={
                "inputs": [
                    {"idProperty": "email", "id": f"b{n}@example.com", "properties": {"city": "X"}}
                    for n in [*range(i * 50, i * 50 + 50), *range(count + i * 50, count + i * 50 + 50)]
                ]
            },
        ),
        200,
    )
    start = time.perf_counter()
    after, seen = None, 0
    while True:
        body = api.get(c, params={"limit": 100, **({"after": after} if after else {})}).json()
        seen += len(body["results"])
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    print(f"walk every contact ({seen}) 100 a page: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
