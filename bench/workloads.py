"""What each scenario sends, built before the clock starts. Shapes follow HubSpot's documented contract
(docs: /crm/v3/objects/{type}/batch/*, list, single create, search)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from typing import Any

BATCH = 100
VARIANTS = 20  # distinct batch create requests the load generator cycles through (the ceiling writes the same)
TASKS = "/crm/v3/objects/tasks"
CALLS = "/crm/v3/objects/calls"
CONTACTS = "/crm/v3/objects/contacts"
TASK_TO_CONTACT = 204  # HUBSPOT_DEFINED task_to_contact
CONTACT_TO_TASK = 203
CALL_KEY = "bench_call_key"  # the custom unique property calls are updated by
STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
PRIORITIES = ("NONE", "LOW", "MEDIUM", "HIGH")
TYPES = ("EMAIL", "CALL", "TODO")
WORDS = ("renewal", "invoice", "onboarding", "demo", "contract", "pricing", "support", "upgrade")
READ_PROPERTIES = ["hs_task_subject", "hs_task_status", "hs_task_priority", "hs_timestamp"]

Request = dict[str, Any]


def task_properties(n: int) -> dict[str, str]:
    """Six task properties, already in their stored form (so the raw ceiling writes the same JSON)."""
    return {
        "hs_timestamp": f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}T10:{n % 60:02d}:00.000Z",
        "hs_task_subject": f"Follow up on the {WORDS[n % len(WORDS)]} with customer {n}",
        "hs_task_body": "Call back about the renewal; they asked for the updated quote and a short demo.",
        "hs_task_status": STATUSES[n % len(STATUSES)],
        "hs_task_priority": PRIORITIES[n % len(PRIORITIES)],
        "hs_task_type": TYPES[n % len(TYPES)],
    }


def task_input(n: int, contact_id: int) -> dict[str, Any]:
    return {
        "properties": task_properties(n),
        "associations": [
            {
                "to": {"id": str(contact_id)},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_CONTACT}],
            }
        ],
    }


def post(path: str, body: Any) -> Request:
    return {"method": "POST", "path": path, "body": json.dumps(body, separators=(",", ":"))}


def tasks_batch_create(contact_ids: Sequence[int], variants: int = VARIANTS) -> list[Request]:
    return [
        post(
            f"{TASKS}/batch/create",
            {
                "inputs": [
                    task_input(v * BATCH + i, contact_ids[(v * BATCH + i) % len(contact_ids)]) for i in range(BATCH)
                ]
            },
        )
        for v in range(variants)
    ]


def tasks_single_create(contact_ids: Sequence[int], variants: int = 100) -> list[Request]:
    return [post(TASKS, task_input(v, contact_ids[v % len(contact_ids)])) for v in range(variants)]


def call_update_properties() -> dict[str, str]:
    # __SEQ__ makes every request a real change (history rows), not a no-op rewrite.
    return {"hs_call_title": "Call __SEQ__", "hs_call_duration": "__SEQ__", "hs_call_body": "Notes of call __SEQ__"}


def calls_update_by_id(call_ids: Sequence[int]) -> list[Request]:
    return [
        post(
            f"{CALLS}/batch/update", {"inputs": [{"id": str(i), "properties": call_update_properties()} for i in block]}
        )
        for block in blocks(call_ids)
    ]


def calls_update_by_key(keys: Sequence[str]) -> list[Request]:
    return [
        post(
            f"{CALLS}/batch/update",
            {"inputs": [{"id": k, "idProperty": CALL_KEY, "properties": call_update_properties()} for k in block]},
        )
        for block in blocks(keys)
    ]


def tasks_batch_read(first_id: int, last_id: int, variants: int = 200, seed: int = 7) -> list[Request]:
    rng = random.Random(seed)
    return [
        post(
            f"{TASKS}/batch/read",
            {
                "inputs": [{"id": str(i)} for i in rng.sample(range(first_id, last_id + 1), BATCH)],
                "properties": READ_PROPERTIES,
            },
        )
        for _ in range(variants)
    ]


def tasks_list_pages(first_id: int, last_id: int, variants: int = 200, seed: int = 11) -> list[Request]:
    """Independent pages of 100 starting at random cursors (HubSpot's `after` is the last id seen)."""
    rng = random.Random(seed)
    span = max(1, last_id - first_id - BATCH)
    properties = ",".join(READ_PROPERTIES)
    return [
        {
            "method": "GET",
            "path": f"{TASKS}?limit={BATCH}&after={first_id + rng.randrange(span)}&properties={properties}",
            "body": None,
        }
        for _ in range(variants)
    ]


def tasks_search(variants: int = 40) -> list[Request]:
    """Filtered, sorted pages of 100 over the big task set (used when bench/search.py is absent)."""
    return [
        post(
            f"{TASKS}/search",
            {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": "hs_task_status", "operator": "EQ", "value": STATUSES[v % len(STATUSES)]},
                            {
                                "propertyName": "hs_task_priority",
                                "operator": "EQ",
                                "value": PRIORITIES[v % len(PRIORITIES)],
                            },
                        ]
                    }
                ],
                "sorts": [{"propertyName": "hs_timestamp", "direction": "DESCENDING"}],
                "properties": READ_PROPERTIES,
                "limit": BATCH,
            },
        )
        for v in range(variants)
    ]


def blocks(values: Sequence[Any], size: int = BATCH) -> list[Sequence[Any]]:
    return [values[start : start + size] for start in range(0, len(values) - size + 1, size)]
