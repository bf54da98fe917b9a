"""Archived records never appear in search, and the SQLite full-text index follows every record write
(including ones made straight through the store, as archiving and bulk seeding are): writes are noted
in search_pending and a `query` brings the index up to date first. In-process, on SQLite:
there is no archive endpoint in this area, so the store's archive is called directly."""

from __future__ import annotations

import msgspec
import pytest

from localspot.app import Services
from localspot.crm.objects.inputs import CreateInput, UpdateInput
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.search.service import SearchRequest
from localspot.kernel.storage import open_database
from tests.crm.search.conftest import PRINCIPAL


def ids(services: Services, **request) -> tuple[int, list[str]]:
    body = services.search.search(PRINCIPAL, "tasks", SearchRequest(**request))
    return body["total"], [r["id"] for r in body["results"]]


def test_archived_records_leave_search_and_the_full_text_index(services):
    inputs = [CreateInput(properties={"hs_timestamp": "0", "hs_task_subject": f"quill {i}"}) for i in range(4)]
    created = [r["id"] for r in services.records.batch_create(PRINCIPAL, "tasks", inputs).results]
    assert ids(services, query="quill") == (4, created)
    with services.database.session(write=True) as session:
        RecordQueries.of(session).archive_records(1, "0-27", [int(created[1])], 1)
    assert ids(services, query="quill") == (3, [created[0], *created[2:]])
    assert ids(services, query="quill", limit=1, after="1") == (3, [created[2]])
    assert ids(services, limit=200) == (3, [created[0], *created[2:]])
    with services.database.session(write=False) as session:
        indexed = session.fetchall("SELECT rowid FROM record_search ORDER BY rowid")
    assert [str(row[0]) for row in indexed] == [created[0], *created[2:]]


def test_updates_and_deletes_keep_the_full_text_index_in_step(services):
    inputs = [CreateInput(properties={"hs_timestamp": "0", "hs_task_subject": "kestrel"})]
    created = services.records.batch_create(PRINCIPAL, "tasks", inputs).results[0]["id"]
    services.records.batch_update(PRINCIPAL, "tasks", [UpdateInput(id=created, properties={"hs_task_body": "osprey"})])
    assert ids(services, query="kestrel osprey") == (1, [created])
    services.records.batch_update(PRINCIPAL, "tasks", [UpdateInput(id=created, properties={"hs_task_subject": ""})])
    assert ids(services, query="kestrel") == (0, [])
    with services.database.session(write=True) as session:
        session.execute("DELETE FROM records WHERE id = ?", (int(created),))
    assert ids(services, query="osprey") == (0, [])
    with services.database.session(write=False) as session:
        assert session.fetchone("SELECT count(*) FROM record_search")[0] == 0
        assert session.fetchone("SELECT count(*) FROM search_pending")[0] == 0


def test_remembered_totals_follow_writes_from_this_and_other_connections(services, tmp_path):
    def total(svc: Services) -> int:
        return svc.search.search(PRINCIPAL, "tasks", SearchRequest(limit=1))["total"]

    def create(svc: Services, count: int) -> None:
        inputs = [CreateInput(properties={"hs_timestamp": "0"}) for _ in range(count)]
        svc.records.batch_create(PRINCIPAL, "tasks", inputs)

    create(services, 3)
    assert total(services) == 3 and total(services) == 3
    create(services, 2)
    assert total(services) == 5
    other_database = open_database(None, str(tmp_path / "search.db"))  # another connection, as another worker
    try:
        other = Services(other_database)
        assert total(other) == 5
        create(other, 4)
        assert total(services) == 9 and total(other) == 9
        with other_database.session(write=True) as session:
            RecordQueries.of(session).archive_records(1, "0-27", [1], 2)
        assert total(services) == 8
    finally:
        other_database.close()


