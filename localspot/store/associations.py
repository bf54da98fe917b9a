"""Associations between records. Each is stored in both directions (the inverse under its inverse type)
so that reads from either side are one indexed range."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.store.base import QueryBase, chunks, placeholders

# (from id, to id, from type, to type, category, type id)
AssociationRow = tuple[int, int, str, str, str, int]


class AssociationQueries(QueryBase):
    def insert_associations(self, portal_id: int, rows: Sequence[AssociationRow], now: int) -> None:
        self.executemany(
            "INSERT INTO associations (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING",
            [(portal_id, *row, now) for row in rows],
        )

    def live_associations(
        self, portal_id: int, from_ids: Sequence[int], to_types: Sequence[str]
    ) -> list[tuple[int, int, str, str, int]]:
        """(from id, to id, to type, category, type id) of each association from `from_ids` to a live
        record of one of `to_types`; associations to archived records stay stored but are not read."""
        found: list[tuple[int, int, str, str, int]] = []
        if not to_types:
            return found
        for part in chunks(list(from_ids)):
            rows = self.fetchall(
                "SELECT a.from_id, a.to_id, a.to_type, a.category, a.type_id FROM associations a "
                "JOIN records r ON r.portal_id = a.portal_id AND r.id = a.to_id AND r.archived = ? "
                f"WHERE a.portal_id = ? AND a.from_id IN ({placeholders(len(part))}) "
                f"AND a.to_type IN ({placeholders(len(to_types))}) ORDER BY a.from_id, a.to_type, a.to_id, a.type_id",
                (False, portal_id, *part, *to_types),
            )
            found.extend((row[0], row[1], row[2], row[3], row[4]) for row in rows)
        return found
