"""PostgreSQL plans that must not depend on table statistics: a fresh database has none until autovacuum
or an ANALYZE gets to it, and a plan chosen blind must still be the fast one (issue #15, item 13)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.search.conditions import Associated
from localspot.crm.search.queries.search import SearchQueries
from localspot.kernel.storage import Session
from localspot.kernel.storage.database import PostgresDatabase
from localspot.kernel.storage.migrate import upgrade
from tests.support.server import skip_unless_postgres, storage_or_skip

TASKS = 5_000
CONTACTS = 50


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresDatabase, list[int]]]:
    """5,000 tasks, each associated with one of 50 contacts (both directions), and no statistics."""
    skip_unless_postgres()
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    assert storage.database_url is not None
    db = PostgresDatabase(storage.database_url, pool_size=2)
    upgrade(db)
    with db.session(write=True) as session:
        for table in ("records", "associations"):
            session.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        ids = session.reserve_ids(TASKS + CONTACTS)
        contacts, tasks = ids[:CONTACTS], ids[CONTACTS:]
        RecordQueries.of(session).insert_records(1, "0-1", [(c, 1, {"email": f"{c}@example.com"}) for c in contacts])
        RecordQueries.of(session).insert_records(1, "0-27", [(t, 1, {"hs_task_subject": "x"}) for t in tasks])
        rows = []
        for n, task in enumerate(tasks):
            contact = contacts[n % CONTACTS]
            rows += [(task, contact, "0-27", "0-1", "HUBSPOT_DEFINED", 204)]
            rows += [(contact, task, "0-1", "0-27", "HUBSPOT_DEFINED", 203)]
        AssociationQueries.of(session).insert_associations(1, rows, 0)
    with db.session(write=False) as session:
        analyzed = session.fetchone(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('records', 'associations') "
            "AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
        )[0]
    assert analyzed == 0
    yield db, contacts
    db.close()
    storage.drop()


def _statements(
    monkeypatch: pytest.MonkeyPatch, run: Any, table: str = "associations"
) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements reading `table` that `run` executes."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    original = Session.execute

    def recording(self: Session, query: str, params: Any = ()) -> Any:
        if f"FROM {table}" in query:
            seen.append((query, tuple(params)))
        return original(self, query, params)

    monkeypatch.setattr(Session, "execute", recording)
    run()
    monkeypatch.undo()
    assert seen
    return seen


def test_an_association_filtered_search_reaches_the_records_by_primary_key_without_statistics(
    database, monkeypatch
) -> None:
    db, contacts = database
    with db.session(write=False) as session:
        search = SearchQueries.of(session)

        def run() -> tuple[int, list[Any]]:
            return search.search_records(1, "0-27", [[Associated("0-1", (contacts[0],))]], None, offset=0, limit=10)

        started = time.monotonic()
        total, page = run()
        elapsed = time.monotonic() - started
        assert total == TASKS // CONTACTS and len(page) == 10
        for query, params in _statements(monkeypatch, run):
            plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
            # The contact's associations are read once, as one primary-key range (an init plan), never
            # rescanned per task (the nested-loop semi join the planner picks blind took 2.3 s here).
            assert "Semi Join" not in plan and "Seq Scan on associations" not in plan, plan
            assert "InitPlan" in plan and "Index Scan using associations_pkey" in plan, plan
    assert elapsed < 0.5, elapsed


def test_association_targets_are_looked_up_by_primary_key_without_statistics(database, monkeypatch) -> None:
    db, contacts = database
    with db.session(write=False) as session:
        found: dict[int, str] = {}

        def run() -> None:
            found.update(AssociationQueries.of(session).record_types(1, contacts[:3]))

        statements = _statements(monkeypatch, run, table="records")
        assert found == {contact: "0-1" for contact in contacts[:3]}
        for query, params in statements:
            plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
            # The ids are the primary key's second column: never a walk of the portal's listing index.
            assert "records_pkey" in plan and "records_listing" not in plan and "Seq Scan" not in plan, plan
