"""Running localspot as a real server process for tests, on SQLite or PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BACKEND_ENV = "LOCALSPOT_TEST_BACKEND"
PG_ADMIN_URL_ENV = "LOCALSPOT_TEST_PG_ADMIN_URL"
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class BackendUnavailable(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def backend_name() -> str:
    return os.environ.get(BACKEND_ENV, "sqlite")


@dataclass
class Storage:
    """Where one test server keeps its data: `args` go to `localspot serve` and `localspot token create`."""

    args: list[str]
    cleanup: list[str] = field(default_factory=list)
    admin_url: str | None = None

    @property
    def database_url(self) -> str | None:
        """The PostgreSQL database's URL; None for SQLite."""
        return self.args[1] if self.args[0] == "--database-url" else None

    def drop(self) -> None:
        if self.admin_url and self.cleanup:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                for name in self.cleanup:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_storage(tmp_dir: Path) -> Storage:
    if backend_name() == "postgres":
        return _new_postgres_database()
    return Storage(["--db", str(tmp_dir / f"localspot-{uuid.uuid4().hex[:8]}.db")])


def skip_unless_postgres() -> None:
    """For tests of PostgreSQL-only behaviour (several processes, connection failures)."""
    import pytest

    if backend_name() != "postgres":
        pytest.skip("PostgreSQL only: runs with LOCALSPOT_TEST_BACKEND=postgres (the second pass of scripts/test)")


def storage_or_skip(tmp_dir: Path) -> Storage:
    """new_storage(), skipping the test where PostgreSQL is unreachable, failing it instead under CI."""
    import pytest

    try:
        return new_storage(tmp_dir)
    except BackendUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (CI must run the PostgreSQL suite)")
        pytest.skip(f"{exc}; PostgreSQL tests skipped on this machine")


def _new_postgres_database() -> Storage:
    admin_url = os.environ.get(PG_ADMIN_URL_ENV, DEFAULT_PG_ADMIN_URL)
    try:
        import psycopg

        name = f"localspot_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # any failure here means "no PostgreSQL to test against"
        raise BackendUnavailable(f"PostgreSQL is not reachable at {admin_url}: {exc}") from exc
    base, _, _ = admin_url.rpartition("/")
    return Storage(["--database-url", f"{base}/{name}"], cleanup=[name], admin_url=admin_url)


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started that still run (Linux): each thread's own children, all threads."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue  # the thread ended meanwhile
    return sorted(found)


class LocalspotServer:
    def __init__(self, storage: Storage, token: str, *, extra_args: list[str] | None = None) -> None:
        self.storage = storage
        self.token = token
        self.extra_args = extra_args or []
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        # Named per server, not per port: ports are reused, and a restart appends to its own server's log.
        log_name = f"localspot-test-{self.port}-{uuid.uuid4().hex[:8]}.log"
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / log_name

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "localspot", *args]

    def start(self) -> LocalspotServer:
        self.launch().wait_ready()
        return self

    def launch(self) -> LocalspotServer:
        """Starts the process without waiting for it to serve (to start several at once)."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(
                "serve", "--port", str(self.port), "--token", self.token, *self.storage.args, *self.extra_args
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"localspot exited early:\n{self.log_path.read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/_localspot/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"localspot did not become ready:\n{self.log_path.read_text(errors='replace')}")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self.process.terminate()
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def create_token(self, scopes: str, portal_id: int = 1) -> str:
        out = subprocess.run(
            self.command("token", "create", "--scopes", scopes, "--portal-id", str(portal_id), *self.storage.args),
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def create_owner(
        self, email: str, portal_id: int = 1, first_name: str = "Ada", last_name: str = "Lovelace"
    ) -> dict:
        out = subprocess.run(
            self.command(
                "owner",
                "create",
                "--email",
                email,
                "--first-name",
                first_name,
                "--last-name",
                last_name,
                "--portal-id",
                str(portal_id),
                *self.storage.args,
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
