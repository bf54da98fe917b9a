"""Getting each scenario's data in place: small sets through the API (so they are exactly what a client
would have), the million tasks through the store's own bulk path (HTTP would take minutes)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench import workloads
from bench.server import TOKEN, Storage
from bench.workloads import BATCH, CALL_KEY
from localspot.crm.objects.queries.records import RecordQueries

SEED_CHUNK = 20_000


def client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)


def _batch_create(api: httpx.Client, path: str, inputs: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(inputs), BATCH):
        response = api.post(f"{path}/batch/create", json={"inputs": inputs[start : start + BATCH]})
        if response.status_code != 201:
            raise RuntimeError(f"seeding {path} failed: {response.status_code} {response.text[:300]}")
        ids.extend(sorted(int(r["id"]) for r in response.json()["results"]))
    return ids


def contacts(api: httpx.Client, count: int) -> list[int]:
    inputs = [{"properties": {"email": f"bench-{n}@example.com", "firstname": f"Bench{n}"}} for n in range(count)]
    return _batch_create(api, workloads.CONTACTS, inputs)


def calls_with_keys(api: httpx.Client, count: int) -> tuple[list[int], list[str]]:
    """`count` calls, each holding a value of the custom unique property CALL_KEY."""
    response = api.post(
        "/crm/v3/properties/calls",
        json={
            "name": CALL_KEY,
            "label": "Bench call key",
            "type": "string",
            "fieldType": "text",
            "groupName": "callinformation",
            "hasUniqueValue": True,
        },
    )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"creating {CALL_KEY} failed: {response.status_code} {response.text[:300]}")
    keys = [f"call-{n:07d}" for n in range(count)]
    inputs = [{"properties": {"hs_timestamp": "2025-03-01T09:00:00.000Z", CALL_KEY: key}} for key in keys]
    return _batch_create(api, workloads.CALLS, inputs), keys


def bulk_tasks(storage: Storage, count: int, *, portal_id: int = 1) -> dict[str, Any]:
    """`count` tasks straight through the store (one transaction per SEED_CHUNK rows). Returns the id range."""
    database = storage.open()
    started = time.perf_counter()
    first = last = None
    try:
        for start in range(0, count, SEED_CHUNK):
            size = min(SEED_CHUNK, count - start)
            with database.session(write=True) as session:
                ids = session.reserve_ids(size)
                now = int(time.time() * 1000)
                RecordQueries.of(session).insert_records(
                    portal_id, "0-27", [(rid, now, workloads.task_properties(start + k)) for k, rid in enumerate(ids)]
                )
            first = ids[0] if first is None else first
            last = ids[-1]
    finally:
        database.close()
    return {"count": count, "first_id": first, "last_id": last, "seconds": time.perf_counter() - started}
