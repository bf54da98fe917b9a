"""The database goes away under load and comes back: requests get HubSpot-shaped 503s meanwhile (never a
500), no batch is half-written, and the server recovers by itself.

The outage is a TCP proxy between localspot and PostgreSQL being cut, so the shared PostgreSQL server that
other tests use keeps running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.concurrency.conftest import POOL_ARGS, Database
from tests.conftest import TOKEN, make_client
from tests.support.asserts import assert_error
from tests.support.server import LocalspotServer, Storage, skip_unless_postgres, storage_or_skip
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.usefixtures("postgres_only")
BATCH = 10
LOAD_THREADS = 3


@dataclass
class Outage:
    server: LocalspotServer
    proxy: TcpProxy
    db: Database


def through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}" if parts.username else f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def proxied_server(tmp_path_factory: pytest.TempPathFactory, *extra_args: str) -> Iterator[Outage]:
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    assert storage.database_url is not None
    upstream = urlsplit(storage.database_url)
    proxy = TcpProxy(upstream.hostname or "127.0.0.1", upstream.port or 5432).start()
    proxied = Storage(["--database-url", through(proxy, storage.database_url)])
    server = LocalspotServer(proxied, TOKEN, extra_args=[*POOL_ARGS, *extra_args]).start()
    db = Database(storage.database_url)
    try:
        yield Outage(server, proxy, db)
    finally:
        db.close()
        server.stop()
        proxy.stop()
        storage.drop()


@pytest.fixture
def outage(tmp_path_factory: pytest.TempPathFactory, postgres_only: None) -> Iterator[Outage]:
    yield from proxied_server(tmp_path_factory)


class Load:
    """Threads creating batches of contacts, each batch tagged, until stopped; every response is kept."""

    def __init__(self, base_url: str, tag: str) -> None:
        self.base_url = base_url
        self.tag = tag
        self.outcomes: list[tuple[str, httpx.Response]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(LOAD_THREADS)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def count(self, status: int, since: int = 0) -> int:
        """Responses with this status among those after the first `since`."""
        with self._lock:
            return sum(1 for _, response in self.outcomes[since:] if response.status_code == status)

    def _run(self, n: int) -> None:
        with make_client(self.base_url, TOKEN) as http:
            k = 0
            while not self._stop.is_set():
                batch = f"{self.tag}-{n}-{k}"
                inputs = [
                    {"properties": {"email": f"{i}-{batch}@example.com", "lastname": batch}} for i in range(BATCH)
                ]
                response = http.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
                with self._lock:
                    self.outcomes.append((batch, response))
                k += 1


def wait_for(condition, timeout: float) -> float:
    """Seconds until condition() held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - started


def assert_unavailable(response: httpx.Response) -> None:
    assert_error(
        response,
        503,
        "SERVICE_UNAVAILABLE",
        "The service is temporarily unavailable; the database could not be reached. Retry the request.",
    )


def test_database_outage_mid_load_answers_503_then_recovers(outage: Outage, unique: str) -> None:
    server, proxy = outage.server, outage.proxy
    with Load(server.url, unique) as load, make_client(server.url, TOKEN) as probe:
        wait_for(lambda: load.count(201) >= 6, timeout=30)
        proxy.cut()
        cut_at = len(load.outcomes)
        wait_for(lambda: load.count(503, since=cut_at) >= LOAD_THREADS, timeout=30)
        # while it is down: a write, and a token the server has never seen (authentication needs the database)
        down_write = probe.post(
            "/crm/v3/objects/contacts/batch/update", json={"inputs": [{"id": "1", "properties": {"city": "x"}}]}
        )
        assert_unavailable(down_write)
        with make_client(server.url, "pat-local-never-seen-before") as stranger:
            assert_unavailable(stranger.post("/crm/v3/objects/contacts/batch/create", json={"inputs": []}))
        health = probe.get("/_localspot/health")
        assert health.status_code == 503
        assert (health.json()["status"], health.json()["database"]) == ("unavailable", "unreachable")
        proxy.restore()
        restored_at = len(load.outcomes)
        wait_for(lambda: load.count(201, since=restored_at) > 0, timeout=10)
        wait_for(lambda: load.count(201, since=restored_at) >= 6, timeout=30)
        healthy = probe.get("/_localspot/health").json()
        assert (healthy["status"], healthy["database"], healthy["backend"]) == ("ok", "ok", "postgresql")
    statuses = [response.status_code for _, response in load.outcomes]
    assert set(statuses) <= {201, 503}, statuses  # never a 500
    assert 503 in statuses[cut_at:]
    for _, response in load.outcomes:
        if response.status_code == 503:
            assert_unavailable(response)
    # every batch is all there or not there at all; acknowledged ones are all there
    stored = dict(
        outage.db.rows(
            "SELECT properties ->> 'lastname', count(*) FROM records WHERE portal_id = 1 "
            "AND properties ->> 'lastname' LIKE %s GROUP BY 1",
            f"{unique}-%",
        )
    )
    for batch, response in load.outcomes:
        if response.status_code == 201:
            assert stored.get(batch) == BATCH, batch
        else:
            assert stored.get(batch, 0) in (0, BATCH), batch
    claimed = outage.db.value(
        "SELECT count(*) FROM unique_values WHERE portal_id = 1 AND name = 'email' AND value LIKE %s",
        f"%-{unique}-%@example.com",
    )
    assert claimed == sum(stored.values())


