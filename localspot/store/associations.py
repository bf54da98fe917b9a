"""Associations between records. Each is stored in both directions (the inverse under its inverse type)
so that reads from either side are one indexed range."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.store.base import QueryBase

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
