"""Many writers racing to associate records with one record under a limit: what a limit must survive on
PostgreSQL, where every request runs on its own connection (issue #15, item 12)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import httpx

from tests.support.factories import TASK_TIME, create_records

WRITERS = 24
LIMIT = 3
HUBSPOT = "HUBSPOT_DEFINED"
LIMIT_SCENARIOS = ("v4-put", "inline-on-create")


def race(urls: Sequence[str], token: str, scenario: str) -> tuple[list[int], int]:
    """Sets a limit of LIMIT on one contact, then WRITERS threads (spread over `urls`) each add one
    association to it at once. Returns each writer's status and how many associations the contact has."""
    with httpx.Client(base_url=urls[0], headers={"Authorization": f"Bearer {token}"}, timeout=60) as setup:
        if scenario == "v4-put":
            # contact -> company "Primary" (1): each writer labels a different company
            limited, type_id = "contacts/companies", 1
            targets = create_records(setup, "companies", WRITERS)
        else:
            # contact -> task (203), counted on the contact while each writer creates a task associated to it
            limited, type_id = "contacts/tasks", 203
            targets = []
        created = setup.post(
            f"/crm/v4/associations/definitions/configurations/{limited}/batch/create",
            json={"inputs": [{"category": HUBSPOT, "typeId": type_id, "maxToObjectIds": LIMIT}]},
        )
        assert created.status_code == 201, created.text
        contact = create_records(setup, "contacts", 1)[0]

    start = threading.Barrier(WRITERS)
    statuses: list[int] = [0] * WRITERS

    def write(n: int) -> None:
        with httpx.Client(
            base_url=urls[n % len(urls)], headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as http:
            start.wait()
            if scenario == "v4-put":
                response = http.put(
                    f"/crm/v4/objects/contacts/{contact}/associations/companies/{targets[n]}",
                    json=[{"associationCategory": HUBSPOT, "associationTypeId": type_id}],
                )
            else:
                task = {
                    "properties": {"hs_timestamp": TASK_TIME},
                    "associations": [
                        {"to": {"id": contact}, "types": [{"associationCategory": HUBSPOT, "associationTypeId": 204}]}
                    ],
                }
                response = http.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [task]})
            statuses[n] = response.status_code

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    with httpx.Client(base_url=urls[0], headers={"Authorization": f"Bearer {token}"}, timeout=60) as check:
        to_type = "companies" if scenario == "v4-put" else "tasks"
        listed = check.get(f"/crm/v4/objects/contacts/{contact}/associations/{to_type}")
        assert listed.status_code == 200, listed.text
        stored = sum(
            1 for result in listed.json()["results"] if any(t["typeId"] == type_id for t in result["associationTypes"])
        )
    return statuses, stored


def assert_limit_held(statuses: list[int], stored: int) -> None:
    assert stored == LIMIT, stored
    assert sorted(statuses) == sorted([201] * LIMIT + [400] * (WRITERS - LIMIT)), statuses
