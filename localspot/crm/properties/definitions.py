"""Building and validating property definitions: the rules creation and update share.

Definitions are checked whole, in their stored form (`PropertyDefinition.to_dict()`), so an update is
validated exactly like a creation of the definition it would leave behind.
"""

from __future__ import annotations

import re
from typing import Any

from localspot.crm.properties.inputs import PropertyCreate, PropertyOption, PropertyUpdate
from localspot.kernel import errors
from localspot.kernel.schema import ObjectType, PropertyDefinition
from localspot.kernel.schema.model import FIELD_TYPES, PROPERTY_TYPES

MAX_UNIQUE_PROPERTIES = 10
MAX_NAME_LENGTH = 100
MAX_LABEL_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 5_000
MAX_OPTIONS = 1_000
MAX_OPTION_TEXT_LENGTH = 500
MAX_FORMULA_LENGTH = 10_000
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
DATA_SENSITIVITIES = ("non_sensitive", "sensitive", "highly_sensitive")
_NUMBER_DISPLAY_HINTS = {"currency", "duration", "formatted", "percentage", "probability", "unformatted"}
_TEXT_DISPLAY_HINTS = {
    "domain_name",
    "email",
    "ip_address",
    "multi_line",
    "phone_number",
    "physical_address",
    "postal_code",
    "unformatted_single_line",
}
FIELD_TYPES_FOR = {
    "string": {"text", "textarea", "file", "html", "phonenumber", "calculation_equation"},
    "number": {"number", "calculation_equation"},
    "bool": {"booleancheckbox", "calculation_equation"},
    "enumeration": {"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"},
    "date": {"date"},
    "datetime": {"date"},
    "phone_number": {"phonenumber", "text"},
}
# Optional settings PropertyCreate and PropertyUpdate share: (attribute, stored key).
_SETTINGS = (
    ("calculation_formula", "calculationFormula"),
    ("number_display_hint", "numberDisplayHint"),
    ("text_display_hint", "textDisplayHint"),
    ("show_currency_symbol", "showCurrencySymbol"),
    ("currency_property_name", "currencyPropertyName"),
)
_CREATE_ONLY_SETTINGS = (
    ("data_sensitivity", "dataSensitivity"),
    ("external_options", "externalOptions"),
    ("referenced_object_type", "referencedObjectType"),
)


def check_name(name: str, what: str = "Property") -> None:
    if not NAME_PATTERN.match(name) or len(name) > MAX_NAME_LENGTH:
        raise errors.validation_error(
            f"{what} name {name[: MAX_NAME_LENGTH + 1]!r} is invalid: use lower-case letters, digits and "
            f"underscores, starting with a letter, at most {MAX_NAME_LENGTH} characters."
        )


def check_label(label: str, what: str = "Property") -> None:
    if not label.strip() or len(label) > MAX_LABEL_LENGTH:
        raise errors.validation_error(f"{what} label must be 1 to {MAX_LABEL_LENGTH} characters.")


def stored_options(options: list[PropertyOption]) -> list[dict[str, Any]]:
    return [
        {
            "label": option.label,
            "value": option.value,
            "description": option.description or "",
            "displayOrder": option.display_order if option.display_order is not None else -1,
            "hidden": option.hidden,
        }
        for option in options
    ]


def new_definition(object_type: ObjectType, body: PropertyCreate, now: int) -> PropertyDefinition:
    """The definition `body` creates, or a VALIDATION_ERROR; the name must not be taken by a live property."""
    existing = object_type.properties.get(body.name)
    if existing is not None and not existing.archived:
        raise errors.property_exists(body.name)
    check_name(body.name)
    if body.has_unique_value and len(object_type.unique_properties()) >= MAX_UNIQUE_PROPERTIES:
        raise errors.validation_error(
            f"An object type can have at most {MAX_UNIQUE_PROPERTIES} unique value properties."
        )
    data: dict[str, Any] = {
        "name": body.name,
        "label": body.label,
        "type": body.type,
        "fieldType": body.field_type,
        "groupName": body.group_name,
        "description": body.description or "",
        "options": stored_options(body.options),
        "displayOrder": body.display_order if body.display_order is not None else -1,
        "hasUniqueValue": body.has_unique_value,
        "hidden": body.hidden,
        "formField": body.form_field,
        "createdAt": now,
        "updatedAt": now,
    }
    for attribute, key in (*_SETTINGS, *_CREATE_ONLY_SETTINGS):
        if getattr(body, attribute) is not None:
            data[key] = getattr(body, attribute)
    return checked(object_type, data)


