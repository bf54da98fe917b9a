"""A portal's own schema: custom property definitions and property groups."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.store.base import QueryBase, encode_json

_decode = msgspec.json.decode


class DefinitionQueries(QueryBase):
    def custom_properties(self, portal_id: int) -> list[tuple[str, dict[str, Any]]]:
        rows = self.fetchall(
            "SELECT object_type_id, definition FROM property_definitions WHERE portal_id = ?", (portal_id,)
        )
        return [(row[0], _as_dict(row[1])) for row in rows]

    def save_property(self, portal_id: int, object_type_id: str, name: str, definition: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO property_definitions (portal_id, object_type_id, name, definition) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, object_type_id, name) DO UPDATE SET definition = excluded.definition",
            (portal_id, object_type_id, name, encode_json(definition).decode()),
        )

    def delete_property(self, portal_id: int, object_type_id: str, name: str) -> None:
        self.execute(
            "DELETE FROM property_definitions WHERE portal_id = ? AND object_type_id = ? AND name = ?",
            (portal_id, object_type_id, name),
        )


def _as_dict(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else _decode(raw)
