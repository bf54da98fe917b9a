"""Assertions on HubSpot's wire shapes."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def assert_error(response: httpx.Response, status: int, category: str, message: str | None = None) -> dict[str, Any]:
    """A HubSpot error envelope, as JSON, with the exact status and category."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == category, body
    uuid.UUID(body["correlationId"])
    if message is not None:
        assert body["message"] == message, body["message"]
    return body


def assert_batch(response: httpx.Response, status: int, num_results: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    for key in ("startedAt", "completedAt"):
        assert ISO_MS.match(body[key]), body[key]
    assert len(body["results"]) == num_results, body
    if status == 207:
        assert body["numErrors"] == len(body["errors"]) > 0
    else:
        assert "errors" not in body
    return body


def assert_record(record: dict[str, Any]) -> None:
    assert record["id"].isdigit()
    assert ISO_MS.match(record["createdAt"]) and ISO_MS.match(record["updatedAt"])
    assert record["archived"] is False
    assert record["properties"]["hs_object_id"] == record["id"]
    assert all(isinstance(v, str) or v is None for v in record["properties"].values())
