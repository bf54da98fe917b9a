"""The exports area's SQL: each export's request, and the expiring links to its file."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class ExportQueries(Queries):
    def insert_export(self, portal_id: int, export_id: int, request: dict[str, Any], now: int) -> None:
        self.execute(
            "INSERT INTO exports (portal_id, id, request, created_at) VALUES (?, ?, ?, ?)",
            (portal_id, export_id, encode_json(request).decode(), now),
        )

    def export(self, portal_id: int, export_id: int) -> tuple[dict[str, Any], int] | None:
        row = self.fetchone(
            "SELECT request, created_at FROM exports WHERE portal_id = ? AND id = ?", (portal_id, export_id)
        )
        return None if row is None else (_decode(row[0]), row[1])

    def insert_download(self, token: str, portal_id: int, export_id: int, expires_at: int) -> None:
        self.execute(
            "INSERT INTO export_downloads (token, portal_id, export_id, expires_at) VALUES (?, ?, ?, ?)",
            (token, portal_id, export_id, expires_at),
        )

    def download(self, token: str) -> tuple[int, int, int] | None:
        """(portal, export, expiry) of a link."""
        row = self.fetchone("SELECT portal_id, export_id, expires_at FROM export_downloads WHERE token = ?", (token,))
        return None if row is None else (row[0], row[1], row[2])

    def forget_downloads(self, before: int) -> None:
        self.execute("DELETE FROM export_downloads WHERE expires_at < ?", (before,))
