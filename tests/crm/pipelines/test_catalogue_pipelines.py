"""The default pipelines of the catalogue's newer pipeline types (leads, orders), and record validation
following them, over real HTTP: the same generic pipeline code as deals and tickets, from the types' data."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error

LEAD_STAGES = [
    "new-stage-id",
    "attempting-stage-id",
    "connected-stage-id",
    "qualified-stage-id",
    "unqualified-stage-id",
]
ORDER_STAGES = [
    "checkout_abandoned",
    "checkout_pending",
    "checkout_completed",
    "processed",
    "shipped",
    "cancelled",
    "refunded",
]
EPOCH = "1970-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("path", "pipeline_id", "label", "stage_ids"),
    [
        ("/crm/v3/pipelines/leads", "lead-pipeline-id", "Lead pipeline", LEAD_STAGES),
        ("/crm/pipelines/2026-03/0-136", "lead-pipeline-id", "Lead pipeline", LEAD_STAGES),
        ("/crm/v3/pipelines/orders", "default", "Order pipeline", ORDER_STAGES),
        ("/crm/pipelines/2026-03/0-123", "default", "Order pipeline", ORDER_STAGES),
    ],
)
def test_default_pipelines_of_leads_and_orders(api, path, pipeline_id, label, stage_ids):
    response = api.get(path)
    assert response.status_code == 200, response.text
    default = next(p for p in response.json()["results"] if p["id"] == pipeline_id)
    assert default["label"] == label and default["archived"] is False and default["createdAt"] == EPOCH
    assert [s["id"] for s in default["stages"]] == stage_ids
    assert [s["displayOrder"] for s in default["stages"]] == list(range(len(stage_ids)))
    assert all(s["metadata"] == {} and s["archived"] is False for s in default["stages"])
    one = api.get(f"{path}/{pipeline_id}/stages/{stage_ids[1]}")
    assert one.status_code == 200, one.text
    assert one.json()["id"] == stage_ids[1]


def test_a_lead_takes_only_a_live_stage_and_a_new_pipeline_feeds_validation(api, unique):
    lead = {"hs_lead_name": f"Lead {unique}", "hs_pipeline": "lead-pipeline-id"}
    ok = api.post("/crm/v3/objects/leads", json={"properties": {**lead, "hs_pipeline_stage": "connected-stage-id"}})
    assert ok.status_code == 201, ok.text
    assert ok.json()["properties"]["hs_pipeline_stage"] == "connected-stage-id"
    bad = api.post("/crm/v3/objects/leads", json={"properties": {**lead, "hs_pipeline_stage": "closedwon"}})
    body = assert_error(bad, 400, "VALIDATION_ERROR")
    assert "hs_pipeline_stage" in body["message"], body

    created = api.post(
        "/crm/v3/pipelines/leads",
        json={
            "label": f"Partners {unique}",
            "displayOrder": 3,
            "stages": [{"label": "Met", "displayOrder": 0, "metadata": {}}],
        },
    )
    assert created.status_code == 201, created.text
    pipeline = created.json()
    stage = pipeline["stages"][0]["id"]
    options = api.get("/crm/v3/properties/leads/hs_pipeline_stage").json()["options"]
    assert stage in [o["value"] for o in options]
    moved = api.patch(
        f"/crm/v3/objects/leads/{ok.json()['id']}",
        json={"properties": {"hs_pipeline": pipeline["id"], "hs_pipeline_stage": stage}},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["properties"]["hs_pipeline_stage"] == stage


def test_an_order_moves_through_its_default_stages(api, unique):
    order = {"hs_order_name": f"Order {unique}", "hs_pipeline": "default", "hs_pipeline_stage": "checkout_pending"}
    created = api.post("/crm/v3/objects/orders", json={"properties": order})
    assert created.status_code == 201, created.text
    shipped = api.patch(
        f"/crm/v3/objects/orders/{created.json()['id']}", json={"properties": {"hs_pipeline_stage": "shipped"}}
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["properties"]["hs_pipeline_stage"] == "shipped"
    assert_error(
        api.patch(f"/crm/v3/objects/orders/{created.json()['id']}", json={"properties": {"hs_pipeline_stage": "4"}}),
        400,
        "VALIDATION_ERROR",
    )
