"""The one rule for numbers (localspot/kernel/numbers.py): number values are finite doubles, every int32 field of
HubSpot's definitions is bounded, and JSON numbers and booleans kept as text are kept as their JSON text."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error

INT32_MAX = 2**31 - 1
GROUP = "contactinformation"


def _property(name: str, **overrides):
    return {"name": name, "label": name, "type": "number", "fieldType": "number", "groupName": GROUP, **overrides}


def _pipeline(label: str, pipeline_order: int = 0, stage_order: int = 0, **metadata):
    return {
        "label": label,
        "displayOrder": pipeline_order,
        "stages": [{"label": "Open", "displayOrder": stage_order, "metadata": {"probability": "0.5", **metadata}}],
    }


@pytest.mark.parametrize("value", ["1e400", "-1e400", "Infinity", "NaN", "1e", "0x10"])
def test_a_number_value_beyond_the_double_range_or_not_decimal_is_refused(api, value):
    body = assert_error(
        api.post("/crm/v3/objects/companies", json={"properties": {"name": "n", "numberofemployees": value}}),
        400,
        "VALIDATION_ERROR",
    )
    assert body["errors"][0]["code"] == "INVALID_INTEGER"
    assert body["errors"][0]["message"] == f"{value} was not a valid number."


def test_a_json_number_that_overflows_is_refused_too(api):
    raw = b'{"properties": {"name": "n", "numberofemployees": 1e400}}'
    response = api.post("/crm/v3/objects/companies", content=raw, headers={"Content-Type": "application/json"})
    # The decoder refuses it before any property sees it.
    assert_error(response, 400, "VALIDATION_ERROR", "Invalid input JSON: Number out of range - at `$.properties[...]`")


@pytest.mark.parametrize(("given", "stored"), [("1e308", "1e308"), (" 2.5 ", "2.5"), ("-.5", "-.5"), (7, "7")])
def test_finite_numbers_are_kept(api, given, stored):
    created = api.post("/crm/v3/objects/companies", json={"properties": {"name": "n", "numberofemployees": given}})
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["numberofemployees"] == stored


def test_a_search_for_a_number_beyond_the_double_range_is_refused(api):
    body = {"filterGroups": [{"filters": [{"propertyName": "numberofemployees", "operator": "GT", "value": "1e400"}]}]}
    assert_error(api.post("/crm/v3/objects/companies/search", json=body), 400, "VALIDATION_ERROR")


def _int32_fields(unique: str):
    """(method, path, body with `displayOrder` set to the placeholder `order`), one per int32 field."""
    return [
        ("POST", "/crm/v3/properties/contacts", lambda order: _property(f"p_{unique}_{order % 7}", displayOrder=order)),
        (
            "POST",
            "/crm/v3/properties/contacts",
            lambda order: _property(
                f"o_{unique}_{order % 7}",
                type="enumeration",
                fieldType="select",
                options=[{"label": "A", "value": "a", "displayOrder": order}],
            ),
        ),
        (
            "POST",
            "/crm/v3/properties/contacts/groups",
            lambda order: {"name": f"g_{unique}_{order % 7}", "label": "G", "displayOrder": order},
        ),
        ("POST", "/crm/v3/pipelines/deals", lambda order: _pipeline(f"P {unique} {order}", pipeline_order=order)),
        ("POST", "/crm/v3/pipelines/deals", lambda order: _pipeline(f"S {unique} {order}", stage_order=order)),
    ]


@pytest.mark.parametrize("field", range(5))
def test_every_int32_field_takes_the_int32_range_and_refuses_beyond(api, unique, field):
    method, path, body = _int32_fields(unique)[field]
    for beyond in (INT32_MAX + 1, -(2**31) - 1):
        refused = api.request(method, path, json=body(beyond))
        error = assert_error(refused, 400, "VALIDATION_ERROR")
        assert "Expected `int` >= -2147483648" in error["message"] or "Expected `int` <= 2147483647" in error["message"]
    for edge in (INT32_MAX, -(2**31)):
        taken = api.request(method, path, json=body(edge))
        assert taken.status_code == 201, taken.text


def test_an_int32_field_is_bounded_on_update_too(api, unique):
    created = api.post("/crm/v3/pipelines/deals", json=_pipeline(f"Upd {unique}")).json()
    patched = api.patch(f"/crm/v3/pipelines/deals/{created['id']}", json={"displayOrder": INT32_MAX + 1})
    assert_error(patched, 400, "VALIDATION_ERROR")
    assert api.get(f"/crm/v3/pipelines/deals/{created['id']}").json()["displayOrder"] == 0


def test_stage_metadata_keeps_json_numbers_and_booleans_as_their_json_text(api, unique):
    created = api.post(
        "/crm/v3/pipelines/deals", json=_pipeline(f"Meta {unique}", probability=0.5, isClosed=False, weight=1)
    )
    assert created.status_code == 201, created.text
    assert created.json()["stages"][0]["metadata"] == {"probability": "0.5", "isClosed": "false", "weight": "1"}
    pipeline_id, stage_id = created.json()["id"], created.json()["stages"][0]["id"]
    patched = api.patch(
        f"/crm/v3/pipelines/deals/{pipeline_id}/stages/{stage_id}",
        json={"metadata": {"probability": 1.0, "isClosed": True}},
    )
    assert patched.json()["metadata"] == {"probability": "1.0", "isClosed": "true"}
    read = api.get(f"/crm/v3/pipelines/deals/{pipeline_id}/stages/{stage_id}").json()
    assert read["metadata"] == {"probability": "1.0", "isClosed": "true"}
