"""The end of a record's life: merging it into another record, or erasing it for good (GDPR)."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.store.associations import AssociationQueries
from localspot.store.base import QueryBase, chunks, placeholders


class LifecycleQueries(QueryBase):
    def move_associations(self, portal_id: int, from_record: int, to_record: int) -> None:
        """Re-points every association of `from_record` (both directions) at `to_record`. Associations
        between the two would become a record associated with itself, so they are dropped."""
        AssociationQueries.settle_associations(self)  # type: ignore[arg-type]
        # Rows to the record are the inverses of rows from it: both are found by the primary key.
        rows = self.fetchall(
            "SELECT from_id, to_id, from_type, to_type, category, type_id, created_at FROM associations "
            "WHERE portal_id = ? AND (from_id = ? OR (from_id IN (SELECT to_id FROM associations "
            "WHERE portal_id = ? AND from_id = ?) AND to_id = ?))",
            (portal_id, from_record, portal_id, from_record, from_record),
        )
        self.delete_associations_of(portal_id, [from_record])
        moved = []
        for from_id, to_id, from_type, to_type, category, type_id, created_at in rows:
            new_from = to_record if from_id == from_record else from_id
            new_to = to_record if to_id == from_record else to_id
            if new_from != new_to:
                moved.append((portal_id, new_from, new_to, from_type, to_type, category, type_id, created_at))
        self.executemany(
            "INSERT INTO associations (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING",
            moved,
        )

    def delete_associations_of(self, portal_id: int, record_ids: Sequence[int]) -> None:
        """Every association from or to the records, in both directions."""
        AssociationQueries.settle_associations(self)  # type: ignore[arg-type]
        for part in chunks(list(record_ids)):
            marks = placeholders(len(part))
            # The inverse rows first, found from the records' own rows (there is no index by to_id).
            self.execute(
                "DELETE FROM associations WHERE portal_id = ? AND from_id IN (SELECT to_id FROM associations "
                f"WHERE portal_id = ? AND from_id IN ({marks})) AND to_id IN ({marks})",
                (portal_id, portal_id, *part, *part),
            )
            self.execute(f"DELETE FROM associations WHERE portal_id = ? AND from_id IN ({marks})", (portal_id, *part))

    def mark_merged(self, portal_id: int, record_id: int, into: int, at: int) -> None:
        self.execute(
            "UPDATE records SET archived = ?, archived_at = ?, updated_at = ?, merged_into = ? "
            "WHERE portal_id = ? AND id = ?",
            (True, at, at, into, portal_id, record_id),
        )

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
