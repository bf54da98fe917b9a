"""SQLite draws ids in blocks held in memory (`SqliteIdBlock`): unique and increasing in commit order across
every connection to the file (two opens of one file stand for two processes), never reused after a rolled-back
reservation or a process that died holding a block; a gap is allowed, a duplicate never."""

from __future__ import annotations

import random

import pytest

from localspot.kernel.storage import open_database
from localspot.kernel.storage.dialects import SqliteIdBlock
from localspot.kernel.storage.migrate import upgrade


@pytest.fixture
def path(tmp_path):
    path = str(tmp_path / "ids.db")
    database = open_database(None, path)
    upgrade(database)
    database.close()
    return path


def reserve(database, count: int = 1) -> list[int]:
    with database.session(write=True) as session:
        return session.reserve_ids(count)


def counter(database) -> int:
    with database.session(write=False, settle=False) as session:
        return session.fetchone("SELECT value FROM id_counters WHERE name = 'records'")[0]


def test_one_connection_takes_consecutive_ids_from_one_reservation(path):
    database = open_database(None, path)
    try:
        before = counter(database)
        ids = [i for _ in range(10) for i in reserve(database)] + reserve(database, 5)
        assert ids == list(range(before + 1, before + 16))
        assert counter(database) == before + SqliteIdBlock.BLOCK  # one UPDATE for all of them
        big = reserve(database, 3 * SqliteIdBlock.BLOCK)  # more than a block: a reservation of its own
        assert big == list(range(before + SqliteIdBlock.BLOCK + 1, before + 4 * SqliteIdBlock.BLOCK + 1))
    finally:
        database.close()


def test_interleaved_connections_get_unique_ids_increasing_in_commit_order(path):
    first, second = open_database(None, path), open_database(None, path)
    try:
        drawn: list[int] = []
        chooser = random.Random(18)
        for _ in range(300):
            drawn.extend(reserve(chooser.choice((first, second)), chooser.choice((1, 1, 2, 7))))
        assert drawn == sorted(drawn)
        assert len(set(drawn)) == len(drawn)
    finally:
        first.close()
        second.close()


def test_a_reservation_rolled_back_is_not_used(path):
    first, second = open_database(None, path), open_database(None, path)
    try:
        taken = reserve(first)
        # The block is spent: the next reservation is a fresh one, which rolls back with its transaction.
        with pytest.raises(RuntimeError), first.session(write=True) as session:
            session.reserve_ids(SqliteIdBlock.BLOCK)
            raise RuntimeError("the request failed")
        from_second = reserve(second, 3)  # reserves where the rolled-back reservation had begun
        again = reserve(first)
        assert len({*taken, *from_second, *again}) == 5
        assert again[0] > max(from_second)
    finally:
        first.close()
        second.close()


def test_a_process_that_dies_with_a_block_leaves_a_gap_not_a_duplicate(path):
    dying = open_database(None, path)
    held = reserve(dying)
    dying.close()  # its block's other ids are lost with it, as under kill -9
    survivor = open_database(None, path)
    try:
        after = reserve(survivor)
        assert after[0] > held[0] + SqliteIdBlock.BLOCK - 1
    finally:
        survivor.close()
