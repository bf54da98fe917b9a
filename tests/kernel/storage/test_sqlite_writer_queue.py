"""SQLite: the writers of one file take turns through a lock on a file beside it (`<db>-writer.lock`),
held from BEGIN IMMEDIATE to COMMIT, so that the processes of `serve --workers N` queue in the kernel
rather than sleep in SQLite's busy handler. In-process: a second open of the lock file stands for another
process (flock locks belong to the open file, not to the process)."""

from __future__ import annotations

import fcntl
import threading

import pytest

from localspot.app import Services
from localspot.kernel.storage import open_database
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portals import PortalQueries
from tests.crm.associations.test_association_pending import create_contact, create_tasks_on


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "queue.db")


@pytest.fixture
def database(path):
    database = open_database(None, path)
    upgrade(database)
    yield database
    database.close()


def turn_is_free(path: str) -> bool:
    with open(f"{path}-writer.lock", "a+b") as other_process:
        try:
            fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other_process, fcntl.LOCK_UN)
        return True


def test_a_write_session_holds_the_turn_until_it_commits(database, path):
    assert turn_is_free(path)
    with database.session(write=True) as session:
        PortalQueries.of(session).ensure_portal(7, 0)
        assert not turn_is_free(path)
    assert turn_is_free(path)


def test_a_failed_write_session_gives_the_turn_back(database, path):
    with pytest.raises(RuntimeError), database.session(write=True):
        raise RuntimeError("the service refused the request")
    assert turn_is_free(path)


def test_a_plain_read_never_queues(database, path):
    with database.session(write=False):
        assert turn_is_free(path)


def test_a_read_that_settles_pending_associations_takes_the_turn(database, path):
    services = Services(database)
    create_tasks_on(services, create_contact(services), 3)
    with database.session(write=False):
        assert not turn_is_free(path)
    with database.session(write=False):
        assert turn_is_free(path)  # settled: nothing pending any more


def test_a_second_writer_waits_for_the_turn_and_then_writes(database, path):
    other = open_database(None, path)
    try:
        holding, release, written = threading.Event(), threading.Event(), threading.Event()

        def first() -> None:
            with database.session(write=True) as session:
                PortalQueries.of(session).ensure_portal(7, 0)
                holding.set()
                release.wait(10)

        def second() -> None:
            with other.session(write=True) as session:
                PortalQueries.of(session).ensure_portal(8, 0)
            written.set()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        threads[0].start()
        assert holding.wait(10)
        threads[1].start()
        assert not written.wait(0.3)
        release.set()
        for thread in threads:
            thread.join(10)
        assert written.is_set()
        with other.session(write=False) as session:
            assert session.fetchall("SELECT id FROM portals WHERE id IN (7, 8) ORDER BY id") == [(7,), (8,)]
    finally:
        other.close()


def test_the_checkpointer_skips_its_restart_while_another_process_writes(database, path):
    import sqlite3

    checkpointer = database._checkpointer
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with open(f"{path}-writer.lock", "a+b") as other_process:
            fcntl.flock(other_process, fcntl.LOCK_EX)
            assert checkpointer.restart(conn) is False
            fcntl.flock(other_process, fcntl.LOCK_UN)
        assert checkpointer.restart(conn) is True
    finally:
        conn.close()
