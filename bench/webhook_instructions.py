"""`python -m bench.webhook_instructions`: instructions per 100-task batch create, counted by valgrind's
callgrind over the whole server process (every thread: the API, the outbox write, the delivery worker and
its senders), with one subscription to task creation delivering to a receiver and without subscriptions,
and their ratio. Instruction counts do not move with what else the machine runs, where bench.webhooks'
timed ratio moves by +-0.1 on the shared 2-core machine.

Each side runs twice, with FEW and MANY creates (each waited for until the receiver has every event and the
worker has recorded the deliveries); the difference over MANY - FEW is one create, startup cancelling out.

    python -m bench.webhook_instructions        # SQLite; needs valgrind; a few minutes
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.instructions import callgrind, total_instructions
from bench.webhooks import TOKEN, RemoteReceiver, _create
from tests.apps.test_webhook_deliveries import subscribe
from tests.support.server import LocalspotServer, Storage

FEW, MANY = 10, 50


class _UnderCallgrind(LocalspotServer):
    def __init__(self, storage: Storage, out_file: Path) -> None:
        super().__init__(storage, TOKEN, extra_args=["--quiet"])
        self.out_file = out_file

    def command(self, *args: str) -> list[str]:
        command = super().command(*args)
        return [*callgrind(self.out_file), *command] if args[0] == "serve" else command

    def stop(self) -> int | None:
        assert self.process is not None
        self.process.terminate()  # callgrind writes its file once the server has exited
        code = self.process.wait(timeout=600)
        self.process = None
        return code


def run(work: Path, receiver: RemoteReceiver, subscribed: bool, creates: int) -> int:
    label = f"{'one' if subscribed else 'none'}-{creates}"
    out_file = work / f"{label}.callgrind"
    server = _UnderCallgrind(Storage(["--db", str(work / f"{label}.db")]), out_file)
    server.launch().wait_ready(timeout=600)
    try:
        if subscribed:
            with httpx.Client(base_url=f"{server.url}/_localspot", timeout=120) as admin:
                subscribe(server, admin, receiver.url, {"eventType": "object.creation", "objectTypeId": "0-27"})
        before = receiver.ask("count")
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as api:
            for _ in range(creates):
                _create(api)
        if subscribed:
            receiver.wait_for(before + 100 * creates, timeout=600)
        time.sleep(2.0)  # the last outcome recorded (the worker's next round), as slowly as callgrind runs it
    finally:
        server.stop()
    return total_instructions(out_file)


def main() -> int:
    if shutil.which("valgrind") is None:
        print("bench.webhook_instructions needs valgrind (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    per_create = {}
    with tempfile.TemporaryDirectory(prefix="localspot-webhook-instructions-") as tmp, RemoteReceiver() as receiver:
        for subscribed in (False, True):
            few = run(Path(tmp), receiver, subscribed, FEW)
            many = run(Path(tmp), receiver, subscribed, MANY)
            per_create[subscribed] = (many - few) / (MANY - FEW)
    result = {
        "instructions_per_create_no_subscription": round(per_create[False]),
        "instructions_per_create_one_subscription": round(per_create[True]),
        "ratio_none_over_one": round(per_create[False] / per_create[True], 3),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
