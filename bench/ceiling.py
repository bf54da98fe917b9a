"""The raw storage ceiling: every row the server keeps for a tasks batch create, written straight through the
database driver in the transactions the server writes them in: no HTTP, no validation, no rendering. Every
write figure is reported as a share of this.

Per batch of 100, one transaction: the id counter bumped (SQLite's `id_counters` row; PostgreSQL's `record_ids`
sequence), the records with the same JSON properties the load generator sends (its 20 request variants in turn), and
each association in both directions (SQLite, as the store writes them: the new task's own row into `associations`,
the contact's inverse row into `association_pending`; PostgreSQL: both into `associations`, with the same `INSERT
... ON CONFLICT DO NOTHING`). What the server defers to its first reads is done at the end of the run, inside its
time, in one transaction each as the server does: on SQLite, settling the pending associations and bringing the
search keys (`search_rows`) and the full-text index (`record_search`) up to date; then the daily usage counter
(`rate_counters`), which the server adds to every 50 ms. PostgreSQL keeps its search keys in expression indexes on
`records`, so the record inserts write them; there as many connections write at once as the load generator keeps
busy (SQLite has one writer at a time). `tests/bench/test_ceiling_rows.py` checks that the ceiling and the server
add the same rows to every table."""

from __future__ import annotations

import itertools
import resource
import threading
import time
from typing import Any

import msgspec

from bench import workloads
from bench.server import Storage
from bench.workloads import BATCH, VARIANTS
from localspot.control.rate_limits import DAY_MS
from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.search.queries.search import SearchQueries
from localspot.kernel.schema.catalog import load_catalog
from localspot.kernel.storage.search_index import keyed_targets

