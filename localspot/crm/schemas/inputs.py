"""Custom object schema request bodies, as HubSpot defines them."""

from __future__ import annotations

import msgspec

from localspot.crm.properties.inputs import PropertyOption
from localspot.kernel.numbers import Int32


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
    display_order: Int32 | None = None
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
    allows_sensitive_properties: bool = False


class ObjectSchemaPatch(msgspec.Struct, rename="camel"):
    labels: ObjectTypeLabels | None = None
    required_properties: list[str] | None = None
    searchable_properties: list[str] | None = None
    primary_display_property: str | None = None
    secondary_display_properties: list[str] | None = None
    description: str | None = None
    clear_description: bool = False
    restorable: bool | None = None
    allows_sensitive_properties: bool | None = None


class ObjectSchemaBatchRead(msgspec.Struct, rename="camel"):
    inputs: list[str]
    include_property_definitions: bool = True
    include_association_definitions: bool = True
    include_audit_metadata: bool = True


class AssociationDefinitionInput(msgspec.Struct, rename="camel"):
    from_object_type_id: str
    to_object_type_id: str
    name: str | None = None
