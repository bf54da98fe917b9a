"""Plain values the object queries hand to the service layer (records themselves: `kernel.storage.records`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class HistoryEntry:
    value: str
    timestamp: int
    source_type: str
