"""Exact totals remembered over SQLite's search indexes: a catch-up carries them to the next generation by
their delta over the records it re-indexed, without counting every match again; a catch-up by another
process and a portal's reset make them counted afresh. In-process, on SQLite, watching the statements the
connection runs."""

from __future__ import annotations

import random

import msgspec
import pytest

from localspot.app import Services
from localspot.crm.objects.inputs import CreateInput, UpdateInput
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.search.queries import search as search_queries
from localspot.crm.search.service import SearchRequest
from localspot.kernel.storage import open_database
from localspot.kernel.storage.portal_data import PortalData
from tests.crm.search.conftest import PRINCIPAL
from tests.crm.search.test_search_archived import ids

STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
FULL_COUNT = "SELECT count(*) FROM search_rows r WHERE"  # a delta reads `search_rows r NOT INDEXED`


def status_total(svc: Services, status: str) -> int:
    request = {"filterGroups": [{"filters": [{"propertyName": "hs_task_status", "operator": "EQ", "value": status}]}]}
    return svc.search.search(PRINCIPAL, "tasks", msgspec.convert(request, SearchRequest))["total"]


def stored_totals(svc: Services) -> dict[str, int]:
    with svc.database.session(write=False) as session:
        rows = session.fetchall(
            "SELECT json_extract(properties, '$.hs_task_status'), count(*) FROM records "
            "WHERE portal_id = 1 AND object_type_id = '0-27' AND archived = 0 GROUP BY 1"
        )
    return {status: dict(rows).get(status, 0) for status in STATUSES}


def create(svc: Services, rng: random.Random, count: int) -> list[str]:
    inputs = [
        CreateInput(properties={"hs_timestamp": "0", "hs_task_status": rng.choice(STATUSES)}) for _ in range(count)
    ]
    return [r["id"] for r in svc.records.batch_create(PRINCIPAL, "tasks", inputs).results]


@pytest.fixture
def statements(services):
    seen: list[str] = []
    services.database.raw_connection.set_trace_callback(seen.append)
    yield seen
    services.database.raw_connection.set_trace_callback(None)


def full_counts(statements: list[str]) -> int:
    return sum(1 for s in statements if s.startswith(FULL_COUNT))


def test_a_catch_up_carries_every_total_by_its_delta(services, statements):
    rng = random.Random(3)
    created = create(services, rng, 60)
    assert {s: status_total(services, s) for s in STATUSES} == stored_totals(services)
    assert full_counts(statements) == len(STATUSES)
    for round_ in range(4):
        statements.clear()
        # Creates, updates that move records between statuses, an archive and a delete, all through one catch-up.
        created += create(services, rng, 5)
        moved = rng.sample(created, 6)
        updates = [UpdateInput(id=i, properties={"hs_task_status": rng.choice(STATUSES)}) for i in moved]
        services.records.batch_update(PRINCIPAL, "tasks", updates)
        gone = created.pop(rng.randrange(len(created))), created.pop(rng.randrange(len(created)))
        with services.database.session(write=True) as session:
            RecordQueries.of(session).archive_records(1, "0-27", [int(gone[0])], 2)
            session.execute("DELETE FROM records WHERE id = ?", (int(gone[1]),))
        assert {s: status_total(services, s) for s in STATUSES} == stored_totals(services), round_
        assert full_counts(statements) == 0, round_  # carried, not recounted


def test_totals_are_counted_afresh_after_another_process_catches_up(services, statements, tmp_path):
    rng = random.Random(5)
    create(services, rng, 30)
    assert status_total(services, "WAITING") == stored_totals(services)["WAITING"]
    other_database = open_database(None, str(tmp_path / "search.db"))  # another worker over the same file
    try:
        other = Services(other_database)
        create(other, rng, 20)
        assert status_total(other, "WAITING") == stored_totals(services)["WAITING"]  # `other` caught up
        statements.clear()
        assert status_total(services, "WAITING") == stored_totals(services)["WAITING"]
        assert full_counts(statements) == 1
    finally:
        other_database.close()


def test_a_large_catch_up_counts_the_totals_it_cannot_carry_cheaply(services, statements, monkeypatch):
    rng = random.Random(7)
    create(services, rng, 20)
    expected = stored_totals(services)
    assert {s: status_total(services, s) for s in STATUSES} == expected
    monkeypatch.setattr(search_queries, "MAX_DELTA_PROBES", 20)  # 10 records noted: two totals carried
    create(services, rng, 10)
    statements.clear()
    assert {s: status_total(services, s) for s in STATUSES} == stored_totals(services)
    assert full_counts(statements) == len(STATUSES) - 2


def test_a_portal_reset_empties_its_totals_and_its_full_text_matches(services):
    inputs = [
        CreateInput(properties={"hs_timestamp": "0", "hs_task_subject": f"heron {i}", "hs_task_status": "WAITING"})
        for i in range(3)
    ]
    services.records.batch_create(PRINCIPAL, "tasks", inputs)
    assert ids(services, query="heron")[0] == 3
    before = {s: status_total(services, s) for s in STATUSES}
    assert sum(before.values()) == 3
    with services.database.session(write=True) as session:
        PortalData.of(session).delete(1)
    assert ids(services, query="heron") == (0, [])
    assert {s: status_total(services, s) for s in STATUSES} == dict.fromkeys(STATUSES, 0)


@pytest.mark.parametrize("analyzed", [False, True])
def test_the_deltas_probe_the_noted_records_by_rowid(services, statements, analyzed):
    """Without statistics, and with statistics taken while search_pending was empty (after a bulk load), a
    delta reads only the noted records: never a scan of the matches."""
    rng = random.Random(11)
    for _ in range(3):
        create(services, rng, 100)
    assert {s: status_total(services, s) for s in STATUSES} == stored_totals(services)
    if analyzed:
        with services.database.session(write=True) as session:
            session.execute("ANALYZE")
    create(services, rng, 1)
    statements.clear()
    assert {s: status_total(services, s) for s in STATUSES} == stored_totals(services)
    deltas = [s for s in statements if s.startswith("SELECT count(*) FROM search_rows r NOT INDEXED")]
    assert len(deltas) == 2 * len(STATUSES)
    with services.database.session(write=True) as session:
        session.execute("INSERT INTO search_pending (portal_id, record_id) VALUES (1, 1)")
        plans = [" / ".join(row[3] for row in session.fetchall(f"EXPLAIN QUERY PLAN {s}")) for s in deltas]
        session.execute("DELETE FROM search_pending")
    assert all(plan.startswith("SEARCH r USING INTEGER PRIMARY KEY") and "BLOOM" not in plan for plan in plans), plans