def test_query_without_the_vocabulary_table_of_an_early_0004(services):
    inputs = [CreateInput(properties={"hs_timestamp": "0", "hs_task_subject": f"plover{i}"}) for i in range(3)]
    created = [r["id"] for r in services.records.batch_create(PRINCIPAL, "tasks", inputs).results]
    with services.database.session(write=True) as session:
        session.execute("DROP TABLE record_search_terms")
    assert ids(services, query="plover") == (3, created)
    assert ids(services, query="plover1") == (1, [created[1]])


def status_search(services: Services, status: str) -> tuple[int, list[str]]:
    request = {
        "filterGroups": [{"filters": [{"propertyName": "hs_task_status", "operator": "EQ", "value": status}]}],
        "sorts": [{"propertyName": "hs_timestamp", "direction": "DESCENDING"}],
        "limit": 200,
    }
    body = services.search.search(PRINCIPAL, "tasks", msgspec.convert(request, SearchRequest))
    return body["total"], [r["id"] for r in body["results"]]


def test_the_lazy_search_keys_follow_inserts_updates_archives_and_deletes_made_through_the_store(services):
    """SQLite keeps the indexed properties' values in search_rows, caught up by the next search: new
    records by their ids (no trigger on insert), changes through search_pending."""
    with services.database.session(write=True) as session:
        first, second, third = session.reserve_ids(3)
        RecordQueries.of(session).insert_records(
            1,
            "0-27",
            [
                (first, 1, {"hs_task_status": "WAITING", "hs_timestamp": "2025-01-01T00:00:00.000Z"}),
                (second, 1, {"hs_task_status": "WAITING", "hs_timestamp": "2025-03-01T00:00:00.000Z"}),
                (third, 1, {"hs_task_status": "DEFERRED", "hs_timestamp": "2025-02-01T00:00:00.000Z"}),
            ],
        )
    assert status_search(services, "WAITING") == (2, [str(second), str(first)])
    services.records.batch_update(
        PRINCIPAL, "tasks", [UpdateInput(id=str(third), properties={"hs_task_status": "WAITING"})]
    )
    assert status_search(services, "WAITING") == (3, [str(second), str(third), str(first)])
    assert status_search(services, "DEFERRED") == (0, [])
    with services.database.session(write=True) as session:
        RecordQueries.of(session).archive_records(1, "0-27", [second], 2)
        session.execute("DELETE FROM records WHERE id = ?", (first,))
    assert status_search(services, "WAITING") == (1, [str(third)])
    with services.database.session(write=False) as session:
        assert session.fetchall("SELECT id, k_hs_task_status, k_hs_timestamp FROM search_rows") == [
            (third, "WAITING", "2025-02-01T00:00:00.000Z")
        ]


@pytest.mark.parametrize(
    ("filters", "sort", "reads"),
    [
        ([{"propertyName": "hs_task_status", "operator": "EQ", "value": "WAITING"}], None, "search_rows"),
        ([{"propertyName": "hs_task_priority", "operator": "EQ", "value": "HIGH"}], "hs_timestamp", "search_rows"),
        ([{"propertyName": "hs_task_priority", "operator": "EQ", "value": "HIGH"}], None, "records"),
        ([], "hs_task_priority", "records"),
    ],
)
def test_searches_read_search_rows_only_for_indexed_properties(services, monkeypatch, filters, sort, reads):
    from localspot.kernel.storage.session import Statements

    seen: list[str] = []
    original = Statements.fetchone

    def recording(self, query, params=()):
        seen.append(query)
        return original(self, query, params)

    monkeypatch.setattr(Statements, "fetchone", recording)
    request = {"filterGroups": [{"filters": filters}] if filters else [], "sorts": [sort] if sort else []}
    services.search.search(PRINCIPAL, "tasks", msgspec.convert(request, SearchRequest))
    counts = [query for query in seen if query.startswith("SELECT count(*)")]
    assert len(counts) == 1 and f"FROM {reads} r " in counts[0], counts
