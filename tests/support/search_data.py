"""A generated set of tasks for search tests, with the expected answer of any filter computed in Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.factories import batch_create

STATUSES = ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"]
PRIORITIES = ["NONE", "LOW", "MEDIUM", "HIGH"]
WORDS = ["Alpha", "bravo", "CHARLIE", "delta-echo", "foxtrot_golf", "hotel@india.com"]
BASE_MS = 1_736_000_000_000  # 2025-01-04T14:13:20Z
HOUR = 3_600_000
COUNT = 240


@dataclass
class TaskSet:
    tag: str
    props: dict[str, str]  # kind -> custom property name: tag, score, due, flag, labels
    records: list[dict[str, Any]] = field(default_factory=list)  # {"id": int, **stored values}

    def tag_filter(self) -> dict[str, str]:
        return {"propertyName": self.props["tag"], "operator": "EQ", "value": self.tag}

    def expected(self, predicate: Callable[[dict[str, Any]], bool]) -> list[int]:
        return [r["id"] for r in self.records if predicate(r)]


def iso(ms: int) -> str:
    import time

    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def task_values(i: int, props: dict[str, str], tag: str) -> dict[str, str]:
    values = {
        props["tag"]: tag,
        "hs_timestamp": iso(BASE_MS + i * HOUR),
        "hs_task_status": STATUSES[i % 5],
        "hs_task_subject": f"{WORDS[i % 6]} item{i} Mixed-Case",
        "hubspot_owner_id": str(100 + i % 3),
        props["score"]: str((i % 17 - 5) * 1.5).removesuffix(".0"),
        props["due"]: f"2025-02-{1 + i % 28:02d}",
        props["flag"]: "true" if i % 2 else "false",
    }
    if i % 7:
        values["hs_task_priority"] = PRIORITIES[i % 4]
    if i % 5 == 1:
        values[props["labels"]] = ["a", "b;c", "c", "a;b;c"][i % 4]
    if i % 11 == 0:
        del values[props["score"]]
    return values


def create_task_set(api: httpx.Client, tag: str, count: int = COUNT) -> TaskSet:
    props = {kind: f"s{kind}_{tag}" for kind in ("tag", "score", "due", "flag", "labels")}
    definitions = {
        "tag": {"type": "string", "fieldType": "text"},
        "score": {"type": "number", "fieldType": "number"},
        "due": {"type": "date", "fieldType": "date"},
        "flag": {
            "type": "bool",
            "fieldType": "booleancheckbox",
            "options": [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}],
        },
        "labels": {
            "type": "enumeration",
            "fieldType": "checkbox",
            "options": [{"label": v.upper(), "value": v} for v in ("a", "b", "c")],
        },
    }
    for kind, definition in definitions.items():
        response = api.post(
            "/crm/v3/properties/tasks",
            json={"name": props[kind], "label": props[kind], "groupName": "taskinformation", **definition},
        )
        assert response.status_code == 201, response.text
    task_set = TaskSet(tag, props)
    for start in range(0, count, 100):
        inputs = [{"properties": task_values(i, props, tag)} for i in range(start, min(count, start + 100))]
        created = batch_create(api, "tasks", inputs)
        for item, result in zip(inputs, created, strict=True):
            task_set.records.append({"id": int(result["id"]), **item["properties"]})
    task_set.records.sort(key=lambda r: r["id"])
    return task_set


def search(api: httpx.Client, body: dict[str, Any], type_name: str = "tasks") -> httpx.Response:
    return api.post(f"/crm/v3/objects/{type_name}/search", json=body)


def search_all(api: httpx.Client, body: dict[str, Any], type_name: str = "tasks") -> list[int]:
    """Every id the search returns, in order, following `paging` to the end; checks `total` on each page."""
    ids: list[int] = []
    after: str | None = None
    total = None
    while True:
        page_body = {**body, "limit": 200, **({"after": after} if after else {})}
        response = search(api, page_body, type_name)
        assert response.status_code == 200, response.text
        page = response.json()
        assert total is None or page["total"] == total
        total = page["total"]
        ids.extend(int(r["id"]) for r in page["results"])
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
    assert len(ids) == total
    return ids
