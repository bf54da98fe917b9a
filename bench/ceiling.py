"""The raw storage ceiling: the rows a tasks batch create writes (records with the same JSON properties,
each association in both directions), in transactions of 100 records, straight through the database
driver: no HTTP, no validation, no rendering. Every write figure is reported as a share of this."""

from __future__ import annotations

import resource
import time
from typing import Any

import msgspec

from bench import workloads
from bench.server import Storage
from bench.workloads import BATCH
from localspot.crm.associations.queries.associations import AssociationQueries

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


def measure(storage: Storage, duration: float, contact_ids: list[int], *, batches: int | None = None) -> dict[str, Any]:
    """Writes for `duration` seconds, or exactly `batches` batches when given (bench/instructions.py)."""
    from localspot.kernel.storage.migrate import upgrade

    database = storage.open()
    upgrade(database)  # the same schema and pragmas the server runs with
    postgres = storage.database_url is not None
    if postgres:
        import psycopg

        database.close()
        # Autocommit, so each `conn.transaction()` below is a transaction that commits, as the server's are (in
        # an open transaction it would be a savepoint, and closing would roll every batch back).
        conn: Any = psycopg.connect(storage.database_url, autocommit=True)
        record_sql, association_sql = (s.replace("?", "%s") for s in (INSERT_RECORD, INSERT_ASSOCIATION))
    else:
        conn = database.raw_connection
        record_sql, association_sql = INSERT_RECORD, INSERT_PENDING_ASSOCIATION
    payloads = [workloads.task_properties(n) for n in range(BATCH)]
    first_id = next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM records").fetchone()[0]
    wanted, batches = batches, 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    deadline = started + duration
    while batches < wanted if wanted is not None else time.perf_counter() < deadline:
        now = int(time.time() * 1000)
        ids = range(next_id, next_id + BATCH)
        next_id += BATCH
        records = [(rid, 1, "0-27", now, now, False, _encode(p).decode()) for rid, p in zip(ids, payloads, strict=True)]
        associations = []
        for k, rid in enumerate(ids):
            contact = contact_ids[(batches * BATCH + k) % len(contact_ids)]
            associations.append((1, rid, contact, "0-27", "0-1", "HUBSPOT_DEFINED", workloads.TASK_TO_CONTACT, now))
            associations.append((1, contact, rid, "0-1", "0-27", "HUBSPOT_DEFINED", workloads.CONTACT_TO_TASK, now))
        if postgres:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(record_sql, records)
                cursor.executemany(association_sql, associations)
        else:
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(record_sql, records)
            cursor.executemany(association_sql, associations)
            conn.commit()
        batches += 1
    settle_s = 0.0
    if not postgres:
        # The deferred half of the work, counted as the server's is: settling every association written.
        settle_started = time.perf_counter()
        with database.session(write=True) as session:
            AssociationQueries.of(session).settle_associations()
        settle_s = time.perf_counter() - settle_started
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if postgres:
        conn.close()
        with psycopg.connect(storage.database_url) as check:
            kept = check.execute("SELECT count(*) FROM records WHERE id >= %s", (first_id,)).fetchone()[0]
        assert kept == batches * BATCH, f"the ceiling kept {kept} of {batches * BATCH} records: it must commit"
    else:
        database.close()
    return {
        "records_per_s": batches * BATCH / elapsed,
        "batches": batches,
        "elapsed_s": elapsed,
        "cpu_us_per_record": 1e6 * (usage.ru_utime + usage.ru_stime - cpu_start) / max(1, batches * BATCH),
        "settle_us_per_record": 1e6 * settle_s / max(1, batches * BATCH),
    }
