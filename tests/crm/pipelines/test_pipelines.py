"""Pipelines and stages, and record validation following the portal's pipelines."""

from __future__ import annotations

import pytest

from tests.support.asserts import ISO_MS, assert_batch, assert_error

DEAL = {"dealname": "Deal", "pipeline": "default", "dealstage": "appointmentscheduled"}


def deal_pipeline(label: str, *stages: tuple[str, str]):
    return {
        "label": label,
        "displayOrder": 5,
        "stages": [
            {"label": name, "displayOrder": i, "metadata": {"probability": probability}}
            for i, (name, probability) in enumerate(stages)
        ],
    }


def create_deals(api, **properties):
    response = api.post("/crm/v3/objects/deals/batch/create", json={"inputs": [{"properties": {**DEAL, **properties}}]})
    return response


def test_default_pipelines(api):
    deals = api.get("/crm/v3/pipelines/deals").json()["results"]
    default = next(p for p in deals if p["id"] == "default")
    assert [s["id"] for s in default["stages"]][:2] == ["appointmentscheduled", "qualifiedtobuy"]
    assert default["stages"][-1]["metadata"] == {"isClosed": "true", "probability": "0.0"}
    assert default["createdAt"] == "1970-01-01T00:00:00.000Z" and default["archived"] is False
    tickets = api.get("/crm/pipelines/2026-03/0-5").json()["results"]
    assert [s["metadata"]["ticketState"] for s in tickets[0]["stages"]] == ["OPEN", "OPEN", "OPEN", "CLOSED"]


def test_a_new_pipeline_feeds_record_validation(api, unique):
    created = api.post(
        "/crm/v3/pipelines/deals", json=deal_pipeline(f"Renewals {unique}", ("Open", "0.5"), ("Won", "1.0"))
    )
    assert created.status_code == 201, created.text
    pipeline = created.json()
    assert ISO_MS.match(pipeline["createdAt"])
    stage_ids = [s["id"] for s in pipeline["stages"]]
    assert pipeline["stages"][1]["metadata"] == {"probability": "1.0", "isClosed": "true"}
    deal = create_deals(api, pipeline=pipeline["id"], dealstage=stage_ids[0])
    assert assert_batch(deal, 201, 1)["results"][0]["properties"]["dealstage"] == stage_ids[0]
    options = api.get("/crm/v3/properties/deals/pipeline").json()["options"]
    assert pipeline["id"] in [o["value"] for o in options]
    # the deal sits in the first stage: removing it while validating references is refused
    in_use = api.delete(
        f"/crm/v3/pipelines/deals/{pipeline['id']}/stages/{stage_ids[0]}",
        params={"validateReferencesBeforeDelete": "true"},
    )
    body = assert_error(in_use, 400, "VALIDATION_ERROR")
    assert body["subCategory"] == "PipelineError.STAGE_ID_IN_USE" and body["context"]["stageIds"] == [stage_ids[0]]
    # an unused stage can go, and records can no longer use it
    assert api.delete(f"/crm/v3/pipelines/deals/{pipeline['id']}/stages/{stage_ids[1]}").status_code == 204
    assert_error(create_deals(api, pipeline=pipeline["id"], dealstage=stage_ids[1]), 400, "VALIDATION_ERROR")
    audit = api.get(f"/crm/v3/pipelines/deals/{pipeline['id']}/audit").json()["results"]
    assert [entry["action"] for entry in audit] == ["CREATE"]


