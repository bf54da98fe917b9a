"""Changing a definition never leaves a stored value invalid: options and types against record values."""

from __future__ import annotations

from tests.support.asserts import assert_error
from tests.support.properties import create, create_record, definition, enumeration, read_record

BASE = "/crm/v3/properties/contacts"
GROUP = "contactinformation"


def test_options_round_trip_and_can_be_replaced(api, unique):
    name = f"opts_{unique}"
    body = enumeration(name, GROUP, ["a", "b"])
    body["options"][1].update(description="second", displayOrder=5, hidden=True)
    created = create(api, "contacts", body)
    assert created["options"] == [
        {"label": "A", "value": "a", "description": "", "displayOrder": -1, "hidden": False},
        {"label": "B", "value": "b", "description": "second", "displayOrder": 5, "hidden": True},
    ]
    options = [
        {"label": "Zed", "value": "z", "displayOrder": 0, "description": "last letter", "hidden": False},
        {"label": "A", "value": "a", "displayOrder": 1, "hidden": True},
    ]
    updated = api.patch(f"{BASE}/{name}", json={"options": options})
    assert updated.status_code == 200, updated.text
    assert updated.json()["options"] == [
        {"label": "Zed", "value": "z", "description": "last letter", "displayOrder": 0, "hidden": False},
        {"label": "A", "value": "a", "description": "", "displayOrder": 1, "hidden": True},
    ]
    # Hidden options stay valid values.
    assert create_record(api, "contacts", {name: "a"})["properties"][name] == "a"


def test_removing_an_option_that_records_use_is_refused(api, unique):
    name = f"used_{unique}"
    create(api, "contacts", enumeration(name, GROUP, ["keep", "drop", "spare"]))
    record = create_record(api, "contacts", {name: "drop"})
    body = assert_error(
        api.patch(f"{BASE}/{name}", json={"options": [{"label": "Keep", "value": "keep"}]}),
        400,
        "VALIDATION_ERROR",
        f"Cannot change property {name}: existing records hold values that do not fit the new definition "
        f'(record {record["id"]}: drop was not one of the allowed options: [label: "Keep" value: "keep"]). '
        "Clear or change those values first.",
    )
    assert body["context"] == {"propertyName": [name], "ids": [record["id"]]}
    assert [o["value"] for o in api.get(f"{BASE}/{name}").json()["options"]] == ["keep", "drop", "spare"]
    # An unused option can go.
    kept = [{"label": "Keep", "value": "keep"}, {"label": "Drop", "value": "drop"}]
    assert [o["value"] for o in api.patch(f"{BASE}/{name}", json={"options": kept}).json()["options"]] == [
        "keep",
        "drop",
    ]
    assert_error(
        api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {name: "spare"}}]}),
        400,
        "VALIDATION_ERROR",
    )
    # Once no record holds the value, the option can be removed.
    cleared = api.post(
        "/crm/v3/objects/contacts/batch/update", json={"inputs": [{"id": record["id"], "properties": {name: ""}}]}
    )
    assert cleared.status_code == 200
    only_keep = api.patch(f"{BASE}/{name}", json={"options": [{"label": "Keep", "value": "keep"}]})
    assert only_keep.status_code == 200 and len(only_keep.json()["options"]) == 1


def test_a_retype_is_refused_while_a_value_does_not_fit(api, unique):
    name = f"code_{unique}"
    create(api, "contacts", definition(name, GROUP))
    fits = create_record(api, "contacts", {name: "42"})
    misfits = [create_record(api, "contacts", {name: f"x{i}"}) for i in range(12)]
    body = assert_error(
        api.patch(f"{BASE}/{name}", json={"type": "number", "fieldType": "number"}), 400, "VALIDATION_ERROR"
    )
    assert body["message"].startswith(
        f"Cannot change property {name}: existing records hold values that do not fit the new definition "
        f"(record {misfits[0]['id']}: x0 was not a valid number.; "
    )
    # At most ten offenders are named.
    assert body["context"] == {"propertyName": [name], "ids": [r["id"] for r in misfits[:10]]}
    assert api.get(f"{BASE}/{name}").json()["type"] == "string"
    assert read_record(api, "contacts", fits["id"])[name] == "42"
    assert read_record(api, "contacts", misfits[0]["id"])[name] == "x0"


def test_a_retype_is_accepted_when_every_value_fits(api, unique):
    name = f"amount_{unique}"
    create(api, "contacts", definition(name, GROUP, type="string", fieldType="textarea"))
    records = [create_record(api, "contacts", {name: value}) for value in ("12", "-3.5", "1e3")]
    changed = api.patch(f"{BASE}/{name}", json={"type": "number", "fieldType": "number"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["type"], changed.json()["fieldType"]) == ("number", "number")
    assert [read_record(api, "contacts", r["id"])[name] for r in records] == ["12", "-3.5", "1e3"]
    body = assert_error(
        api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {name: "abc"}}]}),
        400,
        "VALIDATION_ERROR",
    )
    assert body["errors"][0]["code"] == "INVALID_INTEGER"
    # And back to text: every number is a valid string.
    back = api.patch(f"{BASE}/{name}", json={"type": "string", "fieldType": "text"})
    assert back.status_code == 200 and back.json()["type"] == "string"


