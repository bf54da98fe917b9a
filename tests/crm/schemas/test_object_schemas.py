"""Custom object schemas, and records of custom types served by the same engine as standard types."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_batch, assert_error, assert_record
from tests.support.factories import create_contacts


def schema_body(name: str, **overrides):
    return {
        "name": name,
        "labels": {"singular": "Car", "plural": "Cars"},
        "properties": [
            {"name": "vin", "label": "VIN", "type": "string", "fieldType": "text", "hasUniqueValue": True},
            {"name": "year", "label": "Year", "type": "number", "fieldType": "number"},
            {
                "name": "color",
                "label": "Color",
                "type": "enumeration",
                "fieldType": "select",
                "options": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}],
            },
        ],
        "requiredProperties": ["vin"],
        "searchableProperties": ["vin"],
        "primaryDisplayProperty": "vin",
        "associatedObjects": ["CONTACT"],
        **overrides,
    }


@pytest.fixture
def car_schema(api, unique):
    response = api.post("/crm-object-schemas/v3/schemas", json=schema_body(f"cars_{unique}"))
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_read_a_schema(api, car_schema, unique):
    name = f"cars_{unique}"
    assert car_schema["name"] == name
    assert car_schema["fullyQualifiedName"] == f"p1_{name}"
    assert car_schema["objectTypeId"] == f"2-{car_schema['id']}"
    assert car_schema["requiredProperties"] == ["vin"]
    props = {p["name"]: p for p in car_schema["properties"]}
    assert {"vin", "year", "color", "hs_object_id", "hs_createdate", "hs_lastmodifieddate"} <= set(props)
    assert props["vin"]["hasUniqueValue"] is True and props["year"]["type"] == "number"
    [association] = car_schema["associations"]
    assert association["fromObjectTypeId"] == car_schema["objectTypeId"] and association["toObjectTypeId"] == "0-1"
    for path in (car_schema["objectTypeId"], car_schema["fullyQualifiedName"], name):
        fetched = api.get(f"/crm-object-schemas/v3/schemas/{path}")
        assert fetched.status_code == 200 and fetched.json() == car_schema
    listed = api.get("/crm-object-schemas/2026-03/schemas").json()["results"]
    assert car_schema["objectTypeId"] in [s["objectTypeId"] for s in listed]


def test_records_of_a_custom_type(api, car_schema, unique):
    contact = create_contacts(api, 1, unique)[0]
    type_id = car_schema["objectTypeId"]
    association_id = int(car_schema["associations"][0]["id"])
    response = api.post(
        f"/crm/v3/objects/{car_schema['fullyQualifiedName']}/batch/create",
        json={
            "inputs": [
                {
                    "properties": {"vin": "VIN-1", "year": "2020", "color": "red"},
                    "associations": [
                        {
                            "to": {"id": contact["id"]},
                            "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": association_id}],
                        }
                    ],
                }
            ]
        },
    )
    car = assert_batch(response, 201, 1)["results"][0]
    assert_record(car)
    assert car["properties"]["vin"] == "VIN-1" and "hs_createdate" in car["properties"]
    missing_required = api.post(f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {}}]})
    assert assert_error(missing_required, 400, "VALIDATION_ERROR")["errors"][0]["code"] == "REQUIRED_PROPERTY"
    bad_option = api.post(
        f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {"vin": "VIN-2", "color": "green"}}]}
    )
    assert_error(bad_option, 400, "VALIDATION_ERROR")
    duplicate = api.post(f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {"vin": "VIN-1"}}]})
    assert_error(duplicate, 409, "CONFLICT")
    by_vin = api.post(
        f"/crm/v3/objects/{type_id}/batch/update",
        json={"inputs": [{"id": "VIN-1", "idProperty": "vin", "properties": {"year": "2021"}}]},
    )
    assert assert_batch(by_vin, 200, 1)["results"][0]["properties"]["year"] == "2021"


def test_properties_api_serves_custom_types(api, car_schema):
    type_id = car_schema["objectTypeId"]
    group = f"{car_schema['name']}_information"
    created = api.post(
        f"/crm/v3/properties/{type_id}",
        json={"name": "mileage", "label": "Mileage", "type": "number", "fieldType": "number", "groupName": group},
    )
    assert created.status_code == 201, created.text
    record = api.post(
        f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {"vin": "M-1", "mileage": "12"}}]}
    )
    assert assert_batch(record, 201, 1)["results"][0]["properties"]["mileage"] == "12"
    schema = api.get(f"/crm-object-schemas/v3/schemas/{type_id}").json()
    assert "mileage" in [p["name"] for p in schema["properties"]]


def test_update_and_delete_a_schema(api, unique):
    created = api.post("/crm-object-schemas/v3/schemas", json=schema_body(f"boats_{unique}", associatedObjects=[]))
    type_id = created.json()["objectTypeId"]
    patched = api.patch(
        f"/crm-object-schemas/v3/schemas/{type_id}",
        json={"labels": {"singular": "Boat", "plural": "Boats"}, "requiredProperties": []},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["labels"] == {"singular": "Boat", "plural": "Boats"}
    assert patched.json()["requiredProperties"] == []
    assert_error(
        api.patch(f"/crm-object-schemas/v3/schemas/{type_id}", json={"requiredProperties": ["nope"]}),
        400,
        "VALIDATION_ERROR",
    )
    record = api.post(f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {"year": "1"}}]})
    assert_batch(record, 201, 1)
    assert_error(api.delete(f"/crm-object-schemas/v3/schemas/{type_id}"), 400, "VALIDATION_ERROR")


def test_association_definitions(api, car_schema):
    type_id = car_schema["objectTypeId"]
    created = api.post(
        f"/crm-object-schemas/v3/schemas/{type_id}/associations",
        json={"fromObjectTypeId": type_id, "toObjectTypeId": "0-2", "name": "car_to_company"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "car_to_company" and body["toObjectTypeId"] == "0-2"
    deleted = api.delete(f"/crm-object-schemas/v3/schemas/{type_id}/associations/{body['id']}")
    assert deleted.status_code == 204
    assert_error(
        api.delete(f"/crm-object-schemas/v3/schemas/{type_id}/associations/{body['id']}"), 404, "OBJECT_NOT_FOUND"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "1cars"},
        {"requiredProperties": ["not_defined"]},
        {"primaryDisplayProperty": "not_defined"},
        {"associatedObjects": ["NOT_A_TYPE"]},
        {"properties": [{"name": "Bad Name", "label": "x"}]},
        {"properties": [{"name": "p", "label": "x", "type": "enumeration", "fieldType": "select"}]},
        {"labels": "Cars"},
    ],
)
def test_invalid_schemas_are_a_400(api, unique, overrides):
    body = {**schema_body(f"bad_{unique}"), **overrides}
    assert_error(api.post("/crm-object-schemas/v3/schemas", json=body), 400, "VALIDATION_ERROR")


def test_duplicate_name_is_a_409(api, car_schema):
    response = api.post("/crm-object-schemas/v3/schemas", json=schema_body(car_schema["name"]))
    assert_error(response, 409, "OBJECT_ALREADY_EXISTS")
    standard = api.post("/crm-object-schemas/v3/schemas", json=schema_body("contacts"))
    assert_error(standard, 409, "OBJECT_ALREADY_EXISTS", "An object type named 'contacts' already exists.")


def test_schemas_belong_to_one_portal_and_need_scopes(api, other_portal_api, base_url, token_for, car_schema):
    assert_error(
        other_portal_api.get(f"/crm-object-schemas/v3/schemas/{car_schema['objectTypeId']}"), 404, "OBJECT_NOT_FOUND"
    )
    foreign = other_portal_api.post(
        f"/crm/v3/objects/{car_schema['objectTypeId']}/batch/create", json={"inputs": [{"properties": {"vin": "x"}}]}
    )
    assert_error(foreign, 400, "VALIDATION_ERROR")
    import httpx

    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.objects.custom.read')}"}
    ) as c:
        assert c.get("/crm-object-schemas/v3/schemas").status_code == 200
        assert_error(c.post("/crm-object-schemas/v3/schemas", json=schema_body("x_y")), 403, "MISSING_SCOPES")
        write = c.post(
            f"/crm/v3/objects/{car_schema['objectTypeId']}/batch/create",
            json={"inputs": [{"properties": {"vin": "s"}}]},
        )
        assert_error(write, 403, "MISSING_SCOPES")


def test_allows_sensitive_properties_is_on_every_schema_body(api, car_schema, unique):
    assert car_schema["allowsSensitiveProperties"] is False
    sensitive = api.post(
        "/crm-object-schemas/v3/schemas", json=schema_body(f"vaults_{unique}", allowsSensitiveProperties=True)
    )
    assert sensitive.status_code == 201, sensitive.text
    assert sensitive.json()["allowsSensitiveProperties"] is True
    patched = api.patch(
        f"/crm-object-schemas/v3/schemas/{car_schema['objectTypeId']}", json={"allowsSensitiveProperties": True}
    )
    assert patched.status_code == 200 and patched.json()["allowsSensitiveProperties"] is True
    listed = api.get("/crm-object-schemas/v3/schemas").json()["results"]
    assert all(isinstance(s["allowsSensitiveProperties"], bool) for s in listed)


@pytest.mark.parametrize("prefix", ["/crm-object-schemas/v3", "/crm-object-schemas/2026-03"])
def test_batch_read_answers_the_named_schemas_in_input_order(api, car_schema, unique, prefix):
    other = api.post("/crm-object-schemas/v3/schemas", json=schema_body(f"bikes_{unique}")).json()
    body = {
        "inputs": [other["name"], car_schema["objectTypeId"], "no_such_schema", car_schema["fullyQualifiedName"]],
        "includePropertyDefinitions": True,
        "includeAssociationDefinitions": True,
        "includeAuditMetadata": True,
    }
    answer = api.post(f"{prefix}/schemas/batch/read", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"results": [other, car_schema]}

    bare = api.post(
        f"{prefix}/schemas/batch/read",
        json={
            **body,
            "includePropertyDefinitions": False,
            "includeAssociationDefinitions": False,
            "includeAuditMetadata": False,
        },
    ).json()["results"][1]
    expected = {k: v for k, v in car_schema.items() if k not in ("createdAt", "updatedAt")}
    assert bare == {**expected, "properties": [], "associations": []}


def test_batch_read_of_schemas_is_bounded_and_scoped(api, base_url, token_for, car_schema):
    too_many = api.post("/crm-object-schemas/v3/schemas/batch/read", json={"inputs": ["x"] * 101})
    assert_error(too_many, 400, "VALIDATION_ERROR")
    assert_error(api.post("/crm-object-schemas/v3/schemas/batch/read", json={"inputs": "x"}), 400, "VALIDATION_ERROR")
    with make_client(base_url, token_for("crm.objects.contacts.read")) as client:
        refused = client.post("/crm-object-schemas/v3/schemas/batch/read", json={"inputs": [car_schema["name"]]})
    assert_error(refused, 403, "MISSING_SCOPES")


def test_records_of_a_custom_type_can_be_merged(api, car_schema, unique):
    type_id = car_schema["objectTypeId"]
    base = f"/crm/v3/objects/{type_id}"
    primary = api.post(base, json={"properties": {"vin": f"P{unique}"}}).json()
    merged = api.post(base, json={"properties": {"vin": f"M{unique}", "year": "1999"}}).json()
    answer = api.post(f"{base}/merge", json={"primaryObjectId": primary["id"], "objectIdToMerge": merged["id"]})
    assert answer.status_code == 200, answer.text
    survivor = answer.json()
    assert (survivor["id"], survivor["properties"]["vin"], survivor["properties"]["year"]) == (
        primary["id"],
        f"P{unique}",
        "1999",
    )
    assert api.get(f"{base}/{merged['id']}").json()["id"] == primary["id"]


def test_custom_types_have_pipelines_that_records_follow(api, car_schema):
    type_id = car_schema["objectTypeId"]
    assert api.get(f"/crm/v3/pipelines/{type_id}").json() == {"results": []}
    created = api.post(
        f"/crm/v3/pipelines/{type_id}",
        json={
            "label": "Assembly",
            "displayOrder": 0,
            "stages": [{"label": "Chassis", "displayOrder": 0}, {"label": "Paint", "displayOrder": 1}],
        },
    )
    assert created.status_code == 201, created.text
    pipeline = created.json()
    stage = pipeline["stages"][0]
    assert stage["metadata"] == {}
    car = api.post(
        f"/crm/v3/objects/{type_id}",
        json={"properties": {"vin": "PIPE1", "hs_pipeline": pipeline["id"], "hs_pipeline_stage": stage["id"]}},
    )
    assert car.status_code == 201, car.text
    assert car.json()["properties"]["hs_pipeline_stage"] == stage["id"]
    bad = api.post(f"/crm/v3/objects/{type_id}", json={"properties": {"vin": "PIPE2", "hs_pipeline_stage": "nope"}})
    assert_error(bad, 400, "VALIDATION_ERROR")
    options = api.get(f"/crm/v3/properties/{type_id}/hs_pipeline").json()["options"]
    assert [o["value"] for o in options] == [pipeline["id"]]
    in_use = api.delete(
        f"/crm/v3/pipelines/{type_id}/{pipeline['id']}/stages/{stage['id']}",
        params={"validateReferencesBeforeDelete": "true"},
    )
    assert assert_error(in_use, 400, "VALIDATION_ERROR")["subCategory"] == "PipelineError.STAGE_ID_IN_USE"
