"""The testing kit's costs (`python -m bench.testing`): an in-process server's start to its first answer
(in a new process, so localspot's imports count), and a portal per test, created then deleted over the admin
API.

    python -m bench.testing [--rounds 200] [--starts 7] [--database PATH_OR_URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

# Run in a new interpreter each time: the start a test session pays, imports included.
START_PROBE = """
import time
began = time.perf_counter()
from localspot.testing import LocalspotServer
import httpx
server = LocalspotServer(DATABASE).start()
imported_and_started = time.perf_counter()
status = httpx.get(server.url + "/_localspot/health").status_code
answered = time.perf_counter()
server.stop()
print((answered - began) * 1000, (answered - imported_and_started) * 1000, status)
"""


def _cold_starts(database: str | None, starts: int, env: dict[str, str]) -> list[float]:
    probe = START_PROBE.replace("DATABASE", repr(database))
    totals = []
    for _ in range(starts):
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
        total_ms, _, status = run.stdout.split()
        if status != "200":
            raise RuntimeError(f"health answered {status}")
        totals.append(float(total_ms))
    return totals


def start_times(database: str | None, starts: int) -> dict[str, Any]:
    """In new processes: with bytecode compiled (as `pip install` leaves a package: one unmeasured run
    writes it, to a cache of the bench's own), and compiling every module from source (PYTHONDONTWRITEBYTECODE
    with no bytecode anywhere, as in this project's own sandbox). Then in one process, imports done."""
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = cache
        _cold_starts(database, 1, compiled)
        with_bytecode = _cold_starts(database, starts, compiled)
    from_source = _cold_starts(database, starts, {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    from localspot.testing import LocalspotServer

    warm = []
    for _ in range(starts):
        began = time.perf_counter()
        with LocalspotServer(database) as server:
            server.admin.health()
            warm.append((time.perf_counter() - began) * 1000)
    return {
        "start_to_first_answer_ms_median": round(statistics.median(with_bytecode), 1),
        "start_to_first_answer_ms_max": round(max(with_bytecode), 1),
        "start_to_first_answer_compiling_from_source_ms_median": round(statistics.median(from_source), 1),
        "start_in_a_warm_process_ms_median": round(statistics.median(warm), 1),
    }


def portal_rounds(database: str | None, rounds: int) -> dict[str, Any]:
    from localspot.testing import LocalspotServer

    with LocalspotServer(database) as server:
        admin = server.admin
        for _ in range(10):  # warm up: connections, caches
            admin.delete_portal(admin.create_portal()["portalId"])
        create, delete, both = [], [], []
        for _ in range(rounds):
            began = time.perf_counter()
            portal = server.new_portal()
            made = time.perf_counter()
            portal.delete()
            done = time.perf_counter()
            create.append((made - began) * 1000)
            delete.append((done - made) * 1000)
            both.append((done - began) * 1000)
    return {
        "rounds": rounds,
        "portal_create_ms_median": round(statistics.median(create), 2),
        "portal_delete_ms_median": round(statistics.median(delete), 2),
        "portal_create_and_delete_ms_median": round(statistics.median(both), 2),
        "portal_create_and_delete_ms_p95": round(sorted(both)[int(len(both) * 0.95) - 1], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.testing", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="portal create+delete rounds (default 200)")
    parser.add_argument("--starts", type=int, default=7, help="in-process server starts (default 7)")
    parser.add_argument("--database", default=None, help="an SQLite path or postgresql:// URL (default: memory)")
    args = parser.parse_args(argv)
    figures = {
        "database": args.database or ":memory:",
        **start_times(args.database, args.starts),
        **portal_rounds(args.database, args.rounds),
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
