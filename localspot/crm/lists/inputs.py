"""List request bodies, as HubSpot defines them."""

from __future__ import annotations

from typing import Any

import msgspec


class ListCreate(msgspec.Struct, rename="camel"):
    name: str
    object_type_id: str
    processing_type: str
    filter_branch: dict[str, Any] | None = None
    list_folder_id: int | None = None
    custom_properties: dict[str, str] | None = None
    list_permissions: dict[str, Any] | None = None
    membership_settings: dict[str, Any] | None = None


class ListSearch(msgspec.Struct, rename="camel"):
    query: str | None = None
    count: int | None = None
    offset: int | None = None
    processing_types: list[str] | None = None
    list_ids: list[str] | None = None
    object_type_id: str | None = None
    additional_properties: list[str] | None = None
    sort: str | None = None


class FiltersUpdate(msgspec.Struct, rename="camel"):
    filter_branch: dict[str, Any]


class MembershipChange(msgspec.Struct, rename="camel"):
    record_ids_to_add: list[str | int]
    record_ids_to_remove: list[str | int]


class RecordRef(msgspec.Struct, rename="camel"):
    object_type_id: str
    record_id: str | int


class RecordsBatch(msgspec.Struct):
    inputs: list[RecordRef]


class FolderCreate(msgspec.Struct, rename="camel"):
    name: str
    parent_folder_id: str | int | None = None


class ListMove(msgspec.Struct, rename="camel"):
    list_id: str | int
    new_folder_id: str | int
