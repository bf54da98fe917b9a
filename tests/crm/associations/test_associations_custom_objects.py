"""Associations of custom-object records: the schema's association types work in the v4 and v3 APIs, and
labels can be added between a custom type and a standard one."""

from __future__ import annotations

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import create_records


def test_custom_object_records_associate_both_ways(api, unique):
    created = api.post(
        "/crm-object-schemas/v3/schemas",
        json={
            "name": f"bikes_{unique}",
            "labels": {"singular": "Bike", "plural": "Bikes"},
            "properties": [{"name": "serial", "label": "Serial", "type": "string", "fieldType": "text"}],
            "requiredProperties": ["serial"],
            "primaryDisplayProperty": "serial",
            "associatedObjects": ["CONTACT"],
        },
    )
    assert created.status_code == 201, created.text
    schema = created.json()
    type_id = schema["objectTypeId"]
    bike = assert_batch(
        api.post(f"/crm/v3/objects/{type_id}/batch/create", json={"inputs": [{"properties": {"serial": "S1"}}]}),
        201,
        1,
    )["results"][0]["id"]
    contact = create_records(api, "contacts", 1)[0]

    default = api.put(f"/crm/v4/objects/{type_id}/{bike}/associations/default/contacts/{contact}")
    assert default.status_code == 200, default.text
    forward, backward = (r["associationSpec"] for r in default.json()["results"])
    assert forward["associationCategory"] == backward["associationCategory"] == "USER_DEFINED"
    # the ids are the schema's association definition ids
    definitions = {(a["fromObjectTypeId"], a["toObjectTypeId"]): int(a["id"]) for a in schema["associations"]}
    assert forward["associationTypeId"] == definitions[(type_id, "0-1")]

    seen = api.get(f"/crm/v4/objects/contacts/{contact}/associations/{type_id}").json()["results"]
    assert seen == [
        {
            "toObjectId": int(bike),
            "associationTypes": [{"category": "USER_DEFINED", "typeId": backward["associationTypeId"], "label": None}],
        }
    ]
    # by its fully qualified name too
    by_name = api.get(f"/crm/v4/objects/{schema['fullyQualifiedName']}/{bike}/associations/contacts").json()
    assert [r["toObjectId"] for r in by_name["results"]] == [int(contact)]

    # a label between the custom type and contacts, used and then visible from the contact
    label = api.post(f"/crm/v4/associations/{type_id}/contacts/labels", json={"name": "rider", "label": "Rider"})
    assert label.status_code == 200, label.text
    rider = label.json()["results"][0]["typeId"]
    put = api.put(
        f"/crm/v4/objects/{type_id}/{bike}/associations/contacts/{contact}",
        json=[{"associationCategory": "USER_DEFINED", "associationTypeId": rider}],
    )
    assert put.status_code == 201 and put.json()["labels"] == ["Rider"]
    # the schema's own association type is not a label: it cannot be deleted through the labels API
    assert_error(
        api.delete(f"/crm/v4/associations/{type_id}/contacts/labels/{forward['associationTypeId']}"),
        400,
        "VALIDATION_ERROR",
    )
