"""The same writes against two servers that differ only in some flags, in the same run, as medians and their
ratio. Both servers run at once and the rounds alternate between them, so a change in the machine's load
falls on both alike.

Each round is one request from one client: a single-record create (one commit each), and a batch create of
100 records (one commit for the hundred). `bench.durability` and `bench.journal` compare with it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence

import httpx

from tests.support.server import LocalspotServer, Storage

TOKEN = "bench-token"
ONE = {"properties": {"name": "one"}}
BATCH = {"inputs": [{"properties": {"name": f"c{i}"}} for i in range(100)]}
CALLS = {
    "single create": ("/crm/v3/objects/companies", ONE, 1),
    "batch create of 100": ("/crm/v3/objects/companies/batch/create", BATCH, 5),
}


def _timed_ms(api: httpx.Client, path: str, body: dict) -> float:
    started = time.perf_counter()
    response = api.post(path, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 201, response.text
    return elapsed


def compare(flags: dict[str, Sequence[str]], rounds: int) -> dict[str, dict[str, float]]:
    """{call: {label: median ms}} for each labelled set of `localspot serve` flags."""
    with tempfile.TemporaryDirectory() as work_dir:
        servers = {
            label: LocalspotServer(
                Storage(["--db", f"{work_dir}/{n}.db"]), TOKEN, extra_args=[*extra, "--quiet"]
            ).start()
            for n, (label, extra) in enumerate(flags.items())
        }
        clients = {
            label: httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            for label, server in servers.items()
        }
        try:
            for api in clients.values():
                for _ in range(20):  # warm up
                    _timed_ms(api, *CALLS["single create"][:2])
            medians: dict[str, dict[str, float]] = {}
            for call, (path, body, divisor) in CALLS.items():
                samples: dict[str, list[float]] = {label: [] for label in clients}
                for _ in range(max(rounds // divisor, 10)):
                    for label, api in clients.items():
                        samples[label].append(_timed_ms(api, path, body))
                medians[call] = {label: statistics.median(values) for label, values in samples.items()}
            return medians
        finally:
            for api in clients.values():
                api.close()
            for server in servers.values():
                server.stop()


def report(title: str, medians: dict[str, dict[str, float]]) -> None:
    """Prints the medians, the second label's as a ratio to the first's."""
    first, second = next(iter(medians.values()))
    print(f"{title:<24}{first:>10}{second:>10}{second + '/' + first:>16}")
    for call, by_label in medians.items():
        ratio = by_label[second] / by_label[first]
        print(f"{call:<24}{by_label[first]:>10.2f}{by_label[second]:>10.2f}{ratio:>15.3f}x")


def main(flags: dict[str, Sequence[str]]) -> None:
    """A `python -m bench.<name> [--rounds N]` comparing the labelled sets of flags."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    report("SQLite, median ms", compare(flags, parser.parse_args().rounds))