def create_contact(http: httpx.Client, email: str) -> int:
    response = http.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {"email": email}}]})
    assert response.status_code == 201, response.text
    return int(response.json()["results"][0]["id"])


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalspotServer, Database]]:
    """A server straight on its own database (no proxy), with a short statement timeout."""
    skip_unless_postgres()
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    assert storage.database_url is not None
    server = LocalspotServer(storage, TOKEN, extra_args=[*POOL_ARGS, "--statement-timeout-ms", "300"]).start()
    db = Database(storage.database_url)
    try:
        yield server, db
    finally:
        db.close()
        server.stop()
        storage.drop()


def test_connections_the_database_dropped_are_replaced_without_an_error(direct, unique: str) -> None:
    """What a database restart leaves behind: pooled connections that are dead. The first request finds out
    at BEGIN, before sending anything, and moves on to a working connection."""
    server, db = direct
    with make_client(server.url, TOKEN) as http:
        for n in range(3):
            create_contact(http, f"before{n}-{unique}@example.com")
        killed = db.rows(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert killed  # the server had pooled connections, all gone now
        for n in range(3):
            create_contact(http, f"after{n}-{unique}@example.com")


def test_a_statement_over_the_timeout_is_a_503_and_writes_nothing(direct, unique: str) -> None:
    server, db = direct
    with make_client(server.url, TOKEN) as http:
        record_id = create_contact(http, f"slow-{unique}@example.com")
        db.execute("BEGIN")
        try:
            db.execute("SELECT id FROM records WHERE portal_id = 1 AND id = %s FOR UPDATE", record_id)
            started = time.monotonic()
            response = http.post(
                "/crm/v3/objects/contacts/batch/update",
                json={"inputs": [{"id": str(record_id), "properties": {"city": "Lisbon"}}]},
            )
            assert_unavailable(response)
            assert time.monotonic() - started < 5
        finally:
            db.execute("ROLLBACK")
    properties = db.value("SELECT properties FROM records WHERE portal_id = 1 AND id = %s", record_id)
    assert "city" not in properties


# Statement timeout of the partition test: a transaction is cut 2 x 500 ms after it began.
PARTITION_STATEMENT_TIMEOUT_MS = 500


@pytest.fixture
def partition(tmp_path_factory: pytest.TempPathFactory, postgres_only: None) -> Iterator[Outage]:
    yield from proxied_server(tmp_path_factory, "--statement-timeout-ms", str(PARTITION_STATEMENT_TIMEOUT_MS))


def test_a_silent_partition_answers_503_within_its_bound_then_recovers(partition: Outage, unique: str) -> None:
    """Packets dropped, nobody told: no reset, no close, so the driver would wait forever on its read.
    Every request still ends, in a 503, soon after the transaction bound; the server recovers alone."""
    server, proxy = partition.server, partition.proxy
    with make_client(server.url, TOKEN) as http:
        record_id = create_contact(http, f"before-{unique}@example.com")
        proxy.black_hole()
        try:
            started = time.monotonic()
            requests = [
                lambda: http.post(
                    "/crm/v3/objects/contacts/batch/update",
                    json={"inputs": [{"id": str(record_id), "properties": {"city": "Lisbon"}}]},
                ),
                lambda: http.get(f"/crm/v3/objects/contacts/{record_id}"),
                lambda: http.post(
                    "/crm/v3/objects/contacts/batch/create",
                    json={"inputs": [{"properties": {"email": f"during-{unique}@example.com"}}]},
                ),
            ]
            for request in requests:
                sent = time.monotonic()
                assert_unavailable(request())
                # the bound (1 s), the pool's short wait once the database is suspect, and some slack
                assert time.monotonic() - sent < 6
            assert time.monotonic() - started < 15
        finally:
            proxy.restore()
        wait_for(lambda: http.get(f"/crm/v3/objects/contacts/{record_id}").status_code == 200, timeout=20)
        create_contact(http, f"after-{unique}@example.com")
    properties = partition.db.value("SELECT properties FROM records WHERE portal_id = 1 AND id = %s", record_id)
    assert "city" not in properties
    assert not partition.db.rows(
        "SELECT id FROM records WHERE portal_id = 1 AND properties ->> 'email' = %s", f"during-{unique}@example.com"
    )


@pytest.fixture
def one_connection(tmp_path_factory: pytest.TempPathFactory, postgres_only: None) -> Iterator[Outage]:
    """A server whose pool has one connection, statements that may wait longer than the pool does."""
    yield from proxied_server(tmp_path_factory, "--pool-size", "1", "--statement-timeout-ms", "20000")


def test_an_exhausted_pool_is_answered_as_busy_not_as_an_outage(one_connection: Outage, unique: str) -> None:
    """The one connection is held by a request waiting on a row lock; the next request finds no free
    connection within the pool's wait: the server is busy (503, saying so), the database is not down."""
    server, db = one_connection.server, one_connection.db
    with make_client(server.url, TOKEN) as http, make_client(server.url, TOKEN) as other:
        record_id = create_contact(http, f"busy-{unique}@example.com")
        db.execute("BEGIN")
        try:
            db.execute("SELECT id FROM records WHERE portal_id = 1 AND id = %s FOR UPDATE", record_id)
            holder = threading.Thread(
                target=http.post,
                args=("/crm/v3/objects/contacts/batch/update",),
                kwargs={"json": {"inputs": [{"id": str(record_id), "properties": {"city": "Lisbon"}}]}},
            )
            holder.start()
            time.sleep(0.5)  # the update now holds the connection, waiting on the lock
            busy = other.get(f"/crm/v3/objects/contacts/{record_id}")
            assert_error(
                busy,
                503,
                "SERVICE_UNAVAILABLE",
                "The service is temporarily unavailable; the server is busy: every database connection is in use. "
                "Retry the request.",
            )
        finally:
            db.execute("ROLLBACK")
        holder.join(timeout=30)
        assert other.get(f"/crm/v3/objects/contacts/{record_id}").status_code == 200
