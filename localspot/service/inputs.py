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


class ObjectTypeLabels(msgspec.Struct):
    singular: str
    plural: str


class ObjectTypePropertyCreate(msgspec.Struct, rename="camel"):
    name: str
    label: str
    type: str | None = None
    field_type: str | None = None
    group_name: str | None = None
    description: str | None = None
    options: list[PropertyOption] = []
    display_order: int | None = None
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = False


class ObjectSchemaCreate(msgspec.Struct, rename="camel"):
    name: str
    labels: ObjectTypeLabels
    properties: list[ObjectTypePropertyCreate] = []
    required_properties: list[str] = []
    searchable_properties: list[str] = []
    primary_display_property: str | None = None
    secondary_display_properties: list[str] = []
    associated_objects: list[str] = []
    description: str | None = None


class ObjectSchemaPatch(msgspec.Struct, rename="camel"):
    labels: ObjectTypeLabels | None = None
    required_properties: list[str] | None = None
    searchable_properties: list[str] | None = None
    primary_display_property: str | None = None
    secondary_display_properties: list[str] | None = None
    description: str | None = None
    clear_description: bool = False
    restorable: bool | None = None


class AssociationDefinitionInput(msgspec.Struct, rename="camel"):
    from_object_type_id: str
    to_object_type_id: str
    name: str | None = None


# --- properties API ------------------------------------------------------------------------------------


class PropertyUpdate(msgspec.Struct, rename="camel", omit_defaults=True):
    """Every field optional; `name` and `has_unique_value` are read only to refuse attempts to change them."""

    label: str | None = None
    type: str | None = None
    field_type: str | None = None
    group_name: str | None = None
    description: str | None = None
    options: list[PropertyOption] | None = None
    display_order: int | None = None
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
    display_order: int = -1


class PropertyGroupUpdate(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: int | None = None


# --- pipelines -----------------------------------------------------------------------------------------


class StageInput(msgspec.Struct, rename="camel"):
    label: str
    display_order: int = 0
    metadata: dict[str, str | int | float | bool] = {}
    stage_id: str | None = None


class PipelineInput(msgspec.Struct, rename="camel"):
    label: str
    display_order: int = 0
    stages: list[StageInput] = []
    pipeline_id: str | None = None


class PipelinePatch(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: int | None = None
    archived: bool | None = None


class StagePatch(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: int | None = None
    metadata: dict[str, str | int | float | bool] | None = None
    archived: bool | None = None


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
