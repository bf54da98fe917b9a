"""Timings of the association APIs against a running localspot.

    python bench/associations.py --url http://127.0.0.1:8080 --token TOKEN

Creates 2,000 contacts and 20 companies, then times: v4 batch create of 2,000 associations, v4 batch read
of 1,000 from-ids, v3 batch read of 1,000, GET of one company's 100 contacts (limit 500), and 100 PUT
default calls one by one.
"""

from __future__ import annotations

import argparse
import time

import httpx


def timed(label: str, call) -> object:
    start = time.perf_counter()
    result = call()
    print(f"{label:<48} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    api = httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.token}"}, timeout=120)

    def create(type_name: str, count: int, properties: dict) -> list[str]:
        ids: list[str] = []
        for start in range(0, count, 100):
            body = {"inputs": [{"properties": properties}] * min(100, count - start)}
            response = api.post(f"/crm/v3/objects/{type_name}/batch/create", json=body)
            response.raise_for_status()
            ids.extend(r["id"] for r in response.json()["results"])
        return ids

    contacts = create("contacts", 2000, {})
    companies = create("companies", 20, {"name": "Acme"})
    inputs = [
        {
            "from": {"id": c},
            "to": {"id": companies[i % 20]},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
        }
        for i, c in enumerate(contacts)
    ]
    response = timed(
        "v4 batch/create, 2,000 inputs",
        lambda: api.post("/crm/v4/associations/contacts/companies/batch/create", json={"inputs": inputs}),
    )
    assert response.status_code == 201, response.text
    reads = {"inputs": [{"id": c} for c in contacts[:1000]]}
    response = timed(
        "v4 batch/read, 1,000 inputs",
        lambda: api.post("/crm/v4/associations/contacts/companies/batch/read", json=reads),
    )
    assert response.status_code == 200
    response = timed(
        "v3 batch/read, 1,000 inputs",
        lambda: api.post("/crm/v3/associations/contacts/companies/batch/read", json=reads),
    )
    assert response.status_code == 200
    response = timed(
        "v4 GET one company's 100 contacts",
        lambda: api.get(f"/crm/v4/objects/companies/{companies[0]}/associations/contacts", params={"limit": 500}),
    )
    assert len(response.json()["results"]) == 100

    def one_by_one() -> None:
        for c in contacts[:100]:
            api.put(f"/crm/v4/objects/contacts/{c}/associations/default/companies/{companies[1]}").raise_for_status()

    timed("100 x PUT default (sequential)", one_by_one)


if __name__ == "__main__":
    main()
