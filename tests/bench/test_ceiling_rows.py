"""The raw ceiling writes every row the server keeps for a tasks batch create: a few batches through the
server (and the reads that bring in what it defers) and the same number through `bench/ceiling.py` add the
same rows to every table, and advance the id counter alike. Run on both backends, so neither can drift."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench import ceiling, seed, workloads
from bench.runner import deferred_work_s
from bench.server import Storage, fresh_server
from localspot.kernel.storage.migrate import upgrade
from tests.support.server import BACKEND_ENV, DEFAULT_PG_ADMIN_URL, PG_ADMIN_URL_ENV

BATCHES = 3
CONTACTS = 20


def _admin_url() -> str | None:
    if os.environ.get(BACKEND_ENV) == "postgres":
        return os.environ.get(PG_ADMIN_URL_ENV, DEFAULT_PG_ADMIN_URL)
    return None


def _counts(storage: Storage) -> dict[str, int]:
    """Rows of every table (virtual ones too: SQLite's full-text index and its vocabulary), and the last
    record id handed out."""
    database = storage.open()
    try:
        with database.session(write=False) as session:
            if storage.database_url:
                names = [r[0] for r in session.fetchall("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                last = session.fetchone("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM record_ids")[0]
            else:
                names = [r[0] for r in session.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
                last = session.fetchone("SELECT value FROM id_counters WHERE name = 'records'")[0]
            found = {name: session.fetchone(f'SELECT count(*) FROM "{name}"')[0] for name in names}
    finally:
        database.close()
    return {**found, "last record id": int(last)}


def _added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before.get(name, 0) for name in after}


def _server_adds(admin_url: str | None) -> tuple[dict[str, int], dict[str, Any]]:
    with fresh_server("rows", admin_url) as (server, storage), seed.client(server.url) as api:
        contact_ids = seed.contacts(api, CONTACTS)
        deferred_work_s(server.url, contact_ids[0])  # the contacts' own deferred work, before the count
        before = _counts(storage)
        for request in workloads.tasks_batch_create(contact_ids)[:BATCHES]:
            response = api.post(request["path"], content=request["body"], headers={"Content-Type": "application/json"})
            assert response.status_code == 201, response.text
        deferred_work_s(server.url, contact_ids[0])
        after = _counts(storage)
        return _added(before, after), {"contact_ids": contact_ids}


def test_the_ceiling_writes_the_rows_the_server_keeps_for_a_batch_create(tmp_path: Path) -> None:
    admin_url = _admin_url()
    server_added, seeded = _server_adds(admin_url)
    storage = Storage.fresh(tmp_path, admin_url, "ceilingrows")
    try:
        database = storage.open()
        upgrade(database)
        database.close()
        before = _counts(storage)
        measured = ceiling.measure(storage, 0, seeded["contact_ids"], batches=BATCHES, concurrency=2)
        ceiling_added = _added(before, _counts(storage))
    finally:
        storage.drop()
    assert measured["batches"] == BATCHES
    # The daily usage counter: one row per portal and day, which the server's seeding requests made already.
    assert server_added.pop("rate_counters") == 0 and ceiling_added.pop("rate_counters") == 1
    assert server_added["records"] == BATCHES * workloads.BATCH
    assert server_added["last record id"] == BATCHES * workloads.BATCH
    assert {name: n for name, n in ceiling_added.items() if n} == {name: n for name, n in server_added.items() if n}
    assert ceiling_added == server_added, (ceiling_added, server_added)
