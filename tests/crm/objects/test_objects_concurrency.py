"""Concurrent writes to one record lose nothing (the PostgreSQL backend runs requests in parallel)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

C = "/crm/v3/objects/contacts"
FIELDS = ["firstname", "lastname", "phone", "company", "website", "jobtitle", "address", "city", "state", "zip"]


def test_concurrent_patches_of_one_record_all_stick(api, base_url, unique):
    contact = api.post(C, json={"properties": {"email": f"race-{unique}@example.com"}}).json()
    headers = dict(api.headers)

    def patch(field: str) -> int:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            return client.patch(f"{C}/{contact['id']}", json={"properties": {field: f"v-{field}"}}).status_code

    for _ in range(3):
        with ThreadPoolExecutor(len(FIELDS)) as pool:
            assert list(pool.map(patch, FIELDS)) == [200] * len(FIELDS)
    record = api.get(f"{C}/{contact['id']}", params={"properties": FIELDS}).json()
    assert {name: record["properties"][name] for name in FIELDS} == {name: f"v-{name}" for name in FIELDS}


def test_concurrent_upserts_of_new_records_all_succeed(api, base_url, unique):
    emails = [f"m{i}-{unique}@example.com" for i in range(2)]
    headers = dict(api.headers)

    def upsert(field: str) -> str:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            inputs = [{"idProperty": "email", "id": e, "properties": {field: f"u-{field}"}} for e in emails]
            response = client.post(f"{C}/batch/upsert", json={"inputs": inputs})
            return "ok" if response.status_code == 200 else f"{response.status_code} {response.text}"

    # Every upsert races to create the same two contacts: the losers update what the winner created.
    for _ in range(2):
        with ThreadPoolExecutor(len(FIELDS)) as pool:
            assert list(pool.map(upsert, FIELDS)) == ["ok"] * len(FIELDS)
    for email in emails:
        record = api.get(f"{C}/{email}", params={"idProperty": "email", "properties": FIELDS}).json()
        assert {name: record["properties"][name] for name in FIELDS} == {name: f"u-{name}" for name in FIELDS}
