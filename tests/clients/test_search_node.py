"""Search through HubSpot's official Node client (@hubspot/api-client): `searchApi.doSearch`."""

from __future__ import annotations

import os

import pytest

from tests.clients.node import NodeUnavailable, ensure_node_client, run_node
from tests.conftest import TOKEN
from tests.support.factories import batch_create


@pytest.fixture(scope="module")
def node_dir():
    try:
        return ensure_node_client()
    except NodeUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Node client unavailable in CI: {exc}")
        pytest.skip(f"Node client unavailable (set CI=true to make this a failure): {exc}")


def test_do_search_with_the_node_client(node_dir, api, base_url, unique):
    made = batch_create(
        api,
        "tasks",
        [
            {"properties": {"hs_timestamp": f"2025-04-0{1 + i}T08:00:00.000Z", "hs_task_subject": f"nd{unique} {i}"}}
            for i in range(3)
        ],
    )
    script = f"""
    const first = await client.crm.objects.tasks.searchApi.doSearch({{
      filterGroups: [{{filters: [
        {{propertyName: "hs_task_subject", operator: "CONTAINS_TOKEN", value: "nd{unique}"}},
      ]}}],
      sorts: ["-hs_timestamp"], properties: ["hs_task_subject"], limit: 2, after: "0",
    }});
    const rest = await client.crm.objects.tasks.searchApi.doSearch(
      {{query: "nd{unique}", limit: 2, after: first.paging.next.after}},
    );
    return {{first, rest}};
    """
    out = run_node(base_url, TOKEN, script)
    assert out["ok"] is True, out
    first, rest = out["result"]["first"], out["result"]["rest"]
    assert first["total"] == 3 and [r["id"] for r in first["results"]] == [made[2]["id"], made[1]["id"]]
    assert first["results"][0]["properties"]["hs_task_subject"] == f"nd{unique} 2"
    assert first["paging"]["next"]["after"] == "2"
    assert rest["total"] == 3 and [r["id"] for r in rest["results"]] == [made[2]["id"]]
    assert "paging" not in rest or rest["paging"] is None


def test_do_search_error_with_the_node_client(node_dir, base_url):
    out = run_node(base_url, TOKEN, "return await client.crm.objects.tasks.searchApi.doSearch({limit: 1000})")
    assert out["ok"] is False
    assert out["error"]["code"] == 400 and out["error"]["body"]["category"] == "VALIDATION_ERROR"
