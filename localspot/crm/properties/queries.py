"""A portal's own schema: custom property definitions and property groups."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode
_GROUP_COLUMNS = "object_type_id, name, label, display_order, archived, created_at, updated_at, archived_at"


class DefinitionQueries(Queries):
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

    def custom_property_groups(self, portal_id: int) -> list[tuple[str, dict[str, Any]]]:
        """(object type id, group) for every group the portal created, archived ones included."""
        rows = self.fetchall(f"SELECT {_GROUP_COLUMNS} FROM property_groups WHERE portal_id = ?", (portal_id,))
        return [
            (
                row[0],
                {
                    "name": row[1],
                    "label": row[2],
                    "displayOrder": row[3],
                    "archived": bool(row[4]),
                    "hubspotDefined": False,
                    "createdAt": row[5],
                    "updatedAt": row[6],
                    "archivedAt": row[7],
                },
            )
            for row in rows
        ]

    def save_property_group(self, portal_id: int, object_type_id: str, group: dict[str, Any]) -> None:
        """Inserts or replaces one group; `group` is in the shape `custom_property_groups` returns."""
        self.execute(
            "INSERT INTO property_groups (portal_id, object_type_id, name, label, display_order, archived, "
            "created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, object_type_id, name) DO UPDATE SET label = excluded.label, "
            "display_order = excluded.display_order, archived = excluded.archived, "
            "created_at = excluded.created_at, updated_at = excluded.updated_at, archived_at = excluded.archived_at",
            (
                portal_id,
                object_type_id,
                group["name"],
                group["label"],
                group["displayOrder"],
                bool(group["archived"]),
                group["createdAt"],
                group["updatedAt"],
                group.get("archivedAt"),
            ),
        )

    def stored_values(
        self, portal_id: int, object_type_id: str, name: str, *, after_id: int, limit: int
    ) -> list[tuple[int, str]]:
        """(record id, value) of every record of the type, archived ones included, that holds a value for
        property `name`, in id order after `after_id`: the values a definition change must keep valid."""
        value = self.dialect.json_property()
        rows = self.fetchall(
            f"SELECT r.id, {value} FROM records r WHERE r.portal_id = ? AND r.object_type_id = ? AND r.id > ? "
            f"AND {value} IS NOT NULL ORDER BY r.id LIMIT ?",
            (name, portal_id, object_type_id, after_id, name, limit),
        )
        return [(row[0], str(row[1])) for row in rows]


def _as_dict(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else _decode(raw)
