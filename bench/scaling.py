"""`python -m bench.scaling`: the same two workloads against one localspot process and against several, on
SQLite and on PostgreSQL, for docs/scaling.md.

    tasks batch create  POST /crm/v3/objects/tasks/batch/create, 100 tasks (each associated to a contact)
    tasks search        POST /crm/v3/objects/tasks/search, two EQ filters, sorted, pages of 100, over
                        --records tasks seeded through the store (skipped where the build has no search);
                        its records/s counts records returned

Each configuration gets a fresh database and server; load comes from bench's own load generator process
(fixed concurrency, keep-alive connections), `--repeat` runs of `--duration` seconds, median reported.

    python -m bench.scaling                                   # sqlite:1, pg:1, pg:2
    python -m bench.scaling --configs pg:1,pg:2 --duration 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import seed, workloads
from bench.runner import DEFAULT_PG_ADMIN_URL, RESULTS_DIR, Suite, load_average
from bench.server import Server, Storage
from localspot.crm.search.queries.search import SearchQueries


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__)
    parser.add_argument("--configs", default="sqlite:1,pg:1,pg:2", help="backend:workers, comma-separated")
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds measured per run (default 3)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per workload; the median is reported")
    parser.add_argument("--concurrency", type=int, default=8, help="connections kept busy (default 8)")
    parser.add_argument("--records", type=int, default=100_000, help="tasks seeded for search (default 100k)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR / "scaling.json")
    args = parser.parse_args(argv)
    args.only = None  # what Suite expects: every workload it is given
    return args


def measure(args: argparse.Namespace, work: Path, backend: str, workers: int) -> list[dict[str, Any]]:
    suite = Suite(args, work)
    label = f"{'PostgreSQL' if backend == 'pg' else 'SQLite'}, {workers} process{'es' if workers > 1 else ''}"
    storage = Storage.fresh(work, args.pg_admin_url if backend == "pg" else None, f"{backend}{workers}")
    server = Server(storage, extra_args=["--workers", str(workers)])
    try:
        server.start()
        with seed.client(server.url) as api:
            contact_ids = seed.contacts(api, 200)
            probe = api.post(workloads.TASKS + "/search", json={"limit": 1})
        suite.load(server, "tasks batch create", workloads.tasks_batch_create(contact_ids), writes=True)
        if probe.status_code in (404, 405):
            suite.scenarios.append({"name": "tasks search", "status": "skipped", "note": "no search in this build"})
        else:
            seed.bulk_tasks(storage, args.records)
            settle(storage)
            suite.load(server, "tasks search", workloads.tasks_search(), writes=False)
    finally:
        server.stop()
        storage.drop()
    for entry in suite.scenarios:
        entry["config"] = label
        if workers > 1:
            entry["server_cpu_pct"] = None  # /proc of the supervisor only: the workers' CPU is not in it
    return suite.scenarios


def settle(storage: Storage) -> None:
    """After bulk seeding: planner statistics, and any search index the store fills lazily, brought up to
    date, as a long-running server would have them (not part of what is measured)."""
    from localspot.app import Services

    database = storage.open()
    try:
        with database.session(write=True) as session:
            if session.dialect.name == "sqlite":  # PostgreSQL indexes as it writes
                SearchQueries.of(session).catch_up_search(Services(database).search.keyed)
            session.execute("ANALYZE")
    finally:
        database.close()


def table(entries: list[dict[str, Any]]) -> str:
    lines = [
        "| configuration | workload | records/s | requests/s | p50 ms | p99 ms | failed |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for e in entries:
        if e.get("status") not in ("ok", "errors"):
            lines.append(f"| {e['config']} | {e['name']} | {e.get('note', e.get('status'))} | | | | |")
            continue
        requests_per_s = e["records_per_s"] / e["records_per_request"]
        lines.append(
            f"| {e['config']} | {e['name']} | {e['records_per_s']:,.0f} | {requests_per_s:,.1f} | {e['p50_ms']:.1f} "
            f"| {e['p99_ms']:.1f} | {e['failed_requests']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="localspot-scaling-"))
    entries: list[dict[str, Any]] = []
    before = load_average()
    try:
        for config in args.configs.split(","):
            backend, _, workers = config.partition(":")
            entries.extend(measure(args, work, backend, int(workers or 1)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(entries))
    print(f"\nload average before {before}, after {load_average()}; concurrency {args.concurrency}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps({"load_average_before": before, "entries": entries}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
