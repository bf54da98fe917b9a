"""A session's after-commit callbacks (the webhook worker's wake) run once its COMMIT has succeeded, on both
backends, and never when the transaction rolls back: a wake for rows that were never written would send
the worker to look for nothing, and one before the commit would find the rows not yet visible."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localspot.kernel.storage import open_database
from localspot.kernel.storage.database import Database
from tests.support.server import storage_or_skip


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    storage = storage_or_skip(tmp_path)
    db = open_database(storage.database_url, str(tmp_path / "after-commit.db"), pool_size=1)
    try:
        yield db
    finally:
        db.close()
        storage.drop()


def test_the_callbacks_run_once_after_the_commit(database):
    seen: list[str] = []
    with database.session(write=True) as session:
        session.execute("SELECT 1")
        session.after_commit.append(lambda: seen.append("first"))
        session.after_commit.append(lambda: seen.append("second"))
        assert seen == []
    assert seen == ["first", "second"]


def test_a_rolled_back_transaction_runs_none(database):
    seen: list[str] = []
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        session.after_commit.append(lambda: seen.append("woken"))
        raise RuntimeError("the write failed")
    assert seen == []
    with database.session(write=False) as session:
        assert session.fetchall("SELECT 1") == [(1,)]
    assert seen == []
