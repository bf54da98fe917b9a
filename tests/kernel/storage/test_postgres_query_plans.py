"""PostgreSQL plans that must not depend on table statistics: a fresh database has none until autovacuum
or an ANALYZE gets to it, and a plan chosen blind must still be the fast one (issue #15, item 13)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.objects.queries.unique import UniqueValueQueries
from localspot.crm.search.conditions import Associated, Compare
from localspot.crm.search.queries.search import SearchQueries
from localspot.kernel.schema.catalog import load_catalog
from localspot.kernel.storage import Session
from localspot.kernel.storage.database import PostgresDatabase
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.search_index import target_for
from localspot.kernel.storage.session import Statements
from tests.support.server import skip_unless_postgres, storage_or_skip

TASKS = 50_000
CONTACTS = 50


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresDatabase, list[int]]]:
    """50,000 tasks, each associated with one of 50 contacts (both directions), and no statistics."""
    skip_unless_postgres()
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    assert storage.database_url is not None
    db = PostgresDatabase(storage.database_url, pool_size=2)
    upgrade(db)
    with db.session(write=True) as session:
        for table in ("records", "associations", "unique_values"):
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
        emails = [("email", f"{c}@example.com", c) for c in contacts]
        UniqueValueQueries.of(session).claim_unique_values(1, "0-1", emails)
    with db.session(write=False) as session:
        analyzed = session.fetchone(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('records', 'associations') "
            "AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
        )[0]
    assert analyzed == 0
    yield db, contacts, tasks
    db.close()
    storage.drop()


def _statements(
    monkeypatch: pytest.MonkeyPatch, run: Any, table: str = "associations"
) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements reading `table` that `run` executes."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    original = Statements.execute

    def recording(self: Session, query: str, params: Any = ()) -> Any:
        if f"FROM {table}" in query:
            seen.append((query, tuple(params)))
        return original(self, query, params)

    monkeypatch.setattr(Statements, "execute", recording)
    run()
    monkeypatch.undo()
    assert seen
    return seen


def test_an_association_filtered_search_reaches_the_records_by_primary_key_without_statistics(
    database, monkeypatch
) -> None:
    db, contacts, _ = database
    with db.session(write=False) as session:
        search = SearchQueries.of(session)

        def run() -> tuple[int, list[Any]]:
            return search.search_records(1, "0-27", [[Associated("0-1", (contacts[0],))]], None, offset=0, limit=10)

        started = time.monotonic()
        total, page = run()
        elapsed = time.monotonic() - started
        assert total == TASKS // CONTACTS and len(page) == 10
        for query, params in _statements(monkeypatch, run):
            # The contact's inverse rows (one primary-key range) drive one probe of the records' key per task:
            # never a semi join that rescans the associations per task (2.3 s for 5,000 tasks), nor a walk of
            # every task on a search index's (portal_id, archived) prefix (170 ms for 50,000 tasks).
            plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
            assert "Semi Join" not in plan and "Index Scan using associations_pkey" in plan, plan
            _assert_probes_the_key(session, query, params)
    assert elapsed < 0.5, elapsed


def test_association_targets_are_looked_up_by_primary_key_without_statistics(database, monkeypatch) -> None:
    db, contacts, _ = database
    with db.session(write=False) as session:
        found: dict[int, str] = {}

        def run() -> None:
            found.update(AssociationQueries.of(session).record_types(1, contacts[:3]))

        statements = _statements(monkeypatch, run, table="records")
        assert found == {contact: "0-1" for contact in contacts[:3]}
        for query, params in statements:
            _assert_probes_the_key(session, query, params)


def _assert_probes_the_key(session: Session, query: str, params: Any, key: str = "records_pkey") -> None:
    """The plan reaches the table only through `key`, and each probe is bound to the id (not the portal
    prefix alone, which walks every record of the portal and filters the ids after)."""
    plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
    assert f"Index Scan using {key}" in plan and "Seq Scan" not in plan and "Bitmap" not in plan, plan
    conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert conditions and all("id = " in line or "value = " in line for line in conditions), plan


def test_many_association_targets_are_probed_by_primary_key_without_statistics(database, monkeypatch) -> None:
    # 100 targets among 50,000 records: filtered on `archived` beside the ids, the blind plan walked the
    # portal's listing index (8 ms here, 52 ms among 300,000); each id probed on the key takes 0.3 ms.
    db, _, tasks = database
    with db.session(write=False) as session:
        wanted = tasks[::500][:100]
        found: dict[int, str] = {}

        def run() -> None:
            found.update(AssociationQueries.of(session).record_types(1, wanted))

        statements = _statements(monkeypatch, run, table="records")
        assert found == dict.fromkeys(wanted, "0-27")
        for query, params in statements:
            _assert_probes_the_key(session, query, params)


@pytest.mark.parametrize("count", [1, 100], ids=["lookup by id", "batch read"])
@pytest.mark.parametrize("lock", [False, True])
def test_records_are_fetched_by_primary_key_without_statistics(database, monkeypatch, count, lock) -> None:
    db, _, tasks = database
    with db.session(write=lock) as session:
        wanted = tasks[::400][:count]
        found: dict[int, Any] = {}

        def run() -> None:
            found.update(RecordQueries.of(session).fetch_records(1, "0-27", wanted, lock=lock))

        statements = _statements(monkeypatch, run, table="records")
        assert sorted(found) == sorted(wanted)
        for query, params in statements:
            _assert_probes_the_key(session, query, params)


def test_a_search_by_a_unique_value_uses_its_index_without_statistics(database, monkeypatch) -> None:
    db, contacts, _ = database
    contact_type = next(t for t in load_catalog().object_types if t.object_type_id == "0-1")
    email = target_for(contact_type, "email")
    assert email is not None
    with db.session(write=False) as session:
        search = SearchQueries.of(session)
        condition = Compare(email, "=", f"{contacts[7]}@example.com")
        seen: list[Any] = []

        def run() -> None:
            seen.append(search.search_records(1, "0-1", [[condition]], None, offset=0, limit=10))

        statements = _statements(monkeypatch, run, table="records")
        total, page = seen[0]
        assert total == 1 and [record.id for record in page] == [contacts[7]]
        for query, params in statements:
            plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
            assert "search_0_1_email" in plan or "records_pkey" in plan, plan
            assert "Seq Scan" not in plan and "records_listing" not in plan, plan


def test_a_lookup_by_unique_value_probes_its_key_without_statistics(database, monkeypatch) -> None:
    # What a batch read or update by idProperty resolves its values through.
    db, contacts, _ = database
    with db.session(write=False) as session:
        values = [f"{c}@example.com" for c in contacts[:20]]
        found: dict[str, int] = {}

        def run() -> None:
            found.update(UniqueValueQueries.of(session).unique_owners(1, "0-1", "email", values))

        statements = _statements(monkeypatch, run, table="unique_values")
        assert found == {f"{c}@example.com": c for c in contacts[:20]}
        for query, params in statements:
            plan = "\n".join(row[0] for row in session.fetchall(f"EXPLAIN {query}", params))
            assert "Index" in plan and "Seq Scan" not in plan, plan
