"""Every type of the catalogue (localspot/kernel/schema/types/) through the one generic engine, over real HTTP:
create, read, update, search and archive a record of each type that takes writes; the refusal, with reads
still answering, for each type whose definition takes none (feedback submissions, contracts, forecasts) or only some
(partner clients and services take updates only)."""

from __future__ import annotations

import pytest

from localspot.kernel.schema import ObjectType, load_catalog
from tests.conftest import make_client
from tests.support.asserts import assert_error, assert_record
from tests.support.factories import MINIMAL_PROPERTIES

TYPES = load_catalog().object_types
WRITABLE = [t for t in TYPES if t.write_operations == {"create", "update", "archive"}]
LIMITED = [t for t in TYPES if "create" not in t.write_operations]
REQUIRING = [t for t in WRITABLE if t.required_properties]
NOT_FOUND = "Object not found.  objectId are usually numeric."


def ids(types: list[ObjectType]) -> list[str]:
    return [t.name for t in types]


def text_property(object_type: ObjectType) -> str:
    """A writable free-text property to update and search on: the display property where it is one."""
    candidates = [object_type.primary_display_property, *object_type.searchable_properties]
    for name in candidates:
        prop = object_type.writable_properties.get(name or "")
        if prop is not None and prop.type == "string" and prop.field_type in ("text", "textarea", "html"):
            return prop.name
    raise AssertionError(f"{object_type.name} has no writable text property")


def refusal(object_type: ObjectType, *operations: str) -> dict:
    return {
        "objectType": [object_type.name],
        "operations": list(operations),
    }


def test_the_catalogue_holds_every_published_type_once():
    assert len({t.object_type_id for t in TYPES}) == len({t.name for t in TYPES}) == len(TYPES) == 35
    assert {t.name for t in LIMITED} == {
        "contracts",
        "feedback_submissions",
        "forecasts",
        "partner_clients",
        "partner_services",
    }
    assert set(MINIMAL_PROPERTIES) == {t.name for t in TYPES if "create" in t.write_operations}


