"""Several localspot processes over one PostgreSQL database, and a direct line to that database to check
what they wrote."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import TOKEN
from tests.support.server import LocalspotServer, Storage, skip_unless_postgres, storage_or_skip

# Small pools: several of these clusters may run beside other test servers on one PostgreSQL.
POOL_ARGS = ("--pool-size", "4")


@pytest.fixture
def postgres_only() -> None:
    skip_unless_postgres()


class Database:
    """Reads the test database directly, bypassing localspot."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url, autocommit=True)

    def execute(self, query: str, *params: Any) -> None:
        self._conn.execute(query, params)

    def rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._conn.execute(query, params).fetchall()

    def value(self, query: str, *params: Any) -> Any:
        return self.rows(query, *params)[0][0]

    def close(self) -> None:
        self._conn.close()


@dataclass
class Cluster:
    """Base URLs to spread requests over (one per process or server) and the database behind them."""

    urls: list[str]
    db: Database
    servers: list[LocalspotServer]

    def url(self, n: int) -> str:
        return self.urls[n % len(self.urls)]


def start_cluster(storage: Storage, kind: str) -> list[LocalspotServer]:
    if kind == "workers":
        return [LocalspotServer(storage, TOKEN, extra_args=["--workers", "2", *POOL_ARGS]).start()]
    servers = [LocalspotServer(storage, TOKEN, extra_args=list(POOL_ARGS)).launch() for _ in range(2)]
    for server in servers:  # both migrate the same database at once: the advisory lock serialises them
        server.wait_ready()
    return servers


def localspot_processes(db: Database) -> int:
    """Server processes connected to this database (each names its connections localspot-<pid>; their webhook
    delivery processes, localspot-delivery-<pid>, are not counted)."""
    return db.value(
        "SELECT count(DISTINCT application_name) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name LIKE 'localspot-%%' AND application_name NOT LIKE 'localspot-delivery-%%'"
    )


def wait_for_processes(db: Database, count: int, timeout: float = 30.0) -> None:
    """Until every process has opened its pool: with --workers, the first worker can answer the health check
    while the second is still starting, and would then take every connection of the test."""
    deadline = time.monotonic() + timeout
    while localspot_processes(db) < count:
        assert time.monotonic() < deadline, f"fewer than {count} localspot processes connected"
        time.sleep(0.1)


@pytest.fixture(params=["workers", "two-servers"])
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, postgres_only: None
) -> Iterator[Cluster]:
    """`--workers 2` (one port, two processes) or two `localspot serve` on two ports, over one database."""
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    servers: list[LocalspotServer] = []
    db = None
    try:
        servers = start_cluster(storage, request.param)
        assert storage.database_url is not None
        db = Database(storage.database_url)
        wait_for_processes(db, 2)
        urls = [s.url for s in servers]
        yield Cluster(urls * (2 // len(urls)), db, servers)
    finally:
        if db is not None:
            db.close()
        for server in servers:
            server.stop()
        storage.drop()
