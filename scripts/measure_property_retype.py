"""How long a property definition change takes when it must check stored values.

Usage: python scripts/measure_property_retype.py [RECORDS] [--database-url URL]
Starts a server on a fresh SQLite file (or the given PostgreSQL database), gives RECORDS contacts a value of
one custom string property, then times: a label-only PATCH (no scan), a retype to number that every value
fits (full scan), and a retype that the first stored value refuses (stops at the tenth offender).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.server import LocalspotServer, Storage

TOKEN = "measure-token"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", type=int, nargs="?", default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        storage_args = ["--database-url", args.database_url] if args.database_url else ["--db", f"{tmp}/m.db"]
        server = LocalspotServer(Storage(storage_args), TOKEN).start()
        try:
            run(server.url, args.records)
        finally:
            server.stop()


def timed(label: str, call) -> None:
    start = time.perf_counter()
    response = call()
    print(f"{label}: {response.status_code} in {(time.perf_counter() - start) * 1000:.0f} ms")


def run(url: str, records: int) -> None:
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600)
    for name in ("fits", "misfits"):
        api.post(
            "/crm/v3/properties/contacts",
            json={
                "name": name,
                "label": name,
                "type": "string",
                "fieldType": "text",
                "groupName": "contactinformation",
            },
        ).raise_for_status()
    for start in range(0, records, 100):
        inputs = [{"properties": {"fits": str(i), "misfits": f"x{i}"}} for i in range(start, min(start + 100, records))]
        api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs}).raise_for_status()
    print(f"{records} contacts, backend {api.get('/_localspot/health').json()['backend']}")
    number = {"type": "number", "fieldType": "number"}
    timed("label-only PATCH", lambda: api.patch("/crm/v3/properties/contacts/fits", json={"label": "L"}))
    timed("retype every value fits (full scan)", lambda: api.patch("/crm/v3/properties/contacts/fits", json=number))
    timed(
        "retype refused (stops at 10 offenders)", lambda: api.patch("/crm/v3/properties/contacts/misfits", json=number)
    )


if __name__ == "__main__":
    main()
