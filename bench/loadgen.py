"""The load generator: its own process, a fixed number of keep-alive HTTP/1.1 connections, pre-encoded
requests, and nothing per request but a byte substitution, a write and a read, so its cost stays far below
the server's. It reports its own CPU time and the server's over exactly the measured window.

Run by the runner as `python -m bench.loadgen SPEC.json`; prints one JSON object.

SPEC: {"host", "port", "server_pid", "concurrency", "duration", "warmup",
       "requests": [{"method", "path", "body": str | null}], "token"}
Every `__SEQ__` in a path or body is replaced by the request's sequence number (unique values per write).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

SEQ = b"__SEQ__"
_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of another process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Template:
    """One request as bytes, split around its `__SEQ__` markers."""

    def __init__(self, host: str, token: str, method: str, path: str, body: str | None) -> None:
        payload = (body or "").encode()
        self.has_body = body is not None
        self.path_parts = path.encode().split(SEQ)
        self.body_parts = payload.split(SEQ)
        self.head = (
            f"Host: {host}\r\nAuthorization: Bearer {token}\r\nConnection: keep-alive\r\n"
            + ("Content-Type: application/json\r\n" if self.has_body else "")
        ).encode()
        self.method = method.encode()

    def render(self, seq: int) -> bytes:
        number = str(seq).encode()
        path = number.join(self.path_parts)
        body = number.join(self.body_parts)
        length = f"Content-Length: {len(body)}\r\n".encode() if self.has_body else b""
        return b"%s %s HTTP/1.1\r\n%s%s\r\n%s" % (self.method, path, self.head, length, body)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    templates = [Template(spec["host"], spec["token"], r["method"], r["path"], r.get("body")) for r in spec["requests"]]
    concurrency = spec["concurrency"]
    counter = iter(range(1, 1 << 62))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sample_error: list[str] = []
    measuring = False
    stop = False

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
        try:
            while not stop:
                seq = next(counter)
                request = templates[seq % len(templates)].render(seq)
                started = time.perf_counter()
                writer.write(request)
                status, body = await read_response(reader)
                if measuring:
                    latencies.append(time.perf_counter() - started)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status >= 300 and not sample_error:
                        sample_error.append(body[:500].decode(errors="replace"))
        finally:
            writer.close()

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    await asyncio.sleep(spec.get("warmup", 0.3))
    server_pid = spec.get("server_pid")
    server_cpu_start = process_cpu_seconds(server_pid) if server_pid else None
    own_start = own_cpu_seconds()
    window_start = time.perf_counter()
    measuring = True
    await asyncio.sleep(spec["duration"])
    measuring = False
    elapsed = time.perf_counter() - window_start
    own_cpu = own_cpu_seconds() - own_start
    server_cpu_end = process_cpu_seconds(server_pid) if server_pid else None
    stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {
        "requests": len(latencies),
        "elapsed_s": elapsed,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency_ms": {name: percentile(latencies, q) * 1000 for name, q in (("p50", 50), ("p99", 99), ("max", 100))},
        "latencies_ms": [round(x * 1000, 3) for x in latencies],
        "client_cpu_s": own_cpu,
        "server_cpu_s": None
        if server_cpu_start is None or server_cpu_end is None
        else server_cpu_end - server_cpu_start,
        "sample_error": sample_error[0] if sample_error else None,
    }


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(spec))))


if __name__ == "__main__":
    main()
