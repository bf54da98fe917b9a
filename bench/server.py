"""The server under test: a `localspot serve` subprocess on a fresh database, and what the suite reads
about it from /proc (CPU, resident memory)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TOKEN = "bench-token-all-scopes"
HEALTH = b"GET /_localspot/health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Storage:
    """One fresh database: a SQLite file, or a PostgreSQL database created from the admin URL."""

    work_dir: Path
    admin_url: str | None = None
    sqlite_path: Path | None = None
    database_url: str | None = None
    created: list[str] = field(default_factory=list)

    @classmethod
    def fresh(cls, work_dir: Path, admin_url: str | None, label: str = "server") -> Storage:
        if admin_url is None:
            return cls(work_dir, sqlite_path=work_dir / f"{label}-{uuid.uuid4().hex[:8]}.db")
        import psycopg

        name = f"localspot_bench_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = admin_url.rpartition("/")
        return cls(work_dir, admin_url=admin_url, database_url=f"{base}/{name}", created=[name])

    @property
    def serve_args(self) -> list[str]:
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--db", str(self.sqlite_path)]

    def open(self):  # -> localspot.kernel.storage.Database
        from localspot.kernel.storage import open_database

        return open_database(self.database_url, str(self.sqlite_path))

    def drop(self) -> None:
        if self.admin_url and self.created:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                for name in self.created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    def __init__(
        self,
        storage: Storage,
        *,
        profile_to: Path | None = None,
        extra_args: list[str] | None = None,
        run_under: list[str] | None = None,
    ) -> None:
        self.storage = storage
        self.extra_args = extra_args or []  # more `localspot serve` options, e.g. --workers 2
        self.profile_to = profile_to  # py-spy's collapsed stacks of the whole server run go here
        self.run_under = run_under or []  # a command the server runs inside, e.g. valgrind's (same process)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = storage.work_dir / f"server-{self.port}.log"
        self.cold_start_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The server's own process (under py-spy, py-spy's child)."""
        assert self.process is not None
        if self.profile_to is None:
            return self.process.pid
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else self.process.pid

    def start(self, timeout: float = 60.0) -> Server:
        """Starts the process and polls until the first answered request: that time is the cold start."""
        command = [
            *self.run_under,
            sys.executable,
            "-m",
            "localspot",
            "serve",
            "--port",
            str(self.port),
            "--token",
            TOKEN,
        ]
        if self.profile_to is not None:
            spy = ["py-spy", "record", "--idle", "-r", "250", "-f", "raw", "-o", str(self.profile_to), "--"]
            command = spy + command
        with self.log_path.open("ab") as log:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                [*command, *self.storage.serve_args, *self.extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=os.getcwd(),
            )
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"localspot exited early:\n{self.log_path.read_text(errors='replace')}")
            if self._answers():
                self.cold_start_s = time.perf_counter() - started
                return self
            time.sleep(0.002)
        raise RuntimeError(f"localspot did not answer within {timeout} s")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(HEALTH)
                return sock.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.profile_to is not None:
            os.kill(self.pid, signal.SIGTERM)  # py-spy writes its file and exits once the server exits
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def memory_mb(self) -> dict[str, float]:
        return memory_mb(self.pid)


def memory_mb(pid: int) -> dict[str, float]:
    """A process's resident set now and at its peak (VmRSS, VmHWM)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(value.split()[0]) / 1024
    return found


@contextlib.contextmanager
def fresh_server(label: str, admin_url: str | None) -> Iterator[tuple[Server, Storage]]:
    """A started server on a fresh database (SQLite in a temporary directory, or PostgreSQL through
    `admin_url`), stopped and dropped afterwards."""
    with tempfile.TemporaryDirectory() as work:
        storage = Storage.fresh(Path(work), admin_url, label=label)
        server = Server(storage).start()
        try:
            yield server, storage
        finally:
            server.stop()
            storage.drop()
