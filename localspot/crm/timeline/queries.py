"""The timeline area's SQL: event templates (an app's, not a portal's) and events (a portal's)."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class TimelineQueries(Queries):
    def insert_template(self, app_id: int, template_id: int, template: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO timeline_templates (app_id, id, template) VALUES (?, ?, ?)",
            (app_id, template_id, encode_json(template).decode()),
        )

    def templates(self, app_id: int) -> list[dict[str, Any]]:
        rows = self.fetchall("SELECT template FROM timeline_templates WHERE app_id = ? ORDER BY id", (app_id,))
        return [_decode(row[0]) for row in rows]

    def template(self, template_id: int, app_id: int | None = None) -> dict[str, Any] | None:
        """A template by id; with `app_id`, only that app's."""
        if app_id is None:
            row = self.fetchone("SELECT template FROM timeline_templates WHERE id = ?", (template_id,))
        else:
            row = self.fetchone(
                "SELECT template FROM timeline_templates WHERE id = ? AND app_id = ?", (template_id, app_id)
            )
        return None if row is None else _decode(row[0])

    def save_template(self, template_id: int, template: dict[str, Any]) -> None:
        self.execute(
            "UPDATE timeline_templates SET template = ? WHERE id = ?", (encode_json(template).decode(), template_id)
        )

    def delete_template(self, template_id: int) -> None:
        self.execute("DELETE FROM timeline_events WHERE template_id = ?", (template_id,))
        self.execute("DELETE FROM timeline_templates WHERE id = ?", (template_id,))

    def insert_event(
        self, portal_id: int, template_id: int, event_id: str, record_id: int, event: dict[str, Any]
    ) -> bool:
        """False when the template already has an event with that id in the portal."""
        rows = self.fetchall(
            "INSERT INTO timeline_events (portal_id, template_id, id, record_id, event) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, template_id, id) DO NOTHING RETURNING id",
            (portal_id, template_id, event_id, record_id, encode_json(event).decode()),
        )
        return bool(rows)

    def event(self, portal_id: int, template_id: int, event_id: str) -> dict[str, Any] | None:
        row = self.fetchone(
            "SELECT event FROM timeline_events WHERE portal_id = ? AND template_id = ? AND id = ?",
            (portal_id, template_id, event_id),
        )
        return None if row is None else _decode(row[0])
