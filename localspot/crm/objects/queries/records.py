"""Records: one row each, their property values in one JSON map."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.storage.records import RECORD_COLUMNS, RecordRow, fetch_records, record_from_row
from localspot.kernel.storage.session import Queries, chunks, placeholders


class RecordQueries(Queries):
    def insert_records(
        self, portal_id: int, object_type_id: str, rows: Sequence[tuple[int, int, dict[str, str]]]
    ) -> None:
        """rows: (id, created_at, properties); created and updated start equal."""
        self.executemany(
            "INSERT INTO records (id, portal_id, object_type_id, created_at, updated_at, archived, properties) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (record_id, portal_id, object_type_id, created, created, False, self.properties_param(props))
                for record_id, created, props in rows
            ],
        )

    def update_records(self, portal_id: int, rows: Sequence[tuple[int, int, dict[str, str]]]) -> None:
        """rows: (id, updated_at, properties)."""
        self.executemany(
            "UPDATE records SET updated_at = ?, properties = ? WHERE portal_id = ? AND id = ?",
            [(updated, self.properties_param(props), portal_id, record_id) for record_id, updated, props in rows],
        )

    def fetch_records(
        self,
        portal_id: int,
        object_type_id: str,
        ids: Sequence[int],
        *,
        archived: bool | None = False,
        lock: bool = False,
    ) -> dict[int, RecordRow]:
        return fetch_records(self.session, portal_id, object_type_id, ids, archived=archived, lock=lock)

    def list_records(
        self, portal_id: int, object_type_id: str, *, after_id: int, limit: int, archived: bool
    ) -> list[RecordRow]:
        rows = self.fetchall(
            f"SELECT {RECORD_COLUMNS} FROM records r WHERE r.portal_id = ? AND r.object_type_id = ? "
            "AND r.archived = ? AND r.id > ? ORDER BY r.id LIMIT ?",
            (portal_id, object_type_id, archived, after_id, limit),
        )
        return [record_from_row(self.session, row) for row in rows]

    def archive_records(self, portal_id: int, object_type_id: str, ids: Sequence[int], at: int) -> list[int]:
        """Archives the live records among `ids`; returns the ids it archived."""
        archived: list[int] = []
        for part in chunks(list(ids)):
            rows = self.fetchall(
                f"UPDATE records SET archived = ?, archived_at = ?, updated_at = ? WHERE portal_id = ? "
                f"AND object_type_id = ? AND archived = ? AND id IN ({placeholders(len(part))}) RETURNING id",
                (True, at, at, portal_id, object_type_id, False, *part),
            )
            archived.extend(row[0] for row in rows)
        return archived
