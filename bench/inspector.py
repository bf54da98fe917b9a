"""The inspector's figures: how long its pages take in the server (the `Server-Timing` header every inspector
page carries: reads and rendering, no network) with --records tasks in one type (target: a page of 100
records <= 100 ms). A `localspot serve` subprocess on a fresh database, the tasks written through the store's
bulk path (bench.seed); each figure is the median of --runs, after one warm-up request.

    python -m bench.inspector [--records 1000000] [--runs 7] [--pg-admin-url postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.error
import urllib.request

from bench import seed
from bench.server import fresh_server

UI = "/_localspot/ui"
TARGET_MS = 100.0


def pages(first_id: int, last_id: int) -> dict[str, str]:
    middle = (first_id + last_id) // 2
    tasks = f"{UI}/portals/1/objects/tasks"
    return {
        "records, first page of 100 (listed by id)": tasks,
        "records, a page of 100 in the middle (after cursor)": f"{tasks}?after={middle}",
        "records, three columns chosen": f"{tasks}?col=hs_task_subject&col=hs_task_status&col=hs_timestamp",
        "records, filter box: property filter": f"{tasks}?q=hs_task_status%3DWAITING",
        "records, filter box: query text": f"{tasks}?q=renewal",
        "records, sorted by a column": f"{tasks}?sort=hs_timestamp&dir=desc",
        "one record (every property, history, associations)": f"{tasks}/{middle}",
        "portal list (record counts per type)": f"{UI}/",
        "requests (the journal, 100 newest)": f"{UI}/requests",
    }


def _get(url: str) -> tuple[float, float]:
    """(server ms from Server-Timing, client ms) of one GET; a page that answers an error raises RuntimeError."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as answer:
            answer.read()
            timing = answer.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"HTTP {error.code} after {(time.perf_counter() - start):.1f} s") from None
    client = (time.perf_counter() - start) * 1000
    server = float(timing.partition("dur=")[2] or "nan")
    return server, client


def measure(url: str, first_id: int, last_id: int, runs: int) -> dict[str, tuple[list[float], list[float]] | str]:
    """Each page's figures, or what it answered instead."""
    figures: dict[str, tuple[list[float], list[float]] | str] = {}
    for name, path in pages(first_id, last_id).items():
        try:
            _get(url + path)  # warm-up: the schema cache, the database's pages
            measured = [_get(url + path) for _ in range(runs)]
        except RuntimeError as failure:
            figures[name] = str(failure)
            continue
        figures[name] = ([m[0] for m in measured], [m[1] for m in measured])
    return figures


def report(figures: dict[str, tuple[list[float], list[float]] | str], records: int, backend: str, runs: int) -> str:
    lines = [
        f"Backend **{backend}**, {records:,} tasks in the type (6 properties each); median of {runs} runs after a "
        "warm-up.",
        "",
        "| page | server ms (median) | server ms (max) | client ms (median) | target |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, found in figures.items():
        target = f"<= {TARGET_MS:.0f} ms" if name.startswith("records, first") or "middle" in name else ""
        if isinstance(found, str):
            lines.append(f"| {name} | {found} | | | {target} |")
            continue
        server, client = found
        lines.append(
            f"| {name} | {statistics.median(server):,.1f} | {max(server):,.1f} | "
            f"{statistics.median(client):,.1f} | {target} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inspector")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg-admin-url", help="measure on a fresh PostgreSQL database created through this URL")
    args = parser.parse_args(argv)
    with fresh_server("inspector", args.pg_admin_url) as (server, storage):
        seeded = seed.bulk_tasks(storage, args.records)
        print(f"seeded {seeded['count']:,} tasks in {seeded['seconds']:.0f} s", flush=True)
        figures = measure(server.url, seeded["first_id"], seeded["last_id"], args.runs)
    print(report(figures, args.records, "postgresql" if args.pg_admin_url else "sqlite", args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
