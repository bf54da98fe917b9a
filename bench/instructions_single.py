"""`python -m bench.instructions --single`: instructions per single-record call (create, get, patch, search
by email) for the whole server, and for its floor (bench/single.py: the constant-answer server on the same
stack plus the raw rows through sqlite3), counted by valgrind's callgrind in the same run.

localspot's figure is its main thread's, which serves every request (SQLite runs on the event-loop
thread); its other threads wake on timers, so their count per call measures valgrind's slowdown more than
the server (it is reported beside, as `background_under_valgrind`).

Five runs per side: one with every operation FEW times, and one per operation with that operation MANY
times and the others FEW; an operation's count is (its run - the base run) / (MANY - FEW), so startup,
seeding and warm-up cancel out.

    python -m bench.instructions --single     # SQLite; needs valgrind; about five minutes
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import seed, single
from bench.instructions import callgrind, total_instructions
from bench.server import TOKEN, Server, Storage, free_port

FEW, MANY = 20, 120


def counts(operation: str | None) -> dict[str, int]:
    return {op: MANY if op == operation else FEW for op in single.OPERATIONS}


def server_run(work: Path, operation: str | None) -> tuple[tuple[int, int], dict[str, int], Path, list[int]]:
    """Instructions of a localspot run (its main thread, which serves every request, and its other threads),
    the answer sizes, its database and its tasks."""
    label = f"single-{operation or 'base'}"
    out_file = work / f"{label}.callgrind"
    storage = Storage.fresh(work, None, label)
    server = Server(storage, run_under=[*callgrind(out_file), "--separate-threads=yes"])
    server.start(timeout=600)
    sizes: dict[str, int] = {}
    try:
        with seed.client(server.url) as client:
            contacts = seed.contacts(client, single.CONTACTS)
        with single.Connection(server.url, TOKEN) as api:
            create = single.requests(contacts, [])["create"]
            tasks = [int(json.loads(single.send(api, *create(n)))["id"]) for n in range(100)]
            made = single.requests(contacts, tasks)
            for op, count in counts(operation).items():
                for n in range(count):
                    sizes[op] = len(single.send(api, *made[op](n)))
    finally:
        server.stop()
    assert storage.sqlite_path is not None
    return thread_instructions(out_file), sizes, storage.sqlite_path, tasks


def thread_instructions(out_file: Path) -> tuple[int, int]:
    """(the main thread's instructions, every other thread's) from callgrind's per-thread files: the other
    threads (the checkpointer, the usage flusher, the delivery and import pollers) wake on timers, so what
    they do per call grows with the wall time of a call, which valgrind stretches ~50 times."""
    files = sorted(out_file.parent.glob(f"{out_file.name}-*"))
    main = [f for f in files if f.name.endswith("-01")]
    if len(main) != 1:
        raise RuntimeError(f"no main thread file among {files}")
    return total_instructions(main[0]), sum(total_instructions(f) for f in files if f not in main)


def floor_http_run(work: Path, operation: str | None, sizes: dict[str, int], tasks: list[int]) -> int:
    out_file = work / f"floor-{operation or 'base'}.callgrind"
    port = free_port()
    command = [*callgrind(out_file), sys.executable, "-m", "bench.single", "--serve-floor", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the floor server did not start under valgrind") from None
                time.sleep(0.2)
        made = single.requests(list(range(single.CONTACTS)), tasks)
        with single.Connection(f"http://127.0.0.1:{port}") as bare:
            for op, count in counts(operation).items():
                for n in range(count):
                    method, path, body = made[op](n)
                    single.send(bare, method, f"/{sizes[op]}{path}", body)
    finally:
        process.terminate()
        process.wait(120)
    return total_instructions(out_file)


def rows_run(work: Path, operation: str | None, database: Path, tasks: list[int]) -> int:
    out_file = work / f"rows-{operation or 'base'}.callgrind"
    copy = work / f"rows-{operation or 'base'}.db"
    shutil.copyfile(database, copy)
    command = [*callgrind(out_file), sys.executable, "-m", "bench.instructions_single", "--rows"]
    arguments = json.dumps({"db": str(copy), "operation": operation, "tasks": tasks})
    subprocess.run([*command, arguments], check=True, capture_output=True)
    return total_instructions(out_file)


def rows_in_process(arguments: str) -> None:
    given = json.loads(arguments)
    storage = Storage(Path(given["db"]).parent, sqlite_path=Path(given["db"]))
    rows = single.raw_rows(storage, given["tasks"])
    for op, count in counts(given["operation"]).items():
        for n in range(count):
            rows[op](n)


def measure(work: Path) -> dict[str, dict[str, float]]:
    base, sizes, database, tasks = server_run(work, None)
    floor_base = floor_http_run(work, None, sizes, tasks)
    rows_base = rows_run(work, None, database, tasks)
    results: dict[str, dict[str, float]] = {}
    for op in single.OPERATIONS:
        server, _, _, _ = server_run(work, op)
        http = floor_http_run(work, op, sizes, tasks)
        rows = rows_run(work, op, database, tasks)
        per = MANY - FEW
        localspot, http_floor, raw = (server[0] - base[0]) / per, (http - floor_base) / per, (rows - rows_base) / per
        results[op] = {
            "localspot": round(localspot),
            "background_under_valgrind": round((server[1] - base[1]) / per),
            "http_floor": round(http_floor),
            "rows": round(raw),
            "floor": round(http_floor + raw),
            "ratio": round((http_floor + raw) / localspot, 3),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--rows"]:
        rows_in_process(argv[1])
        return 0
    import tempfile

    with tempfile.TemporaryDirectory(prefix="localspot-instructions-single-") as tmp:
        results = measure(Path(tmp))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
