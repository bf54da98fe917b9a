"""Several server processes writing to one PostgreSQL database at once: nothing lost, duplicated or
half-written.

"Nothing lost" for concurrent updates of one record means: a write to one property never erases a
concurrent write to another property (the read-modify-write of the properties map holds the row lock), and
for writes to the same property the last one to commit wins while every acknowledged write appears in the
property's history, in commit order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest

from localspot.control.usage import FLUSH_S
from tests.concurrency.conftest import Cluster, localspot_processes
from tests.conftest import TOKEN, make_client
from tests.support.asserts import assert_error
from tests.support.factories import TASK_TIME
from tests.support.limit_race import LIMIT_SCENARIOS, assert_limit_held, race

T = TypeVar("T")
THREADS = 8
PORTAL = 1


def in_parallel(count: int, work: Callable[[int], T]) -> list[T]:
    """Runs work(0..count-1) on `count` threads released together, so their requests overlap."""
    start = threading.Barrier(count)

    def run(n: int) -> T:
        start.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def client(cluster: Cluster, n: int) -> httpx.Client:
    return make_client(cluster.url(n), TOKEN)


def create(http: httpx.Client, type_name: str, inputs: list[dict[str, Any]]) -> httpx.Response:
    return http.post(f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": inputs})


def update(http: httpx.Client, type_name: str, inputs: list[dict[str, Any]]) -> httpx.Response:
    return http.post(f"/crm/v3/objects/{type_name}/batch/update", json={"inputs": inputs})


def concurrent_batch_creates_keep_every_record_exactly_once(cluster: Cluster, unique: str) -> None:
    batches, size = 5, 25

    def work(n: int) -> list[str]:
        ids: list[str] = []
        with client(cluster, n) as http:
            for b in range(batches):
                inputs = [
                    {"properties": {"email": f"{n}-{b}-{i}-{unique}@example.com", "lastname": unique}}
                    for i in range(size)
                ]
                response = create(http, "contacts", inputs)
                assert response.status_code == 201, response.text
                ids.extend(r["id"] for r in response.json()["results"])
        return ids

    ids = [int(i) for chunk in in_parallel(THREADS, work) for i in chunk]
    total = THREADS * batches * size
    assert len(ids) == len(set(ids)) == total
    stored = cluster.db.rows(
        "SELECT id FROM records WHERE portal_id = %s AND properties ->> 'lastname' = %s", PORTAL, unique
    )
    assert sorted(row[0] for row in stored) == sorted(ids)
    claims = cluster.db.rows(
        "SELECT record_id FROM unique_values WHERE portal_id = %s AND name = 'email' AND value LIKE %s",
        PORTAL,
        f"%-{unique}@example.com",
    )
    assert sorted(row[0] for row in claims) == sorted(ids)
    assert localspot_processes(cluster.db) == 2  # still both, whether --workers 2 or two servers


def concurrent_updates_of_one_record_lose_nothing(cluster: Cluster, unique: str) -> None:
    with client(cluster, 0) as http:
        response = create(http, "contacts", [{"properties": {"email": f"one-{unique}@example.com"}}])
        assert response.status_code == 201, response.text
        record_id = int(response.json()["results"][0]["id"])
    own = ["firstname", "lastname", "phone", "company", "city", "jobtitle"]  # one writer each
    shared = "address"  # every writer
    rounds = 10

    def work(n: int) -> list[str]:
        written: list[str] = []
        with client(cluster, n) as http:
            for k in range(rounds):
                properties = {shared: f"w{n}-{k}"}
                if n < len(own):
                    properties[own[n]] = f"{own[n]}-{k}"
                response = update(http, "contacts", [{"id": str(record_id), "properties": properties}])
                assert response.status_code == 200, response.text
                written.append(properties[shared])
        return written

    written = {value for chunk in in_parallel(THREADS, work) for value in chunk}
    stored = cluster.db.value("SELECT properties FROM records WHERE portal_id = %s AND id = %s", PORTAL, record_id)
    for name in own:
        assert stored[name] == f"{name}-{rounds - 1}"
    history = cluster.db.rows(
        "SELECT name, value FROM property_history WHERE portal_id = %s AND record_id = %s ORDER BY seq",
        PORTAL,
        record_id,
    )
    shared_history = [value for name, value in history if name == shared]
    assert sorted(shared_history) == sorted(written)  # every acknowledged write, once
    assert stored[shared] == shared_history[-1]  # the last to commit wins
    for name in own:  # one writer's values, in its order
        assert [value for n, value in history if n == name] == [f"{name}-{k}" for k in range(rounds)]


def concurrent_claims_of_one_unique_value_have_exactly_one_winner(cluster: Cluster, unique: str) -> None:
    for attempt in range(3):
        email = f"race{attempt}-{unique}@example.com"

        def claim_on_create(n: int, email: str = email) -> httpx.Response:
            with client(cluster, n) as http:
                return create(http, "contacts", [{"properties": {"email": email, "firstname": f"w{n}"}}])

        responses = in_parallel(THREADS, claim_on_create)
        winners = [r for r in responses if r.status_code == 201]
        assert len(winners) == 1, [r.status_code for r in responses]
        winner = winners[0].json()["results"][0]["id"]
        for response in responses:
            if response is not winners[0]:
                assert_error(response, 409, "CONFLICT", f"Contact already exists. Existing ID: {winner}")
        holders = cluster.db.rows(
            "SELECT id FROM records WHERE portal_id = %s AND properties ->> 'email' = %s", PORTAL, email
        )
        claims = cluster.db.rows(
            "SELECT record_id FROM unique_values WHERE portal_id = %s AND name = 'email' AND value = %s",
            PORTAL,
            email,
        )
        assert holders == claims == [(int(winner),)]


def concurrent_updates_claiming_one_unique_value_have_exactly_one_winner(cluster: Cluster, unique: str) -> None:
    with client(cluster, 0) as http:
        inputs = [{"properties": {"email": f"own{n}-{unique}@example.com"}} for n in range(THREADS)]
        response = create(http, "contacts", inputs)
        assert response.status_code == 201, response.text
        ids = [r["id"] for r in response.json()["results"]]
    email = f"taken-{unique}@example.com"

    def claim_on_update(n: int) -> httpx.Response:
        with client(cluster, n) as http:
            return update(http, "contacts", [{"id": ids[n], "properties": {"email": email}}])

    responses = in_parallel(THREADS, claim_on_update)
    assert sorted(r.status_code for r in responses) == [200] + [409] * (THREADS - 1), [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()["results"][0]["id"]
    holders = cluster.db.rows(
        "SELECT id FROM records WHERE portal_id = %s AND properties ->> 'email' = %s", PORTAL, email
    )
    claims = cluster.db.rows(
        "SELECT record_id FROM unique_values WHERE portal_id = %s AND name = 'email' AND value = %s", PORTAL, email
    )
    assert holders == claims == [(int(winner),)]
    # the losers kept their own addresses, claimed once each
    for n, record_id in enumerate(ids):
        if record_id != winner:
            assert cluster.db.rows(
                "SELECT value FROM unique_values WHERE portal_id = %s AND name = 'email' AND record_id = %s",
                PORTAL,
                int(record_id),
            ) == [(f"own{n}-{unique}@example.com",)]


def concurrent_inline_associations_are_stored_once_in_both_directions(cluster: Cluster, unique: str) -> None:
    with client(cluster, 0) as http:
        response = create(http, "contacts", [{"properties": {"email": f"hub-{unique}@example.com"}}])
        assert response.status_code == 201, response.text
        contact_id = int(response.json()["results"][0]["id"])
    batches, size = 3, 20
    to_contact = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]

    def work(n: int) -> list[int]:
        ids: list[int] = []
        with client(cluster, n) as http:
            for b in range(batches):
                inputs = [
                    {
                        "properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"{unique} {n}-{b}-{i}"},
                        "associations": [{"to": {"id": str(contact_id)}, "types": to_contact}],
                    }
                    for i in range(size)
                ]
                response = create(http, "tasks", inputs)
                assert response.status_code == 201, response.text
                ids.extend(int(r["id"]) for r in response.json()["results"])
        return ids

    tasks = sorted(i for chunk in in_parallel(THREADS, work) for i in chunk)
    assert len(set(tasks)) == THREADS * batches * size
    to_tasks = cluster.db.rows(
        "SELECT to_id, type_id FROM associations WHERE portal_id = %s AND from_id = %s ORDER BY to_id",
        PORTAL,
        contact_id,
    )
    assert to_tasks == [(task, 203) for task in tasks]
    from_tasks = cluster.db.rows(
        "SELECT from_id, type_id FROM associations WHERE portal_id = %s AND to_id = %s ORDER BY from_id",
        PORTAL,
        contact_id,
    )
    assert from_tasks == [(task, 204) for task in tasks]


def every_request_counts_once_in_the_daily_usage(cluster: Cluster, unique: str) -> None:
    """Account info's daily usage is one counter in the database: requests answered by either process all
    count, each once (the usage calls themselves included). Each process adds its counts to the shared one within
    FLUSH_S, so the reads wait that long for the other server's."""
    usage_path = "/account-info/v3/api-usage/daily/private-apps"
    time.sleep(2 * FLUSH_S)
    with client(cluster, 0) as http:
        before = http.get(usage_path).json()["results"][0]["currentUsage"]
    rounds = 5

    def requests(n: int) -> list[int]:
        with client(cluster, n) as http:
            return [http.get("/crm/v3/objects/contacts", params={"limit": 1}).status_code for _ in range(rounds)]

    assert in_parallel(THREADS, requests) == [[200] * rounds] * THREADS
    time.sleep(2 * FLUSH_S)
    with client(cluster, 1) as http:
        after = http.get(usage_path).json()["results"][0]["currentUsage"]
    assert after == before + THREADS * rounds + 1


SCENARIOS = [
    concurrent_batch_creates_keep_every_record_exactly_once,
    concurrent_updates_of_one_record_lose_nothing,
    concurrent_claims_of_one_unique_value_have_exactly_one_winner,
    concurrent_updates_claiming_one_unique_value_have_exactly_one_winner,
    concurrent_inline_associations_are_stored_once_in_both_directions,
    every_request_counts_once_in_the_daily_usage,
]


def test_several_processes_over_one_database_lose_nothing(cluster: Cluster, unique: str) -> None:
    """Each scenario in turn against one cluster (starting processes is the slow part)."""
    for n, scenario in enumerate(SCENARIOS):
        scenario(cluster, f"{unique}-{n}")


@pytest.mark.parametrize("scenario", LIMIT_SCENARIOS)
def test_an_association_limit_holds_across_processes(cluster: Cluster, scenario: str) -> None:
    """24 writers spread over two processes (each with its own pool) race to pass a limit of 3."""
    statuses, stored = race(cluster.urls, TOKEN, scenario)
    assert_limit_held(statuses, stored)