_encode = msgspec.json.Encoder().encode
INSERT_RECORD = (
    "INSERT INTO records (id, portal_id, object_type_id, created_at, updated_at, archived, properties) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_ASSOCIATION = (
    "INSERT INTO associations (portal_id, from_id, to_id, from_type, to_type, category, type_id, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING"
)
# SQLite: what the store writes for new associations (settled into `associations` by the next reader).
INSERT_PENDING_ASSOCIATION = (
    "INSERT INTO association_pending (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
# The ids, as the server reserves them (kernel/storage/dialects.py).
RESERVE_SQLITE = "UPDATE id_counters SET value = value + ? WHERE name = 'records' RETURNING value"
RESERVE_POSTGRES = "SELECT nextval('record_ids') FROM generate_series(1, %s)"
COUNT_USAGE = (
    "INSERT INTO rate_counters (portal_id, policy, window_start, used) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (portal_id, policy, window_start) DO UPDATE SET used = rate_counters.used + ?"
)


def measure(
    storage: Storage, duration: float, contact_ids: list[int], *, batches: int | None = None, concurrency: int = 1
) -> dict[str, Any]:
    """Writes for `duration` seconds, or exactly `batches` batches when given (bench/instructions.py).

    On PostgreSQL `concurrency` connections write at once, as many as the load generator keeps busy: its
    writers overlap (one waits for its commit's WAL flush while another writes), so one connection alone is
    no ceiling for a server that serves four (it measured below the server). SQLite has one writer at a
    time whatever the number of connections, so its ceiling writes from one."""
    from localspot.kernel.storage.migrate import upgrade

    database = storage.open()
    upgrade(database)  # the same schema and pragmas the server runs with
    postgres = storage.database_url is not None
    # What the load generator sends, encoded before the clock starts as its requests are.
    payloads = [_encode(workloads.task_properties(n)).decode() for n in range(VARIANTS * BATCH)]
    contacts = [contact_ids[n % len(contact_ids)] for n in range(VARIANTS * BATCH)]
    if postgres:
        import psycopg

        # Autocommit, so each `conn.transaction()` below is a transaction that commits, as the server's are (in
        # an open transaction it would be a savepoint, and closing would roll every batch back).
        connections: list[Any] = [
            psycopg.connect(storage.database_url, autocommit=True) for _ in range(max(1, concurrency))
        ]
        conn = connections[0]
        record_sql, association_sql = (s.replace("?", "%s") for s in (INSERT_RECORD, INSERT_ASSOCIATION))
    else:
        conn = database.raw_connection
        record_sql, association_sql = INSERT_RECORD, INSERT_PENDING_ASSOCIATION
    first_id = _last_id(conn, postgres) + 1
    numbers = itertools.count()  # batch numbers, shared by the writers (next() on it is atomic in CPython)
    written: list[int] = []

    def postgres_writer(connection: Any, deadline: float) -> None:
        count = 0
        while True:
            number = next(numbers)
            if (wanted is not None and number >= wanted) or (wanted is None and time.perf_counter() >= deadline):
                break
            now = int(time.time() * 1000)
            base = (number % VARIANTS) * BATCH
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute(RESERVE_POSTGRES, (BATCH,))
                ids = [row[0] for row in cursor.fetchall()]
                cursor.executemany(record_sql, _records(ids, payloads, base, now))
                cursor.executemany(association_sql, _associations(ids, contacts, base, now))
            count += 1
        written.append(count)

    wanted = batches
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    deadline = started + duration
    if postgres:
        writers = [threading.Thread(target=postgres_writer, args=(c, deadline)) for c in connections]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        batches = sum(written)
    else:
        batches = 0
        while batches < wanted if wanted is not None else time.perf_counter() < deadline:
            now = int(time.time() * 1000)
            base = (batches % VARIANTS) * BATCH
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            last = cursor.execute(RESERVE_SQLITE, (BATCH,)).fetchone()[0]
            ids = list(range(last - BATCH + 1, last + 1))
            cursor.executemany(record_sql, _records(ids, payloads, base, now))
            rows = _associations(ids, contacts, base, now)
            cursor.executemany(INSERT_ASSOCIATION, rows[0::2])  # the new tasks' own rows, as the store writes them
            cursor.executemany(association_sql, rows[1::2])  # the contacts' inverse rows wait to be settled
            conn.commit()
            batches += 1
    deferred_s = 0.0
    if not postgres:
        # The deferred half of the work, counted as the server's is: settling every association written, then
        # the search catch-up the first search runs (the store's own statements, in one transaction each).
        deferred_started = time.perf_counter()
        with database.session(write=True) as session:
            AssociationQueries.of(session).settle_associations()
        keyed = {t.object_type_id: keyed_targets(t) for t in load_catalog().object_types if t.search_indexes}
        with database.session(write=True) as session:
            SearchQueries.of(session).catch_up_search(keyed)
        deferred_s = time.perf_counter() - deferred_started
    now = int(time.time() * 1000)
    usage_row = (1, "DAILY", now - now % DAY_MS, batches, batches)
    if postgres:
        with conn.transaction():
            conn.execute(COUNT_USAGE.replace("?", "%s"), usage_row)
    else:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(COUNT_USAGE, usage_row)
        conn.commit()
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if postgres:
        for connection in connections:
            connection.close()
        with psycopg.connect(storage.database_url) as check:
            kept = check.execute("SELECT count(*) FROM records WHERE id >= %s", (first_id,)).fetchone()[0]
        assert kept == batches * BATCH, f"the ceiling kept {kept} of {batches * BATCH} records: it must commit"
    database.close()
    return {
        "records_per_s": batches * BATCH / elapsed,
        "batches": batches,
        "elapsed_s": elapsed,
        "cpu_us_per_record": 1e6 * (usage.ru_utime + usage.ru_stime - cpu_start) / max(1, batches * BATCH),
        # Settling associations and the search catch-up (SQLite), included in the ceiling's time.
        "deferred_us_per_record": 1e6 * deferred_s / max(1, batches * BATCH),
    }


def _last_id(conn: Any, postgres: bool) -> int:
    if postgres:
        row = conn.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM record_ids").fetchone()
    else:
        row = conn.execute("SELECT value FROM id_counters WHERE name = 'records'").fetchone()
    return int(row[0])


def _records(ids: list[int], payloads: list[str], base: int, now: int) -> list[tuple[Any, ...]]:
    return [(rid, 1, "0-27", now, now, False, payloads[base + k]) for k, rid in enumerate(ids)]


def _associations(ids: list[int], contacts: list[int], base: int, now: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for k, rid in enumerate(ids):
        contact = contacts[base + k]
        rows.append((1, rid, contact, "0-27", "0-1", "HUBSPOT_DEFINED", workloads.TASK_TO_CONTACT, now))
        rows.append((1, contact, rid, "0-1", "0-27", "HUBSPOT_DEFINED", workloads.CONTACT_TO_TASK, now))
    return rows
