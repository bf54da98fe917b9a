"""The app extensions' SQL: an app's settings, one JSON document per (app, kind, key), and call transcripts."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class ExtensionQueries(Queries):
    def item(self, app_id: int, kind: str, key: str = "") -> dict[str, Any] | None:
        row = self.fetchone(
            "SELECT body FROM app_extensions WHERE app_id = ? AND kind = ? AND item_key = ?", (app_id, kind, key)
        )
        return None if row is None else _decode(row[0])

    def items(self, app_id: int, kind: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self.fetchall(
            "SELECT item_key, body FROM app_extensions WHERE app_id = ? AND kind = ? ORDER BY item_key",
            (app_id, kind),
        )
        return [(row[0], _decode(row[1])) for row in rows]

    def save(self, app_id: int, kind: str, key: str, body: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO app_extensions (app_id, kind, item_key, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (app_id, kind, item_key) DO UPDATE SET body = excluded.body",
            (app_id, kind, key, encode_json(body).decode()),
        )

    def delete(self, app_id: int, kind: str, key: str = "") -> bool:
        return bool(
            self.fetchall(
                "DELETE FROM app_extensions WHERE app_id = ? AND kind = ? AND item_key = ? RETURNING app_id",
                (app_id, kind, key),
            )
        )

    def delete_kind(self, app_id: int, kind: str) -> None:
        self.execute("DELETE FROM app_extensions WHERE app_id = ? AND kind = ?", (app_id, kind))

    # --- call transcripts (a portal's) ---------------------------------------------------------------

    def insert_transcript(self, portal_id: int, transcript_id: int, call_id: int, transcript: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO call_transcripts (portal_id, id, call_id, transcript) VALUES (?, ?, ?, ?)",
            (portal_id, transcript_id, call_id, encode_json(transcript).decode()),
        )

    def transcript(self, portal_id: int, transcript_id: int) -> dict[str, Any] | None:
        row = self.fetchone(
            "SELECT transcript FROM call_transcripts WHERE portal_id = ? AND id = ?", (portal_id, transcript_id)
        )
        return None if row is None else _decode(row[0])

    def delete_transcript(self, portal_id: int, transcript_id: int) -> bool:
        return bool(
            self.fetchall(
                "DELETE FROM call_transcripts WHERE portal_id = ? AND id = ? RETURNING id", (portal_id, transcript_id)
            )
        )
