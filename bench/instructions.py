"""`python -m bench.instructions`: instructions per 100-task batch create, counted by valgrind's callgrind,
for the whole server (HTTP, service, SQL) and for the raw ceiling's batch (driver only), and their ratio.

Instruction counts do not move with what else the machine is doing, so this tells a 2% change from noise,
where a timed run on a shared 2-core machine cannot (docs/performance.md). Each side runs twice, with FEW
and MANY batches; the difference over MANY - FEW is one batch, startup and warm-up cancelling out. The
deferred work of each side (the server's first association read and first search after the batches, the
ceiling's own settling and search catch-up) is included, as in the timed benchmark.

    python -m bench.instructions              # SQLite; needs valgrind; about three minutes
    python -m bench.instructions --single     # single-record calls against their floors (bench/instructions_single.py)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import seed, workloads
from bench.runner import deferred_work_s
from bench.server import Server, Storage

FEW, MANY = 20, 120
CONTACTS = 200


def callgrind(out_file: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]


def total_instructions(out_file: Path) -> int:
    match = re.search(r"^(?:summary|totals): (\d+)", out_file.read_text(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no instruction total in {out_file}")
    return int(match.group(1))


def server_run(work: Path, batches: int) -> int:
    """The server under callgrind: contacts, then `batches` tasks batch creates one after another, then the
    first association read and first search (which settle the associations and catch the search up)."""
    out_file = work / f"server-{batches}.callgrind"
    server = Server(Storage.fresh(work, None, f"server{batches}"), run_under=callgrind(out_file))
    server.start(timeout=600)
    try:
        with seed.client(server.url) as api:
            contact_ids = seed.contacts(api, CONTACTS)
            requests = workloads.tasks_batch_create(contact_ids)
            for n in range(batches):
                response = api.post(
                    workloads.TASKS + "/batch/create",
                    content=requests[n % len(requests)]["body"],
                    headers={"content-type": "application/json"},
                )
                response.raise_for_status()
            deferred_work_s(server.url, contact_ids[0])
    finally:
        server.stop()
    return total_instructions(out_file)


def ceiling_run(work: Path, batches: int) -> int:
    out_file = work / f"ceiling-{batches}.callgrind"
    command = [*callgrind(out_file), sys.executable, "-m", "bench.instructions", "--ceiling-batches", str(batches)]
    subprocess.run([*command, "--work", str(work)], check=True, capture_output=True)
    return total_instructions(out_file)


def ceiling_batches(work: Path, batches: int) -> None:
    from bench import ceiling

    ceiling.measure(Storage.fresh(work, None, f"ceiling{batches}"), 0.0, list(range(1, CONTACTS + 1)), batches=batches)


def per_batch(run: Callable[[Path, int], int], work: Path) -> float:
    return (run(work, MANY) - run(work, FEW)) / (MANY - FEW)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--ceiling-batches", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--single", action="store_true", help="single-record calls and their floors instead")
    args = parser.parse_args(argv)
    if args.ceiling_batches is not None:
        ceiling_batches(args.work, args.ceiling_batches)
        return 0
    if shutil.which("valgrind") is None:
        print("bench.instructions needs valgrind (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    if args.single:
        from bench import instructions_single

        return instructions_single.main([])
    with tempfile.TemporaryDirectory(prefix="localspot-instructions-") as tmp:
        work = Path(tmp)
        server = per_batch(server_run, work)
        ceiling = per_batch(ceiling_run, work)
    result = {
        "server_instructions_per_batch": round(server),
        "ceiling_instructions_per_batch": round(ceiling),
        "ceiling_over_server": round(ceiling / server, 3),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