def updated_definition(
    object_type: ObjectType, current: PropertyDefinition, body: PropertyUpdate, now: int
) -> PropertyDefinition:
    """`current` with `body` applied, or a VALIDATION_ERROR. Name and uniqueness never change."""
    if body.name is not None and body.name != current.name:
        raise errors.validation_error(
            f"Property names cannot be changed (tried to rename {current.name} to {body.name[:MAX_NAME_LENGTH]}); "
            "create a new property instead."
        )
    if body.has_unique_value is not None and body.has_unique_value != current.has_unique_value:
        raise errors.validation_error(
            f"hasUniqueValue of property {current.name} cannot be changed after the property is created."
        )
    data = current.to_dict()
    for attribute, key in (
        ("label", "label"),
        ("type", "type"),
        ("field_type", "fieldType"),
        ("group_name", "groupName"),
        ("description", "description"),
        ("display_order", "displayOrder"),
        ("hidden", "hidden"),
        ("form_field", "formField"),
        *_SETTINGS,
    ):
        if getattr(body, attribute) is not None:
            data[key] = getattr(body, attribute)
    if body.options is not None:
        data["options"] = stored_options(body.options)
    elif data["type"] not in ("enumeration", "bool"):
        data["options"] = []  # options only mean something to enumerations (and checkbox booleans)
    data["updatedAt"] = now
    return checked(object_type, data)


def checked(object_type: ObjectType, data: dict[str, Any]) -> PropertyDefinition:
    """Validates a whole definition in stored form and returns it."""
    check_label(data["label"])
    if len(data["description"]) > MAX_DESCRIPTION_LENGTH:
        raise errors.validation_error(f"Property description must be at most {MAX_DESCRIPTION_LENGTH} characters.")
    kind, field_type = data["type"], data["fieldType"]
    if kind not in PROPERTY_TYPES:
        raise errors.validation_error(f"Property type {kind[:50]!r} is not one of {sorted(PROPERTY_TYPES)}.")
    if field_type not in FIELD_TYPES or field_type not in FIELD_TYPES_FOR[kind]:
        raise errors.validation_error(
            f"fieldType {field_type[:50]!r} is not valid for type {kind!r}; use one of {sorted(FIELD_TYPES_FOR[kind])}."
        )
    if object_type.live_group(data["groupName"]) is None:
        raise errors.validation_error(f"Property group {data['groupName'][:MAX_NAME_LENGTH]!r} does not exist.")
    _check_options(kind, field_type, data["options"])
    _check_settings(data)
    data["calculated"] = field_type == "calculation_equation"
    return PropertyDefinition.from_dict(data, hubspot_defined=False)


def _check_options(kind: str, field_type: str, options: list[dict[str, Any]]) -> None:
    if len(options) > MAX_OPTIONS:
        raise errors.validation_error(f"A property can have at most {MAX_OPTIONS} options.")
    if kind == "enumeration" and not options and field_type != "booleancheckbox":
        raise errors.validation_error("Enumeration properties need at least one option.")
    if options and kind not in ("enumeration", "bool"):
        raise errors.validation_error(f"Options are only allowed on enumeration and bool properties, not {kind}.")
    values: set[str] = set()
    labels: set[str] = set()
    for option in options:
        value, label = option["value"], option["label"]
        if not value or len(value) > MAX_OPTION_TEXT_LENGTH or ";" in value:
            raise errors.validation_error(
                f"Option value {value[:MAX_OPTION_TEXT_LENGTH]!r} is invalid: values are 1 to "
                f"{MAX_OPTION_TEXT_LENGTH} characters and cannot contain ';' (it separates multiple values)."
            )
        if not label.strip() or len(label) > MAX_OPTION_TEXT_LENGTH:
            raise errors.validation_error(f"Option labels must be 1 to {MAX_OPTION_TEXT_LENGTH} characters.")
        if len(option["description"]) > MAX_OPTION_TEXT_LENGTH:
            raise errors.validation_error(f"Option descriptions must be at most {MAX_OPTION_TEXT_LENGTH} characters.")
        if kind == "bool" and value not in ("true", "false"):
            raise errors.validation_error(f"Options of a bool property have the values true and false, not {value!r}.")
        if value in values:
            raise errors.validation_error(f"Option values must be unique; {value!r} appears more than once.")
        if label in labels:
            raise errors.validation_error(f"Option labels must be unique; {label!r} appears more than once.")
        values.add(value)
        labels.add(label)


def _check_settings(data: dict[str, Any]) -> None:
    hint = data.get("numberDisplayHint")
    if hint is not None and hint not in _NUMBER_DISPLAY_HINTS:
        raise errors.validation_error(f"numberDisplayHint must be one of {sorted(_NUMBER_DISPLAY_HINTS)}.")
    hint = data.get("textDisplayHint")
    if hint is not None and hint not in _TEXT_DISPLAY_HINTS:
        raise errors.validation_error(f"textDisplayHint must be one of {sorted(_TEXT_DISPLAY_HINTS)}.")
    sensitivity = data.get("dataSensitivity")
    if sensitivity is not None and sensitivity not in DATA_SENSITIVITIES:
        raise errors.validation_error(f"dataSensitivity must be one of {list(DATA_SENSITIVITIES)}.")
    for key in ("calculationFormula", "currencyPropertyName", "referencedObjectType"):
        value = data.get(key)
        if value is not None and len(value) > MAX_FORMULA_LENGTH:
            raise errors.validation_error(f"{key} must be at most {MAX_FORMULA_LENGTH} characters.")
