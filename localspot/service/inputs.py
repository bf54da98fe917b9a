"""Request bodies as HubSpot defines them; the HTTP layer decodes JSON straight into these.

Property values are typed loosely (HubSpot's wire type is string, but loosely typed clients send numbers
and booleans, which HubSpot accepts); unknown keys are ignored, as HubSpot's JSON binding does.
"""

from __future__ import annotations

import msgspec

PropertyValue = str | int | float | bool | None


class AssociationSpec(msgspec.Struct, rename="camel"):
    association_category: str
    association_type_id: int


class ObjectId(msgspec.Struct):
    id: str | int


class InlineAssociation(msgspec.Struct):
    to: ObjectId
    types: list[AssociationSpec]


class CreateInput(msgspec.Struct, rename="camel"):
    properties: dict[str, PropertyValue] = {}
    associations: list[InlineAssociation] = []
    object_write_trace_id: str | None = None


class UpdateInput(msgspec.Struct, rename="camel"):
    id: str | int
    properties: dict[str, PropertyValue] = {}
    id_property: str | None = None
    object_write_trace_id: str | None = None


class BatchCreate(msgspec.Struct):
    inputs: list[CreateInput]


class BatchUpdate(msgspec.Struct):
    inputs: list[UpdateInput]


class PropertyOption(msgspec.Struct, rename="camel"):
    label: str
    value: str
    description: str | None = None
    display_order: int | None = None
    hidden: bool = False


class PropertyCreate(msgspec.Struct, rename="camel", omit_defaults=True):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str | None = None
    options: list[PropertyOption] = []
    display_order: int | None = None
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


class ObjectInput(msgspec.Struct):
    """PATCH of one record."""

    properties: dict[str, PropertyValue] = {}


class RecordIdInput(msgspec.Struct):
    id: str | int


class BatchRead(msgspec.Struct, rename="camel"):
    inputs: list[RecordIdInput]
    properties: list[str] = []
    properties_with_history: list[str] = []
    id_property: str | None = None


class BatchArchive(msgspec.Struct):
    inputs: list[RecordIdInput]


class MergeInput(msgspec.Struct, rename="camel"):
    primary_object_id: str | int
    object_id_to_merge: str | int


class GdprDeleteInput(msgspec.Struct, rename="camel"):
    object_id: str | int
    id_property: str | None = None
