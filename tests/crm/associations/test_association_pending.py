"""SQLite: a new record's own association rows are written at once; the inverse rows, keyed by older records,
wait in association_pending and are settled into `associations` in record order before anything reads or
deletes them: by every read session, and by each store method that reads or deletes associations in a write
session. In-process, on SQLite (PostgreSQL writes them directly)."""

from __future__ import annotations

import pytest

from localspot.app import Services
from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.objects.inputs import CreateInput
from localspot.kernel.storage import open_database
from tests.support.in_process import PRINCIPAL, create_tasks_on, services_on


@pytest.fixture
def services(tmp_path):
    yield from services_on(tmp_path / "pending.db")


def create_contact(services: Services) -> int:
    return int(services.records.batch_create(PRINCIPAL, "contacts", [CreateInput(properties={})]).results[0]["id"])


def pending(services: Services) -> int:
    with services.database.session(write=True) as session:  # a write session leaves them waiting
        return session.fetchone("SELECT count(*) FROM association_pending")[0]


def pending_tasks(services: Services) -> list[int]:
    """The tasks whose contact's inverse row is still pending, oldest first."""
    with services.database.session(write=True) as session:
        rows = session.fetchall("SELECT to_id FROM association_pending WHERE from_type = '0-1' ORDER BY seq")
    return [row[0] for row in rows]


def test_a_batch_create_writes_its_own_rows_leaves_the_inverse_pending_and_a_read_session_settles_them(services):
    contact = create_contact(services)
    tasks = create_tasks_on(services, contact, 3)
    assert pending_tasks(services) == tasks
    assert settled(services) == [(t, contact) for t in tasks]
    with services.database.session(write=False) as session:
        assert session.fetchone("SELECT count(*) FROM association_pending")[0] == 0
        assert [row[:2] for row in AssociationQueries.of(session).live_associations(1, [contact], ["0-27"])] == [
            (contact, t) for t in tasks
        ]
        assert [row[:2] for row in AssociationQueries.of(session).live_associations(1, tasks, ["0-1"])] == [
            (t, contact) for t in tasks
        ]
        assert session.fetchone("SELECT count(*) FROM associations")[0] == 6


def test_deletes_and_limit_counts_in_a_write_session_see_pending_rows(services):
    contact = create_contact(services)
    first, second = create_tasks_on(services, contact, 2)
    with services.database.session(write=True) as session:
        slot = (contact, "0-27", "HUBSPOT_DEFINED", 203)
        assert AssociationQueries.of(session).counts_under_limits(1, [slot]) == {slot: 2}
        assert session.fetchone("SELECT count(*) FROM association_pending")[0] == 0
    create_tasks_on(services, contact, 1)
    with services.database.session(write=True) as session:
        AssociationQueries.of(session).delete_association_pairs(1, [(contact, first)])
        AssociationQueries.of(session).delete_associations_of(1, [second])
    with services.database.session(write=False) as session:
        assert len(AssociationQueries.of(session).live_associations(1, [contact], ["0-27"])) == 1
        assert AssociationQueries.of(session).live_associations(1, [first, second], ["0-1"]) == []


def test_another_connection_reads_what_this_one_left_pending(services, tmp_path):
    contact = create_contact(services)
    tasks = create_tasks_on(services, contact, 2)
    other = open_database(None, str(tmp_path / "pending.db"))  # another worker process's connection
    Services(other)  # wired as a worker wires it: the associations area registers its deferred rows
    try:
        with other.session(write=False) as session:
            assert [row[1] for row in AssociationQueries.of(session).live_associations(1, [contact], ["0-27"])] == tasks
    finally:
        other.close()
    assert pending(services) == 0


def test_an_association_given_twice_is_settled_once(services):
    contact = create_contact(services)
    task = create_tasks_on(services, contact, 1)[0]
    with services.database.session(write=True) as session:
        AssociationQueries.of(session).insert_associations(
            1, [(task, contact, "0-27", "0-1", "HUBSPOT_DEFINED", 204)], 5
        )
    with services.database.session(write=False) as session:
        rows = session.fetchall("SELECT from_id, to_id, type_id FROM associations ORDER BY from_id")
    assert rows == [(contact, task, 203), (task, contact, 204)]


def settled(services: Services) -> list[tuple[int, int]]:
    with services.database.session(write=True) as session:
        return [tuple(row) for row in session.fetchall("SELECT from_id, to_id FROM associations ORDER BY 1, 2")]