def test_single_and_multi_select_conversions(api, unique):
    name = f"multi_{unique}"
    create(api, "contacts", enumeration(name, GROUP, ["a", "b", "c"]))
    single = create_record(api, "contacts", {name: "a"})
    assert api.patch(f"{BASE}/{name}", json={"fieldType": "checkbox"}).status_code == 200
    multi = create_record(api, "contacts", {name: "a;b"})
    body = assert_error(api.patch(f"{BASE}/{name}", json={"fieldType": "radio"}), 400, "VALIDATION_ERROR")
    assert body["context"]["ids"] == [multi["id"]]
    # Enumeration to string: values are kept and the options go.
    text = api.patch(f"{BASE}/{name}", json={"type": "string", "fieldType": "text"})
    assert text.status_code == 200 and text.json()["options"] == []
    assert read_record(api, "contacts", single["id"])[name] == "a"
    assert read_record(api, "contacts", multi["id"])[name] == "a;b"


def test_date_and_datetime_are_not_silently_converted(api, unique):
    name = f"when_{unique}"
    create(api, "contacts", definition(name, GROUP, type="date", fieldType="date"))
    record = create_record(api, "contacts", {name: "2025-03-04"})
    body = assert_error(api.patch(f"{BASE}/{name}", json={"type": "datetime"}), 400, "VALIDATION_ERROR")
    assert "'2025-03-04' would have to become '2025-03-04T00:00:00.000Z'" in body["message"]
    assert read_record(api, "contacts", record["id"])[name] == "2025-03-04"
    assert api.patch(f"{BASE}/{name}", json={"type": "string", "fieldType": "text"}).status_code == 200


def test_an_invalid_update_changes_nothing(api, unique):
    name = f"steady_{unique}"
    before = create(api, "contacts", enumeration(name, GROUP, ["a"]))
    for patch in (
        {"type": "colour"},
        {"fieldType": "number"},
        {"type": "enumeration", "options": []},
        {"groupName": "nope"},
        {"label": ""},
        {"options": [{"label": "A", "value": "a"}, {"label": "A2", "value": "a"}]},
        {"options": [{"label": "A", "value": "a"}, {"label": "A", "value": "b"}]},
        {"type": "string", "fieldType": "text", "options": [{"label": "A", "value": "a"}]},
        {"displayOrder": 2**31},
        {"numberDisplayHint": "roman"},
        {"options": "a"},
        {"label": None, "hidden": "yes"},
    ):
        assert_error(api.patch(f"{BASE}/{name}", json=patch), 400, "VALIDATION_ERROR")
    assert api.get(f"{BASE}/{name}").json() == before


def test_recreating_an_archived_name_cannot_change_uniqueness_while_values_exist(api, unique):
    name = f"was_unique_{unique}"
    create(api, "contacts", definition(name, GROUP, hasUniqueValue=True))
    record = create_record(api, "contacts", {name: f"u-{unique}"})
    assert api.delete(f"{BASE}/{name}").status_code == 204
    body = assert_error(api.post(BASE, json=definition(name, GROUP)), 400, "VALIDATION_ERROR")
    assert body["context"] == {"propertyName": [name], "ids": [record["id"]]}
    assert f"record {record['id']}: holds a value, so uniqueness cannot change" in body["message"]
    # The same uniqueness is fine, and the value is still claimed.
    assert create(api, "contacts", definition(name, GROUP, hasUniqueValue=True))["hasUniqueValue"] is True
    clash = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {name: f"u-{unique}"}}]})
    assert_error(clash, 409, "CONFLICT")


def test_archived_property_values_are_hidden_from_reads(api, unique):
    name = f"hidden_{unique}"
    created = api.post(
        "/crm/v3/properties/calls",
        json={"name": name, "label": "x", "type": "string", "fieldType": "text", "groupName": "callinformation"},
    )
    assert created.status_code == 201
    call = api.post(
        "/crm/v3/objects/calls/batch/create",
        json={"inputs": [{"properties": {"hs_timestamp": "2025-01-01T00:00:00.000Z", name: "secret"}}]},
    ).json()["results"][0]
    assert call["properties"][name] == "secret"
    assert api.delete(f"/crm/v3/properties/calls/{name}").status_code == 204
    read = api.get(f"/crm/v3/objects/calls/{call['id']}", params={"properties": name})
    assert read.status_code == 200 and name not in read.json()["properties"]
    updated = api.post("/crm/v3/objects/calls/batch/update", json={"inputs": [{"id": call["id"], "properties": {}}]})
    assert name not in updated.json()["results"][0]["properties"]
