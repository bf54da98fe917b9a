"""Where the server's time goes: `python -m bench.profile PROFILE_DIR/writes.txt` sums py-spy's collapsed
stacks (recorded with `python -m bench --profile PROFILE_DIR`) into the categories docs/performance.md uses.

Each sample is charged to the innermost frame that names a category, so a helper (timeutil, msgspec)
counts toward whoever called it. Idle samples (the event loop waiting for sockets) are shown apart.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# (category, substring of "function (file:line)"), checked innermost frame first, in this order.
CATEGORIES: list[tuple[str, str]] = [
    ("idle: checkpointer thread sleeping", "Event.wait (threading.py"),
    ("SQL: background WAL checkpoint (own thread, off the event loop)", "_Checkpointer._run"),
    ("idle: event loop waiting", "select (selectors.py"),
    ("JSON decode of the request", "decode (localspot/kernel/web/api.py"),
    ("JSON encode of the response", "json_response (localspot/kernel/web/responses.py"),
    ("SQL: commit (WAL write, checkpoint)", "session (localspot/kernel/storage/database.py"),
    ("SQL: JSON of stored properties", "properties_param (localspot/kernel/storage/session.py"),
    ("SQL: JSON of stored properties", "properties_from (localspot/kernel/storage/session.py"),
    ("SQL: statements", "/queries"),
    ("validation (values.py)", "localspot/crm/objects/values.py"),
    ("rendering (rendering.py)", "localspot/crm/objects/rendering.py"),
    ("associations staging", "localspot/crm/associations/inline.py"),
    ("auth", "localspot/kernel/portals/auth.py"),
    ("schema cache", "localspot/kernel/portals/schema_cache.py"),
    ("service logic (the CRM areas, batch.py)", "localspot/crm/"),
    ("request body read / routing (api.py, Starlette)", "localspot/kernel/web/"),
    ("HTTP server and framework (uvicorn, Starlette)", "starlette/"),
    ("HTTP server and framework (uvicorn, Starlette)", "uvicorn/"),
    ("startup and imports", "<module>"),
]


def categorise(stack: list[str]) -> str:
    if stack and stack[-1].startswith("Runner.run (asyncio/runners.py"):
        return "idle: event loop waiting"  # uvloop's C loop, polling sockets
    for frame in reversed(stack):
        for name, marker in CATEGORIES:
            if marker in frame:
                return name
    return "other (asyncio, interpreter)"


def summarise(path: Path) -> tuple[Counter[str], int]:
    totals: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        if not stack_text or not count.isdigit():
            continue
        frames = [f for f in stack_text.split(";") if not f.startswith("process ") and not f.startswith("thread ")]
        totals[categorise(frames)] += int(count)
    return totals, sum(totals.values())


def table(path: Path) -> str:
    totals, everything = summarise(path)
    aside = ("idle", "startup")  # not part of serving requests
    busy = sum(n for name, n in totals.items() if not name.startswith(aside))
    lines = ["| where | share of busy time | share of wall time |", "|---|---:|---:|"]
    for name, samples in totals.most_common():
        busy_share = "" if name.startswith(aside) else f"{100 * samples / busy:.1f}%"
        lines.append(f"| {name} | {busy_share} | {100 * samples / everything:.1f}% |")
    return "\n".join(lines)


def main() -> int:
    for argument in sys.argv[1:]:
        print(f"{argument}:\n{table(Path(argument))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
