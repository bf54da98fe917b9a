"""Creating records through the API for tests."""

from __future__ import annotations

from typing import Any

import httpx

TASK_TIME = "2025-01-10T15:00:00.000Z"


def batch_create(api: httpx.Client, type_name: str, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = api.post(f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    return response.json()["results"]


def create_contacts(api: httpx.Client, count: int, tag: str) -> list[dict[str, Any]]:
    return batch_create(
        api,
        "contacts",
        [{"properties": {"email": f"c{i}-{tag}@example.com", "firstname": f"C{i}"}} for i in range(count)],
    )


def create_calls(api: httpx.Client, count: int, **properties: str) -> list[dict[str, Any]]:
    return batch_create(
        api,
        "calls",
        [{"properties": {"hs_timestamp": TASK_TIME, "hs_call_title": f"call {i}", **properties}} for i in range(count)],
    )


def create_unique_property(api: httpx.Client, type_name: str, name: str, group: str) -> dict[str, Any]:
    response = api.post(
        f"/crm/v3/properties/{type_name}",
        json={
            "name": name,
            "label": name,
            "type": "string",
            "fieldType": "text",
            "groupName": group,
            "hasUniqueValue": True,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()
