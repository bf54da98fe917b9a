"""Pipelines (with their stages, as one JSON definition each) and their audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json, placeholders

_decode = msgspec.json.decode


def _json(raw: Any) -> Any:
    return raw if not isinstance(raw, str | bytes) else _decode(raw)


class PipelineQueries(Queries):
    def stored_pipelines(self, portal_id: int) -> list[tuple[str, dict[str, Any]]]:
        rows = self.fetchall("SELECT object_type_id, definition FROM pipelines WHERE portal_id = ?", (portal_id,))
        return [(row[0], _json(row[1])) for row in rows]

    def save_pipeline(self, portal_id: int, object_type_id: str, definition: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO pipelines (portal_id, object_type_id, id, definition) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, object_type_id, id) DO UPDATE SET definition = excluded.definition",
            (portal_id, object_type_id, definition["id"], encode_json(definition).decode()),
        )

    def record_pipeline_audit(
        self, portal_id: int, object_type_id: str, identifier: str, action: str, at: int, raw: dict[str, Any]
    ) -> None:
        self.execute(
            "INSERT INTO pipeline_audit (portal_id, object_type_id, identifier, action, timestamp, raw) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (portal_id, object_type_id, identifier, action, at, encode_json(raw).decode()),
        )

    def pipeline_audit(self, portal_id: int, object_type_id: str, identifier: str) -> list[tuple[str, int, Any]]:
        """(action, timestamp, raw object), newest first."""
        rows = self.fetchall(
            "SELECT action, timestamp, raw FROM pipeline_audit WHERE portal_id = ? AND object_type_id = ? "
            "AND identifier = ? ORDER BY seq DESC",
            (portal_id, object_type_id, identifier),
        )
        return [(row[0], row[1], _json(row[2])) for row in rows]

    def records_in_stages(
        self, portal_id: int, object_type_id: str, stage_property: str, stage_ids: Sequence[str], limit: int = 100
    ) -> list[tuple[int, str]]:
        """(record id, stage id) of live records in any of the stages."""
        if not stage_ids:
            return []
        value = self.dialect.json_property("?")
        rows = self.fetchall(
            f"SELECT r.id, {value} FROM records r WHERE r.portal_id = ? AND r.object_type_id = ? "
            f"AND r.archived = ? AND {value} IN ({placeholders(len(stage_ids))}) LIMIT ?",
            (stage_property, portal_id, object_type_id, False, stage_property, *stage_ids, limit),
        )
        return [(row[0], row[1]) for row in rows]
