"""`stored_as_given`, batch create's shortcut past value-by-value validation, must only ever accept a batch
whose every record `validate_properties` would store exactly as given. Checked over each standard type's
writable properties, with values in and out of their stored form. In-process: the function is pure."""

from __future__ import annotations

from typing import Any

import pytest

from localspot.crm.objects.values import MAX_STRING_LENGTH, stored_as_given, validate_properties
from localspot.kernel.errors import ApiError
from localspot.kernel.schema import PropertyDefinition, load_catalog

CATALOG = {object_type.name: object_type for object_type in load_catalog().object_types}
STORED_DATETIME = "2025-03-04T05:06:07.089Z"


def stored_value(prop: PropertyDefinition) -> str:
    """A value already in the property's stored form."""
    if prop.type == "enumeration":
        return str(prop.options[0]["value"])
    return {"datetime": STORED_DATETIME, "date": "2025-03-04", "number": "12.5", "bool": "true"}.get(
        prop.type, "plain text"
    )


def other_values(prop: PropertyDefinition) -> list[Any]:
    """Values a write accepts only after converting them, or refuses."""
    common: list[Any] = ["", None, 7, True, " padded ", "x" * (MAX_STRING_LENGTH + 1)]
    by_type: dict[str, list[Any]] = {
        "datetime": [
            "1741064767089",
            "2025-03-04",
            "2025-03-04T05:06:07Z",
            "2025-02-30T05:06:07.089Z",
            "2025-03-04T24:06:07.089Z",
            "0999-03-04T05:06:07.089Z",
            "2025-W10-2T05:06:07.089Z",
            "\uff12\uff1025-03-04T05:06:07.089Z",  # full-width digits
            STORED_DATETIME + "\n",
        ],
        "date": ["2025-3-4", "1741046400000", "2025-02-30"],
        "number": ["1e", "12.5 ", "+", "twelve", "12.5\n"],
        "bool": ["TRUE", "yes", "1"],
        "enumeration": ["NOT AN OPTION", ";"],
    }
    return common + by_type.get(prop.type, ["Mixed Case"] if prop.lowercase else [])


def base_record(object_type_name: str) -> dict[str, Any]:
    object_type = CATALOG[object_type_name]
    names = list(object_type.required_properties) + [group[0] for group in object_type.required_one_of]
    return {name: stored_value(object_type.properties[name]) for name in names}


def validated(object_type_name: str, raw: dict[str, Any]) -> dict[str, str] | None:
    try:
        return validate_properties(CATALOG[object_type_name], raw, portal_id=1, creating=True)
    except ApiError:
        return None


@pytest.mark.parametrize("object_type_name", sorted(CATALOG))
def test_a_batch_of_values_in_their_stored_form_is_taken_as_given(object_type_name):
    object_type = CATALOG[object_type_name]
    record = {**base_record(object_type_name)}
    record.update({name: stored_value(prop) for name, prop in object_type.writable_properties.items()})
    batch = [record, base_record(object_type_name)]
    assert stored_as_given(object_type, batch)
    assert [validated(object_type_name, raw) for raw in batch] == batch
    assert stored_as_given(object_type, [record, dict(record)])  # one shape: read a column at a time


@pytest.mark.parametrize("object_type_name", sorted(CATALOG))
def test_no_value_outside_its_stored_form_is_taken_as_given(object_type_name):
    object_type = CATALOG[object_type_name]
    for name, prop in object_type.writable_properties.items():
        stored = {**base_record(object_type_name), name: stored_value(prop)}
        for value in other_values(prop):
            changed = {**base_record(object_type_name), name: value}
            # Records naming other properties, and records naming the same ones in the same order (the
            # batch is then read a column at a time).
            for batch in ([base_record(object_type_name), changed], [stored, changed], [changed, stored]):
                if stored_as_given(object_type, batch):
                    # Only where validation stores the value unchanged (" padded " text, say).
                    assert [validated(object_type_name, raw) for raw in batch] == batch, (name, value)


@pytest.mark.parametrize(
    ("object_type_name", "batch"),
    [
        ("tasks", [{"hs_task_subject": "no timestamp"}]),
        ("tasks", [{"hs_timestamp": STORED_DATETIME}, {"hs_task_subject": "second lacks it"}]),
        ("tasks", [{"hs_timestamp": STORED_DATETIME, "not_a_property": "x"}]),
        ("tasks", [{"hs_timestamp": STORED_DATETIME, "hs_createdate": STORED_DATETIME}]),
        ("companies", [{"name": "Acme"}, {"description": "neither name nor domain"}]),
        ("contacts", [{"email": "Upper@Example.com"}]),
    ],
)
def test_missing_required_unknown_and_read_only_properties_are_left_to_validation(object_type_name, batch):
    assert not stored_as_given(CATALOG[object_type_name], batch)
