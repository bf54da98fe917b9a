"""Record request bodies (create, update, batch read and archive, merge, GDPR delete), as HubSpot defines
them; the HTTP layer decodes JSON straight into these.

Property values are typed loosely (HubSpot's wire type is string, but loosely typed clients send numbers
and booleans, which HubSpot accepts); unknown keys are ignored, as HubSpot's JSON binding does.
"""

from __future__ import annotations

import msgspec

from localspot.crm.associations.inputs import InlineAssociation

PropertyValue = str | int | float | bool | None


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
