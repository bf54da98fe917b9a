"""What `--durability full` costs on SQLite: the same writes against a server with `normal` and one with
`full`, in the same run, as medians and their ratio.

    python -m bench.durability [--rounds 300]

Each round is one request from one client: a single-record create (one commit each, so one WAL sync each
with `full`), and a batch create of 100 records (one commit for the hundred).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

import httpx

from tests.support.server import LocalspotServer, Storage

TOKEN = "bench-token"
BATCH = {"inputs": [{"properties": {"name": f"c{i}"}} for i in range(100)]}


def _median_ms(rounds: int, call: Callable[[], httpx.Response], expect: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, response.text
    return statistics.median(samples)


def measure(durability: str, work_dir: str, rounds: int) -> dict[str, float]:
    storage = Storage(["--db", f"{work_dir}/{durability}.db"])
    server = LocalspotServer(storage, TOKEN, extra_args=["--durability", durability, "--quiet"]).start()
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as api:
            one = {"properties": {"name": "one"}}
            _median_ms(20, lambda: api.post("/crm/v3/objects/companies", json=one), 201)  # warm up
            return {
                "single create": _median_ms(rounds, lambda: api.post("/crm/v3/objects/companies", json=one), 201),
                "batch create of 100": _median_ms(
                    max(rounds // 5, 10), lambda: api.post("/crm/v3/objects/companies/batch/create", json=BATCH), 201
                ),
            }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        normal = measure("normal", work_dir, args.rounds)
        full = measure("full", work_dir, args.rounds)
    print(f"{'SQLite, median ms':<24}{'normal':>10}{'full':>10}{'full/normal':>14}")
    for label in normal:
        print(f"{label:<24}{normal[label]:>10.2f}{full[label]:>10.2f}{full[label] / normal[label]:>13.2f}x")


if __name__ == "__main__":
    main()
