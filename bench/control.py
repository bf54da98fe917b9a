"""The control plane's figures: reset of a portal of 10,000 records (target <= 200 ms), snapshot restore of
10,000 records (<= 1 s), export and import of 10,000 records. A `localspot serve` subprocess on a fresh
database; each figure is the median of --runs, timed at the client around one admin call.

    python -m bench.control [--records 10000] [--runs 5] [--pg-admin-url postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.server import Server, Storage

PORTAL = 990001
TARGETS = {"reset": 200.0, "snapshot restore": 1000.0}


def _call(url: str, method: str, path: str, body: Any = None) -> tuple[float, Any]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(
        f"{url}/_localspot{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:
        raw = answer.read()
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, (json.loads(raw) if raw else None)


def measure(url: str, records: int, runs: int) -> dict[str, list[float]]:
    _call(url, "POST", "/portals", {"portalId": PORTAL})
    seed = {
        "contacts": [
            {"properties": {"email": f"c{i}@bench.example", "firstname": f"First{i}", "lastname": "Bench"}}
            for i in range(records)
        ]
    }
    _call(url, "POST", f"/portals/{PORTAL}/seed", seed)
    _call(url, "POST", f"/portals/{PORTAL}/snapshots", {"name": "full"})
    figures: dict[str, list[float]] = {"reset": [], "snapshot restore": [], "export": [], "import (merge)": []}
    for run in range(runs):
        figures["snapshot restore"].append(_call(url, "POST", f"/portals/{PORTAL}/snapshots/full/restore")[0])
        elapsed, document = _call(url, "GET", f"/portals/{PORTAL}/export")
        figures["export"].append(elapsed)
        target = PORTAL + 1 + run
        _call(url, "POST", "/portals", {"portalId": target})
        figures["import (merge)"].append(
            _call(url, "POST", f"/portals/{target}/import?mode=merge", json.dumps(document).encode())[0]
        )
        _call(url, "DELETE", f"/portals/{target}")
        figures["reset"].append(_call(url, "POST", f"/portals/{PORTAL}/reset")[0])
    return figures


def report(figures: dict[str, list[float]], records: int, backend: str) -> str:
    lines = [
        f"Backend **{backend}**, {records:,} contacts (3 properties each, with their history); median of "
        f"{len(next(iter(figures.values())))} runs, ms at the client.",
        "",
        "| operation | median ms | min ms | target |",
        "|---|---:|---:|---:|",
    ]
    for name, values in figures.items():
        target = TARGETS.get(name)
        lines.append(
            f"| {name} | {statistics.median(values):,.0f} | {min(values):,.0f} | "
            f"{'' if target is None else f'<= {target:,.0f} ms'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.control")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-admin-url", help="measure on a fresh PostgreSQL database created through this URL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        storage = Storage.fresh(Path(work), args.pg_admin_url, label="control")
        server = Server(storage).start()
        try:
            figures = measure(server.url, args.records, args.runs)
        finally:
            server.stop()
            storage.drop()
    print(report(figures, args.records, "postgresql" if args.pg_admin_url else "sqlite"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
