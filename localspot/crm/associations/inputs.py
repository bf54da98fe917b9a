"""Request bodies of the association APIs (v3, v4 and the v4 schema), decoded straight from JSON."""

from __future__ import annotations

import msgspec


class AssociationSpec(msgspec.Struct, rename="camel"):
    association_category: str
    association_type_id: int


class ObjectId(msgspec.Struct):
    id: str | int


class InlineAssociation(msgspec.Struct):
    to: ObjectId
    types: list[AssociationSpec]


class DefaultPair(msgspec.Struct):
    from_: ObjectId = msgspec.field(name="from")
    to: ObjectId


class LabeledPair(msgspec.Struct):
    from_: ObjectId = msgspec.field(name="from")
    to: ObjectId
    types: list[AssociationSpec]


class FetchInput(msgspec.Struct):
    id: str | int
    after: str | None = None


class ArchiveInput(msgspec.Struct):
    from_: ObjectId = msgspec.field(name="from")
    to: list[ObjectId]


class BatchDefault(msgspec.Struct):
    inputs: list[DefaultPair]


class BatchLabeled(msgspec.Struct):
    inputs: list[LabeledPair]


class BatchFetch(msgspec.Struct):
    inputs: list[FetchInput]


class BatchArchive(msgspec.Struct):
    inputs: list[ArchiveInput]


class LabelCreate(msgspec.Struct, rename="camel"):
    name: str
    label: str
    inverse_label: str | None = None


class LabelUpdate(msgspec.Struct, rename="camel"):
    association_type_id: int
    label: str
    inverse_label: str | None = None


class LimitInput(msgspec.Struct, rename="camel"):
    category: str
    type_id: int
    max_to_object_ids: int


class TypeKeyInput(msgspec.Struct, rename="camel"):
    category: str
    type_id: int


class BatchLimits(msgspec.Struct):
    inputs: list[LimitInput]


class BatchTypeKeys(msgspec.Struct):
    inputs: list[TypeKeyInput]


class V3Pair(msgspec.Struct):
    from_: ObjectId = msgspec.field(name="from")
    to: ObjectId
    type: str


class V3BatchPairs(msgspec.Struct):
    inputs: list[V3Pair]


class V3BatchIds(msgspec.Struct):
    inputs: list[ObjectId]