@pytest.mark.parametrize("object_type", WRITABLE, ids=ids(WRITABLE))
def test_create_read_update_search_archive(api, unique, object_type: ObjectType):
    base = f"/crm/v3/objects/{object_type.name}"
    text = text_property(object_type)
    properties = {**MINIMAL_PROPERTIES[object_type.name], text: f"first {unique}"}
    created = api.post(base, json={"properties": properties})
    assert created.status_code == 201, created.text
    record = created.json()
    assert_record(record)
    assert record["properties"][text] == f"first {unique}"
    assert record["properties"][object_type.created_property] == record["createdAt"]
    record_id = record["id"]

    # By name and by objectTypeId alike.
    for path in (f"{base}/{record_id}", f"/crm/v3/objects/{object_type.object_type_id}/{record_id}"):
        read = api.get(path, params={"properties": text})
        assert read.status_code == 200, read.text
        assert read.json()["id"] == record_id
        assert read.json()["properties"][text] == f"first {unique}"

    updated = api.patch(f"{base}/{record_id}", json={"properties": {text: f"second {unique}"}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["properties"][text] == f"second {unique}"

    search = {
        "filterGroups": [{"filters": [{"propertyName": text, "operator": "EQ", "value": f"second {unique}"}]}],
        "properties": [text],
    }
    found = api.post(f"{base}/search", json=search)
    assert found.status_code == 200, found.text
    assert found.json()["total"] == 1
    assert [(r["id"], r["properties"][text]) for r in found.json()["results"]] == [(record_id, f"second {unique}")]

    archived = api.delete(f"{base}/{record_id}")
    assert archived.status_code == 204, archived.text
    assert_error(api.get(f"{base}/{record_id}"), 404, "OBJECT_NOT_FOUND", NOT_FOUND)
    assert api.post(f"{base}/search", json=search).json()["total"] == 0


@pytest.mark.parametrize("object_type", REQUIRING, ids=ids(REQUIRING))
def test_required_properties_are_required(api, object_type: ObjectType):
    missing = object_type.required_properties[0]
    properties = {k: v for k, v in MINIMAL_PROPERTIES[object_type.name].items() if k != missing}
    response = api.post(f"/crm/v3/objects/{object_type.name}", json={"properties": properties})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert missing in body["message"], body


@pytest.mark.parametrize("object_type", LIMITED, ids=ids(LIMITED))
def test_writes_the_type_does_not_take_are_refused_and_reads_answer(api, object_type: ObjectType):
    base = f"/crm/v3/objects/{object_type.name}"
    name = object_type.name
    body = {"properties": {text_property(object_type): "x"}}
    creates = [
        api.post(base, json=body),
        api.post(f"{base}/batch/create", json={"inputs": [body]}),
        api.post(f"/crm/objects/2026-03/{object_type.object_type_id}", json=body),
    ]
    for response in creates:
        refused = assert_error(
            response, 400, "VALIDATION_ERROR", f"Records of type {name} do not support create through the API."
        )
        assert refused["context"] == refusal(object_type, "create")
    archived = api.delete(f"{base}/1")
    refused = assert_error(
        archived, 400, "VALIDATION_ERROR", f"Records of type {name} do not support archive through the API."
    )
    assert refused["context"] == refusal(object_type, "archive")
    upserted = api.post(f"{base}/batch/upsert", json={"inputs": [{"id": "x", "idProperty": "hs_name", **body}]})
    expected = [op for op in ("create", "update") if op not in object_type.write_operations]
    listed = ", ".join(expected)
    refused = assert_error(
        upserted, 400, "VALIDATION_ERROR", f"Records of type {name} do not support {listed} through the API."
    )
    assert refused["context"] == refusal(object_type, *expected)

    merged = api.post(f"{base}/merge", json={"primaryObjectId": "1", "objectIdToMerge": "2"})
    refused_merge = [op for op in ("update", "archive") if op not in object_type.write_operations]
    listed = ", ".join(refused_merge)
    refused = assert_error(
        merged, 400, "VALIDATION_ERROR", f"Records of type {name} do not support {listed} through the API."
    )
    assert refused["context"] == refusal(object_type, *refused_merge)

    updated = api.patch(f"{base}/1", json=body)
    if "update" in object_type.write_operations:
        assert_error(updated, 404, "OBJECT_NOT_FOUND", NOT_FOUND)
    else:
        refused = assert_error(
            updated, 400, "VALIDATION_ERROR", f"Records of type {name} do not support update through the API."
        )
        assert refused["context"] == refusal(object_type, "update")

    listing = api.get(base)
    assert listing.status_code == 200, listing.text
    assert listing.json() == {"results": []}
    searched = api.post(f"{base}/search", json={})
    assert searched.status_code == 200, searched.text
    assert searched.json() == {"total": 0, "results": []}
    assert_error(api.get(f"{base}/1"), 404, "OBJECT_NOT_FOUND", NOT_FOUND)


def test_a_read_only_type_reads_with_its_own_scope_and_no_token_writes_it(base_url, token_for):
    with make_client(base_url, token_for("crm.objects.feedback_submissions.read")) as reader:
        assert reader.get("/crm/v3/objects/feedback_submissions").status_code == 200
        properties = reader.get("/crm/v3/properties/feedback_submissions/hs_survey_type")
        assert properties.status_code == 200, properties.text
        assert [o["value"] for o in properties.json()["options"]] == ["NPS", "CSAT", "CES", "CUSTOM"]
        assert_error(
            reader.post("/crm/v3/objects/feedback_submissions", json={"properties": {}}), 400, "VALIDATION_ERROR"
        )


def test_projects_and_appointments_are_served_under_their_specs_path(api, unique):
    """HubSpot's projects and appointments specs publish `/crm/objects/v3/{type}`: the same engine."""
    created = api.post("/crm/objects/v3/projects", json={"properties": {"hs_name": f"Launch {unique}"}})
    assert created.status_code == 201, created.text
    project = created.json()["id"]
    assert api.get(f"/crm/v3/objects/projects/{project}").json()["properties"]["hs_name"] == f"Launch {unique}"
    search = {
        "filterGroups": [{"filters": [{"propertyName": "hs_name", "operator": "EQ", "value": f"Launch {unique}"}]}]
    }
    found = api.post("/crm/objects/v3/0-970/search", json=search)
    assert found.status_code == 200, found.text
    assert [r["id"] for r in found.json()["results"]] == [project]
    appointment = {"properties": {"hs_appointment_name": f"Visit {unique}"}}
    batch = api.post("/crm/objects/v3/appointments/batch/create", json={"inputs": [appointment]})
    assert batch.status_code == 201, batch.text
    assert batch.json()["results"][0]["properties"]["hs_appointment_name"] == f"Visit {unique}"