def test_stages_crud_and_pipeline_updates(api, unique):
    pipeline = api.post("/crm/v3/pipelines/deals", json=deal_pipeline(f"P {unique}", ("One", "0.1"))).json()
    base = f"/crm/v3/pipelines/deals/{pipeline['id']}"
    stage = api.post(f"{base}/stages", json={"label": "Two", "displayOrder": 1, "metadata": {"probability": 0.3}})
    assert stage.status_code == 201, stage.text
    stage_id = stage.json()["id"]
    patched = api.patch(f"{base}/stages/{stage_id}", json={"label": "Second", "metadata": {"probability": "0.4"}})
    assert patched.json()["label"] == "Second" and patched.json()["metadata"]["probability"] == "0.4"
    assert [s["label"] for s in api.get(f"{base}/stages").json()["results"]] == ["One", "Second"]
    renamed = api.patch(base, json={"label": f"Renamed {unique}", "displayOrder": 9})
    assert renamed.status_code == 200 and renamed.json()["label"] == f"Renamed {unique}"
    replaced = api.put(base, json=deal_pipeline(f"Replaced {unique}", ("Only", "0.2")))
    assert [s["label"] for s in replaced.json()["stages"]] == ["Only"]
    assert api.delete(base).status_code == 204
    assert_error(api.get(base), 404, "OBJECT_NOT_FOUND")
    restored = api.patch(base, json={"archived": False})
    assert restored.status_code == 200 and restored.json()["archived"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/crm/v3/pipelines/deals", {"label": "x", "stages": [{"label": "s", "metadata": {}}]}),
        ("/crm/v3/pipelines/deals", {"label": "x", "stages": [{"label": "s", "metadata": {"probability": "2"}}]}),
        ("/crm/v3/pipelines/deals", {"label": "x", "stages": []}),
        (
            "/crm/v3/pipelines/deals",
            {
                "label": "x",
                "stages": [
                    {"label": "s", "metadata": {"probability": "1"}},
                    {"label": "s", "metadata": {"probability": "1"}},
                ],
            },
        ),
        (
            "/crm/v3/pipelines/deals",
            {"label": "Sales Pipeline", "stages": [{"label": "s", "metadata": {"probability": "1"}}]},
        ),
        ("/crm/v3/pipelines/tickets", {"label": "x", "stages": [{"label": "s", "metadata": {"ticketState": "ajar"}}]}),
        ("/crm/v3/pipelines/contacts", {"label": "x", "stages": [{"label": "s"}]}),
        ("/crm/v3/pipelines/deals", {"stages": []}),
        ("/crm/v3/pipelines/deals", {"label": "x", "stages": [{"label": "s"}] * 101}),
    ],
)
def test_invalid_pipelines_are_a_400(api, path, body):
    assert_error(api.post(path, json=body), 400, "VALIDATION_ERROR")


def test_missing_pipelines_and_stages_are_404(api):
    assert_error(api.get("/crm/v3/pipelines/deals/no-such-pipeline"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get("/crm/v3/pipelines/deals/default/stages/no-such-stage"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.patch("/crm/v3/pipelines/deals/default", json={"archived": True}), 400, "VALIDATION_ERROR")


def test_pipelines_belong_to_one_portal(api, other_portal_api, unique):
    pipeline = api.post(
        "/crm/v3/pipelines/tickets",
        json={"label": f"Mine {unique}", "stages": [{"label": "s", "metadata": {"ticketState": "OPEN"}}]},
    ).json()
    assert_error(other_portal_api.get(f"/crm/v3/pipelines/tickets/{pipeline['id']}"), 404, "OBJECT_NOT_FOUND")
    ticket = {"subject": "s", "hs_pipeline": pipeline["id"], "hs_pipeline_stage": pipeline["stages"][0]["id"]}
    foreign = other_portal_api.post("/crm/v3/objects/tickets/batch/create", json={"inputs": [{"properties": ticket}]})
    assert_error(foreign, 400, "VALIDATION_ERROR")
    mine = api.post("/crm/v3/objects/tickets/batch/create", json={"inputs": [{"properties": ticket}]})
    assert_batch(mine, 201, 1)


def test_python_client_reads_and_creates_pipelines(hubspot_client, unique):
    from hubspot.crm.pipelines import PipelineInput, PipelineStageInput

    created = hubspot_client.crm.pipelines.pipelines_api.create(
        "deals",
        PipelineInput(
            label=f"Py {unique}",
            display_order=1,
            stages=[PipelineStageInput(label="Start", display_order=0, metadata={"probability": "0.1"})],
        ),
    )
    assert created.stages[0].label == "Start" and created.created_at.year >= 2025
    listed = hubspot_client.crm.pipelines.pipelines_api.get_all("deals")
    assert created.id in [p.id for p in listed.results]
    stage = hubspot_client.crm.pipelines.pipeline_stages_api.get_by_id("deals", created.id, created.stages[0].id)
    assert stage.metadata == {"probability": "0.1", "isClosed": "false"}