def sorted_rows(services: Services) -> list[tuple[int, int]]:
    with services.database.session(write=True) as session:
        rows = session.fetchall("SELECT from_id, to_id FROM association_sorted ORDER BY seq")
    return [tuple(row) for row in rows]


def test_past_the_bound_the_oldest_are_sorted_and_each_writer_settles_a_slice_in_record_order(services, monkeypatch):
    monkeypatch.setattr("localspot.crm.associations.queries.associations.MAX_PENDING_ROWS", 2)
    monkeypatch.setattr("localspot.crm.associations.queries.associations.STAGED_ROWS", 4)
    first_contact, second_contact = create_contact(services), create_contact(services)
    [t1] = create_tasks_on(services, first_contact, 1)
    [t2] = create_tasks_on(services, second_contact, 1)
    assert pending_tasks(services) == [t1, t2]
    # 3 pending: all 3 are sorted by record, and this write settles the first 2 (twice its 1 pending row):
    # the first contact's two, before the second contact's older one.
    [t3] = create_tasks_on(services, first_contact, 1)
    assert pending(services) == 0
    assert sorted_rows(services) == [(second_contact, t2)]
    own = [(t1, first_contact), (t2, second_contact), (t3, first_contact)]
    assert settled(services) == sorted([(first_contact, t1), (first_contact, t3), *own])
    # The next write settles what is left of them (fewer than 2) and leaves its own inverse row pending.
    [t4] = create_tasks_on(services, second_contact, 1)
    assert sorted_rows(services) == []
    assert pending_tasks(services) == [t4]
    assert len(settled(services)) == 7
    with services.database.session(write=False) as session:
        assert [row[1] for row in AssociationQueries.of(session).live_associations(1, [first_contact], ["0-27"])] == [
            t1,
            t3,
        ]
        assert [row[1] for row in AssociationQueries.of(session).live_associations(1, [second_contact], ["0-27"])] == [
            t2,
            t4,
        ]
    assert pending(services) == 0 and sorted_rows(services) == []


def test_a_reader_settles_the_sorted_rows_before_the_pending_ones(services, monkeypatch):
    """Sorted rows are older than every pending one: of duplicates across the two, the sorted one wins."""
    monkeypatch.setattr("localspot.crm.associations.queries.associations.MAX_PENDING_ROWS", 1)
    monkeypatch.setattr("localspot.crm.associations.queries.associations.STAGED_ROWS", 2)
    contact = create_contact(services)
    task = create_tasks_on(services, contact, 1)[0]
    assert pending(services) == 1 and len(settled(services)) == 1
    with services.database.session(write=True) as session:
        session.execute("DELETE FROM associations")
        session.execute(
            "INSERT INTO association_sorted (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
            "created_at) VALUES (1, ?, ?, '0-27', '0-1', 'HUBSPOT_DEFINED', 204, 7)",
            (task, contact),
        )
        session.execute(
            "INSERT INTO association_pending (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
            "created_at) VALUES (1, ?, ?, '0-27', '0-1', 'HUBSPOT_DEFINED', 204, 9)",
            (task, contact),
        )
    with services.database.session(write=False) as session:
        rows = session.fetchall("SELECT from_id, to_id, created_at FROM associations WHERE from_id = ?", (task,))
    assert rows == [(task, contact, 7)]
    assert pending(services) == 0 and sorted_rows(services) == []


def test_a_duplicate_settled_in_a_later_chunk_is_dropped(services, monkeypatch):
    monkeypatch.setattr("localspot.crm.associations.queries.associations.MAX_PENDING_ROWS", 1)
    monkeypatch.setattr("localspot.crm.associations.queries.associations.STAGED_ROWS", 1)
    contact = create_contact(services)
    task = create_tasks_on(services, contact, 1)[0]  # its own row written, the contact's inverse pending
    with services.database.session(write=True) as session:
        # 2 pending: the oldest (the create's) is settled, the duplicate of the task's own row stays pending
        AssociationQueries.of(session).insert_associations(
            1, [(task, contact, "0-27", "0-1", "HUBSPOT_DEFINED", 204)], 5
        )
    assert pending(services) == 1
    with services.database.session(write=False) as session:
        rows = session.fetchall("SELECT from_id, to_id, type_id, created_at FROM associations ORDER BY from_id")
    assert [row[:3] for row in rows] == [(contact, task, 203), (task, contact, 204)]
    assert 5 not in [row[3] for row in rows]  # the first of the duplicates won
