"""Dynamic lists at size: N contacts (imported), a DYNAMIC list whose filter matches half of them, and the time
of its first membership page (and of a page after a write that changes the matches); then batch creates with
the dynamic list in place against the same batch creates in a portal without one, in the same run.

    python -m bench.lists [--contacts 100000] [--rounds 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

import httpx

from tests.support.server import LocalspotServer, Storage

TOKEN = "bench-token"
MAPPINGS = [
    {"columnObjectTypeId": "0-1", "columnName": "Email", "propertyName": "email", "columnType": "HUBSPOT_ALTERNATE_ID"},
    {"columnObjectTypeId": "0-1", "columnName": "Stage", "propertyName": "lifecyclestage"},
]
FILTER = {
    "filterBranchType": "OR",
    "filterBranches": [
        {
            "filterBranchType": "AND",
            "filterBranches": [],
            "filters": [
                {
                    "filterType": "PROPERTY",
                    "property": "lifecyclestage",
                    "operation": {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead"]},
                }
            ],
        }
    ],
}


def _import(api: httpx.Client, contacts: int) -> None:
    rows = "".join(f"c{n}@example.com,{'lead' if n % 2 else 'customer'}\n" for n in range(contacts))
    request = {"files": [{"fileName": "c.csv", "fileImportPage": {"hasHeader": True, "columnMappings": MAPPINGS}}]}
    started = api.post(
        "/crm/v3/imports",
        data={"importRequest": json.dumps(request)},
        files={"files": ("c.csv", ("Email,Stage\n" + rows).encode(), "text/csv")},
    ).json()
    while api.get(f"/crm/v3/imports/{started['id']}").json()["state"] != "DONE":
        time.sleep(0.1)


def _ms(call) -> float:
    started = time.perf_counter()
    answer = call()
    elapsed = (time.perf_counter() - started) * 1000
    assert answer.status_code in (200, 201), answer.text
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        server = LocalspotServer(
            Storage(["--db", f"{work_dir}/lists.db"]), TOKEN, extra_args=["--quiet", "--max-body-bytes", str(64 << 20)]
        ).start()
        try:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600) as api:
                _import(api, args.contacts)
                made = api.post(
                    "/crm/v3/lists/",
                    json={"name": "leads", "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": FILTER},
                )
                list_id = made.json()["list"]["listId"]
                page = f"/crm/v3/lists/{list_id}/memberships"
                first = _ms(lambda: api.get(page, params={"limit": 100}))
                warm = statistics.median(_ms(lambda: api.get(page, params={"limit": 100})) for _ in range(args.rounds))
                api.patch(
                    "/crm/v3/objects/contacts/c0@example.com?idProperty=email",
                    json={"properties": {"lifecyclestage": "lead"}},
                )
                after_write = _ms(lambda: api.get(page, params={"limit": 100}))
                batch = {"inputs": [{"properties": {"lifecyclestage": "lead"}} for _ in range(100)]}
                with_list = statistics.median(
                    _ms(lambda: api.post("/crm/v3/objects/contacts/batch/create", json=batch))
                    for _ in range(args.rounds)
                )
                other = api.post("/_localspot/portals", json={}).json()
                with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {other['token']}"}) as bare:
                    without = statistics.median(
                        _ms(lambda: bare.post("/crm/v3/objects/contacts/batch/create", json=batch))
                        for _ in range(args.rounds)
                    )
        finally:
            server.stop()
    print(
        json.dumps(
            {
                "contacts": args.contacts,
                "first_membership_page_ms": round(first, 1),
                "membership_page_ms_median": round(warm, 1),
                "page_after_a_write_ms": round(after_write, 1),
                "batch_create_ms_with_a_dynamic_list": round(with_list, 2),
                "batch_create_ms_without": round(without, 2),
                "ratio": round(with_list / without, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
