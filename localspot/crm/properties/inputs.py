"""Property and property-group request bodies, as HubSpot defines them."""

from __future__ import annotations

import msgspec

from localspot.kernel.numbers import Int32


class PropertyOption(msgspec.Struct, rename="camel"):
    label: str
    value: str
    description: str | None = None
    display_order: Int32 | None = None
    hidden: bool = False


class PropertyCreate(msgspec.Struct, rename="camel", omit_defaults=True):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str | None = None
    options: list[PropertyOption] = []
    display_order: Int32 | None = None
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = False
    calculation_formula: str | None = None
    number_display_hint: str | None = None
    text_display_hint: str | None = None
    show_currency_symbol: bool | None = None
    currency_property_name: str | None = None
    data_sensitivity: str | None = None
    external_options: bool | None = None
    referenced_object_type: str | None = None


class PropertyUpdate(msgspec.Struct, rename="camel", omit_defaults=True):
    """Every field optional; `name` and `has_unique_value` are read only to refuse attempts to change them."""

    label: str | None = None
    type: str | None = None
    field_type: str | None = None
    group_name: str | None = None
    description: str | None = None
    options: list[PropertyOption] | None = None
    display_order: Int32 | None = None
    hidden: bool | None = None
    form_field: bool | None = None
    calculation_formula: str | None = None
    number_display_hint: str | None = None
    text_display_hint: str | None = None
    show_currency_symbol: bool | None = None
    currency_property_name: str | None = None
    name: str | None = None
    has_unique_value: bool | None = None


class PropertyName(msgspec.Struct):
    name: str


class BatchPropertyCreate(msgspec.Struct):
    inputs: list[PropertyCreate]


class BatchPropertyRead(msgspec.Struct, rename="camel"):
    inputs: list[PropertyName]
    archived: bool = False
    data_sensitivity: str | None = None


class BatchPropertyNames(msgspec.Struct):
    inputs: list[PropertyName]


class PropertyGroupCreate(msgspec.Struct, rename="camel"):
    name: str
    label: str
    display_order: Int32 = -1


class PropertyGroupUpdate(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: Int32 | None = None
