"""On PostgreSQL, a schema change waits for record writers that validated against the old schema."""

from __future__ import annotations

import threading

import pytest

from localspot.kernel.storage.database import PostgresDatabase
from localspot.kernel.storage.portals import PortalQueries
from tests.support.server import backend_name


@pytest.fixture
def database(server, api):
    if backend_name() != "postgres":
        pytest.skip("SQLite serialises every writer; the row locks are PostgreSQL's")
    api.get("/crm/v3/properties/contacts")  # the server has migrated and portal 1 exists
    args = server.storage.args
    db = PostgresDatabase(args[args.index("--database-url") + 1], pool_size=2)
    yield db
    db.close()


def _schema_change_blocked(db: PostgresDatabase) -> bool:
    """Whether locking the portal's schema from another transaction times out right now."""
    outcome: dict[str, bool] = {}

    def attempt() -> None:
        try:
            with db.session(write=True) as session:
                session.execute("SET LOCAL lock_timeout = '300ms'")
                PortalQueries.of(session).lock_schema(1)
            outcome["blocked"] = False
        except Exception:  # the lock timeout, surfaced as DatabaseUnavailable
            outcome["blocked"] = True

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(10)
    return outcome["blocked"]


def test_record_writers_hold_off_schema_changes_until_they_commit(database):
    with database.session(write=True) as writer:
        PortalQueries.of(writer).schema_version(1)
        assert _schema_change_blocked(database) is True
    assert _schema_change_blocked(database) is False


def test_readers_do_not_block_schema_changes(database):
    with database.session(write=False) as reader:
        PortalQueries.of(reader).schema_version(1)
        assert _schema_change_blocked(database) is False
