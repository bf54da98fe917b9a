"""Property history.

A value set at creation is not written here: while a property has no history rows, its history is its
current value at the record's creation time. The first update of a property writes that original value
and then the new one, so creates stay one row per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from localspot.crm.objects.queries.rows import HistoryEntry
from localspot.kernel.storage.session import Queries, chunks, placeholders


class HistoryQueries(Queries):
    def names_with_history(self, portal_id: int, keys: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
        """The (record id, property name) keys among `keys` that have history rows: one index probe per
        key, stopping at its first row, so the cost does not grow with the length of the histories."""
        found: set[tuple[int, str]] = set()
        for part in chunks(list(keys)):
            if self.dialect.name == "sqlite":
                keys_sql = f"VALUES {','.join(['(?, ?)'] * len(part))}"
                params: tuple[object, ...] = (*[value for key in part for value in key], portal_id)
            else:
                keys_sql = "SELECT * FROM unnest(?::bigint[], ?::text[])"
                params = ([key[0] for key in part], [key[1] for key in part], portal_id)
            rows = self.fetchall(
                f"WITH k(record_id, name) AS ({keys_sql}) SELECT k.record_id, k.name FROM k "
                "WHERE EXISTS (SELECT 1 FROM property_history h "
                "WHERE h.portal_id = ? AND h.record_id = k.record_id AND h.name = k.name)",
                params,
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
