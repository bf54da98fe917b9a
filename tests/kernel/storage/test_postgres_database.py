"""PostgresDatabase turns every way of losing the database into DatabaseUnavailable, after rolling back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from localspot.crm.objects.queries.unique import UniqueValueQueries
from localspot.kernel.storage import DatabaseUnavailable, UniqueViolation
from localspot.kernel.storage.database import PostgresDatabase
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portals import PortalQueries
from tests.support.server import free_port, skip_unless_postgres, storage_or_skip


def test_a_database_that_cannot_be_reached_is_unavailable_quickly() -> None:
    database = PostgresDatabase(f"postgresql://postgres@127.0.0.1:{free_port()}/none", pool_timeout=0.5)
    try:
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(DatabaseUnavailable), database.session(write=False):
                pass
            assert time.monotonic() - started < 3
    finally:
        database.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresDatabase]:
    skip_unless_postgres()
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    assert storage.database_url is not None
    opened = PostgresDatabase(storage.database_url, pool_size=2)
    upgrade(opened)
    yield opened
    opened.close()
    storage.drop()


@pytest.mark.parametrize(
    "failure",
    [
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
        psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"),
        psycopg.InterfaceError("the connection is closed"),
        PoolTimeout("couldn't get a connection after 10.00 sec"),
    ],
    ids=lambda failure: type(failure).__name__,
)
def test_losing_the_database_mid_transaction_is_unavailable_and_writes_nothing(
    database: PostgresDatabase, failure: Exception
) -> None:
    portal = free_port() + 1_000_000
    with pytest.raises(DatabaseUnavailable), database.session(write=True) as session:
        PortalQueries.of(session).ensure_portal(portal, 0)
        raise failure
    with database.session(write=False) as session:
        assert PortalQueries.of(session).schema_version(portal) == 0
        assert session.fetchone("SELECT count(*) FROM portals WHERE id = ?", (portal,))[0] == 0


def test_a_unique_clash_is_a_unique_violation(database: PostgresDatabase) -> None:
    portal = free_port() + 2_000_000
    with pytest.raises(UniqueViolation), database.session(write=True) as session:
        UniqueValueQueries.of(session).claim_unique_values(
            portal, "0-1", [("email", "a@example.com", 1), ("email", "a@example.com", 2)]
        )
    with database.session(write=False) as session:
        assert UniqueValueQueries.of(session).unique_owners(portal, "0-1", "email", ["a@example.com"]) == {}


def test_other_errors_pass_through_after_a_rollback(database: PostgresDatabase) -> None:
    portal = free_port() + 3_000_000
    with pytest.raises(ValueError), database.session(write=True) as session:
        PortalQueries.of(session).ensure_portal(portal, 0)
        raise ValueError("a bug")
    with database.session(write=False) as session:
        assert session.fetchone("SELECT count(*) FROM portals WHERE id = ?", (portal,))[0] == 0
