"""The end of a record's life: merging it into another record, or erasing it for good (GDPR). Its
associations go with it through the associations area (`AssociationService.move_all`, `delete_all_of`)."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.storage.session import Queries, chunks, placeholders


class LifecycleQueries(Queries):
    def mark_merged(self, portal_id: int, record_id: int, into: int, at: int) -> None:
        self.execute(
            "UPDATE records SET archived = ?, archived_at = ?, updated_at = ?, merged_into = ? "
            "WHERE portal_id = ? AND id = ?",
            (True, at, at, into, portal_id, record_id),
        )

    def restore_record(self, portal_id: int, record_id: int, at: int) -> bool:
        """The archived record live again (not one merged into another); whether it was archived."""
        rows = self.fetchall(
            "UPDATE records SET archived = ?, archived_at = NULL, updated_at = ? "
            "WHERE portal_id = ? AND id = ? AND archived = ? AND merged_into IS NULL RETURNING id",
            (False, at, portal_id, record_id, True),
        )
        return bool(rows)

    def delete_records(self, portal_id: int, record_ids: Sequence[int]) -> None:
        for part in chunks(list(record_ids)):
            self.execute(
                f"DELETE FROM records WHERE {self.portal_of_ids()} = ? AND id IN ({placeholders(len(part))})",
                (portal_id, *part),
            )

    def records_merged_into(self, portal_id: int, object_type_id: str, ids: Sequence[int]) -> list[int]:
        """Archived records of the type that were merged into any of `ids`."""
        found: list[int] = []
        for part in chunks(list(ids)):
            rows = self.fetchall(
                "SELECT id FROM records WHERE portal_id = ? AND object_type_id = ? AND archived = ? "
                f"AND merged_into IN ({placeholders(len(part))})",
                (portal_id, object_type_id, True, *part),
            )
            found.extend(row[0] for row in rows)
        return found
