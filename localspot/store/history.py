"""Property history.

A value set at creation is not written here: while a property has no history rows, its history is its
current value at the record's creation time. The first update of a property writes that original value
and then the new one, so creates stay one row per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from localspot.store.base import QueryBase, chunks, placeholders
from localspot.store.rows import HistoryEntry


class HistoryQueries(QueryBase):
    def names_with_history(self, portal_id: int, record_ids: Sequence[int]) -> set[tuple[int, str]]:
        found: set[tuple[int, str]] = set()
        for part in chunks(list(record_ids)):
            rows = self.fetchall(
                "SELECT DISTINCT record_id, name FROM property_history WHERE portal_id = ? "
                f"AND record_id IN ({placeholders(len(part))})",
                (portal_id, *part),
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def insert_history(self, portal_id: int, rows: Sequence[tuple[int, str, str, int, str]]) -> None:
        """rows: (record id, name, value, timestamp ms, source type)."""
        self.executemany(
            "INSERT INTO property_history (portal_id, record_id, name, value, timestamp, source_type) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(portal_id, *row) for row in rows],
        )

    def fetch_history(
        self, portal_id: int, record_ids: Sequence[int], names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        """Newest first."""
        history: dict[tuple[int, str], list[HistoryEntry]] = defaultdict(list)
        if not names:
            return history
        for part in chunks(list(record_ids)):
            rows = self.fetchall(
                "SELECT record_id, name, value, timestamp, source_type FROM property_history WHERE portal_id = ? "
                f"AND record_id IN ({placeholders(len(part))}) AND name IN ({placeholders(len(names))}) "
                "ORDER BY timestamp DESC, seq DESC",
                (portal_id, *part, *names),
            )
            for record_id, name, value, timestamp, source in rows:
                history[(record_id, name)].append(HistoryEntry(value, timestamp, source))
        return history

    def delete_history(self, portal_id: int, record_ids: Sequence[int]) -> None:
        for part in chunks(list(record_ids)):
            self.execute(
                f"DELETE FROM property_history WHERE portal_id = ? AND record_id IN ({placeholders(len(part))})",
                (portal_id, *part),
            )
