"""Custom object schemas, one JSON definition per portal and object type."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class ObjectSchemaQueries(Queries):
    def object_schemas(self, portal_id: int) -> list[dict[str, Any]]:
        rows = self.fetchall("SELECT definition FROM object_schemas WHERE portal_id = ?", (portal_id,))
        return [row[0] if isinstance(row[0], dict) else _decode(row[0]) for row in rows]

    def save_object_schema(self, portal_id: int, object_type_id: str, name: str, definition: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO object_schemas (portal_id, object_type_id, name, definition) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, object_type_id) DO UPDATE SET definition = excluded.definition",
            (portal_id, object_type_id, name, encode_json(definition).decode()),
        )

    def delete_object_schema(self, portal_id: int, object_type_id: str) -> None:
        self.execute(
            "DELETE FROM object_schemas WHERE portal_id = ? AND object_type_id = ?", (portal_id, object_type_id)
        )

    def count_records(self, portal_id: int, object_type_id: str) -> int:
        row = self.fetchone(
            "SELECT COUNT(*) FROM records WHERE portal_id = ? AND object_type_id = ? AND archived = ?",
            (portal_id, object_type_id, False),
        )
        return row[0]
