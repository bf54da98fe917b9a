"""Pipelines (deals v1, CRM pipelines v1), owners v2, and the modern aliases the integrations call:
`/crm/v3/schemas` and `/crm/v4/objects/{objectType}`."""

from __future__ import annotations

from datetime import datetime

from tests.support.asserts import assert_error


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def test_deal_pipelines_v1(new_portal):
    portal_id, client = new_portal()
    response = client.get("/deals/v1/pipelines")
    assert response.status_code == 200, response.text
    [pipeline] = response.json()
    modern = client.get("/crm/v3/pipelines/deals/default").json()
    assert pipeline == {
        "portalId": portal_id,
        "pipelineId": "default",
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "active": True,
        "staticDefault": True,
        "stages": [
            {
                "stageId": stage["id"],
                "label": stage["label"],
                "probability": float(stage["metadata"]["probability"]),
                "active": True,
                "displayOrder": stage["displayOrder"],
                "closedWon": stage["id"] == "closedwon",
            }
            for stage in modern["stages"]
        ],
    }
    assert pipeline["stages"][0] == {
        "stageId": "appointmentscheduled",
        "label": "Appointment scheduled",
        "probability": 0.2,
        "active": True,
        "displayOrder": 0,
        "closedWon": False,
    }
    assert client.get("/deals/v1/pipelines/default").json() == pipeline
    assert_error(client.get("/deals/v1/pipelines/nope"), 404, "OBJECT_NOT_FOUND")


def test_crm_pipelines_v1_for_deals_and_tickets(new_portal):
    _, client = new_portal()
    response = client.get("/crm-pipelines/v1/pipelines/deals")
    assert response.status_code == 200, response.text
    [deals] = response.json()["results"]
    modern = client.get("/crm/v3/pipelines/deals/default").json()
    first = modern["stages"][0]
    assert {k: v for k, v in deals.items() if k != "stages"} == {
        "pipelineId": "default",
        "objectType": "DEAL",
        "objectTypeId": "0-3",
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "active": True,
        "default": True,
        "createdAt": ms(modern["createdAt"]),
        "updatedAt": ms(modern["updatedAt"]),
    }
    assert deals["stages"][0] == {
        "stageId": "appointmentscheduled",
        "label": "Appointment scheduled",
        "displayOrder": 0,
        "metadata": {"isClosed": "false", "probability": "0.2"},
        "active": True,
        "createdAt": ms(first["createdAt"]),
        "updatedAt": ms(first["updatedAt"]),
    }
    tickets = client.get("/crm-pipelines/v1/pipelines/tickets").json()["results"]
    assert [(p["objectType"], p["objectTypeId"]) for p in tickets] == [("TICKET", "0-5")] * len(tickets) != []
    assert_error(client.get("/crm-pipelines/v1/pipelines/nope"), 400, "VALIDATION_ERROR")


def test_owners_v2(server, api, unique):
    owner = server.create_owner(f"legacy-{unique}@example.com", first_name="Lee", last_name="Gacy")
    response = api.get("/owners/v2/owners", params={"email": owner["email"]})
    assert response.status_code == 200, response.text
    owner_id = int(owner["id"])
    expected = {
        "portalId": 1,
        "ownerId": owner_id,
        "type": "PERSON",
        "firstName": "Lee",
        "lastName": "Gacy",
        "email": owner["email"],
        "createdAt": ms(owner["createdAt"]),
        "updatedAt": ms(owner["updatedAt"]),
        "remoteList": [
            {
                "id": owner_id,
                "portalId": 1,
                "ownerId": owner_id,
                "remoteId": str(owner["userId"]),
                "remoteType": "HUBSPOT",
                "active": True,
            }
        ],
        "hasContactsAccess": True,
        "activeUserId": owner["userId"],
        "userIdIncludingInactive": owner["userId"],
        "isActive": True,
    }
    assert response.json() == [expected]
    assert expected in api.get("/owners/v2/owners", params={"includeInactive": "true"}).json()
    assert api.get(f"/owners/v2/owners/{owner_id}").json() == expected
    assert_error(api.get("/owners/v2/owners/999999999"), 404, "OBJECT_NOT_FOUND")


def test_crm_v3_schemas_is_the_object_schemas_list(api):
    response = api.get("/crm/v3/schemas")
    assert response.status_code == 200, response.text
    assert response.json() == api.get("/crm-object-schemas/v3/schemas").json()


def test_crm_v4_objects_serves_the_record_paths(new_portal):
    _, client = new_portal()
    created = client.post(
        "/crm/v4/objects/tickets",
        json={"properties": {"subject": "Help", "hs_pipeline": "0", "hs_pipeline_stage": "1"}},
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    listed = client.get("/crm/v4/objects/tickets", params={"limit": 10, "properties": "subject"})
    assert listed.status_code == 200, listed.text
    assert listed.json() == client.get("/crm/v3/objects/tickets", params={"limit": 10, "properties": "subject"}).json()
    assert [t["id"] for t in listed.json()["results"]] == [ticket["id"]]
    one = client.get(f"/crm/v4/objects/tickets/{ticket['id']}")
    assert one.status_code == 200 and one.json()["properties"]["subject"] == "Help"
    found = client.post("/crm/v4/objects/tickets/search", json={"query": "Help"})
    assert found.status_code == 200 and found.json()["total"] == 1
    # The v4 association paths under the same prefix still answer.
    associations = client.get(f"/crm/v4/objects/tickets/{ticket['id']}/associations/contacts")
    assert associations.status_code == 200, associations.text


def test_the_aliases_leave_the_other_v3_paths_alone(api):
    assert api.get("/crm/v3/owners/").status_code == 200
    assert api.get("/crm/v3/pipelines/deals").status_code == 200
    assert_error(api.get("/crm/v3/nothing-here"), 404, "OBJECT_NOT_FOUND", "No route matches /crm/v3/nothing-here")
