"""Plain values the store hands to the service layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class RecordRow:
    id: int
    object_type_id: str
    created_at: int
    updated_at: int
    archived: bool
    archived_at: int | None
    properties: dict[str, str]
    merged_into: int | None = None


@dataclass(slots=True, frozen=True)
class HistoryEntry:
    value: str
    timestamp: int
    source_type: str


@dataclass(slots=True, frozen=True)
class TokenRow:
    portal_id: int
    scopes: frozenset[str]
    schema_version: int
