"""Lookups of records by id stay on SQLite's rowid, with or without ANALYZE statistics: the listing index's
portal_id prefix would otherwise make them scan every record of the portal."""

from __future__ import annotations

from typing import Any

import pytest

from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.objects.queries.lifecycle import LifecycleQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.kernel.storage import Session
from localspot.kernel.storage.database import SqliteDatabase
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.session import Statements


@pytest.fixture
def database(tmp_path):
    db = SqliteDatabase(str(tmp_path / "plans.db"))
    upgrade(db)
    with db.session(write=True) as session:
        ids = session.reserve_ids(300)
        RecordQueries.of(session).insert_records(1, "0-27", [(rid, 1, {"hs_task_subject": "x"}) for rid in ids[:200]])
        RecordQueries.of(session).insert_records(1, "0-48", [(rid, 1, {"hs_call_title": "y"}) for rid in ids[200:]])
    yield db, ids
    db.close()


def _plans(
    session: Session, monkeypatch: pytest.MonkeyPatch, lookup: Any, method: str = "fetchall", starts: str = ""
) -> list[str]:
    """The query plan of every statement starting with `starts` that `lookup` runs through `method`."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    original = getattr(Statements, method)

    def recording(self: Session, query: str, params: Any = ()) -> Any:
        if query.startswith(starts):
            seen.append((query, tuple(params)))
        return original(self, query, params)

    monkeypatch.setattr(Statements, method, recording)
    lookup()
    monkeypatch.undo()
    assert seen
    return [
        " / ".join(row[3] for row in session.fetchall(f"EXPLAIN QUERY PLAN {query}", params)) for query, params in seen
    ]


@pytest.mark.parametrize("lock", [False, True])
def test_fetch_records_uses_the_rowid(database, monkeypatch, lock):
    db, ids = database
    with db.session(write=lock) as session:
        plans = _plans(
            session, monkeypatch, lambda: RecordQueries.of(session).fetch_records(1, "0-48", ids[200:300], lock=lock)
        )
        assert len(RecordQueries.of(session).fetch_records(1, "0-48", ids[150:300], lock=lock)) == 100
    assert all("INTEGER PRIMARY KEY" in plan and "records_listing" not in plan for plan in plans), plans


def test_record_types_uses_the_rowid(database, monkeypatch):
    db, ids = database
    with db.session(write=False) as session:
        plans = _plans(session, monkeypatch, lambda: AssociationQueries.of(session).record_types(1, ids[:100]))
        assert set(AssociationQueries.of(session).record_types(1, ids[190:210]).values()) == {"0-27", "0-48"}
    assert all("INTEGER PRIMARY KEY" in plan and "records_listing" not in plan for plan in plans), plans


def test_delete_records_uses_the_rowid(database, monkeypatch):
    db, ids = database
    with db.session(write=True) as session:
        plans = _plans(
            session, monkeypatch, lambda: LifecycleQueries.of(session).delete_records(1, ids[:100]), "execute", "DELETE"
        )
        assert session.fetchone("SELECT count(*) FROM records")[0] == 200
    assert all("INTEGER PRIMARY KEY" in plan and "records_listing" not in plan for plan in plans), plans


def test_the_pending_bound_check_reads_the_rowid_ends_alone(database, monkeypatch):
    """Each association write checks the pending table's size; scanning it grew every write's cost with it."""
    db, ids = database
    rows = [(rid, ids[0], "0-27", "0-1", "HUBSPOT_DEFINED", 204) for rid in ids[1:200]]
    with db.session(write=True) as session:
        plans = _plans(
            session,
            monkeypatch,
            lambda: AssociationQueries.of(session).insert_associations(1, rows, 5),
            "fetchone",
            "SELECT (SELECT min(seq)",
        )
    assert plans and all("SCAN association_pending" not in plan for plan in plans), plans
    assert all("SEARCH association_pending" in plan for plan in plans), plans
