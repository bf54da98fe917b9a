"""A portal's association schema: its own (USER_DEFINED) labels and its association limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.kernel.storage.session import Queries, placeholders

# Custom label type ids start here, so that they never equal a HUBSPOT_DEFINED id.
FIRST_CUSTOM_TYPE_ID = 1000


@dataclass(frozen=True, slots=True)
class LabelRow:
    type_id: int
    from_type: str
    to_type: str
    name: str
    label: str
    inverse_type_id: int


@dataclass(frozen=True, slots=True)
class LimitRow:
    from_type: str
    to_type: str
    category: str
    type_id: int
    max_to_object_ids: int


class AssociationSchemaQueries(Queries):
    def association_labels(self, portal_id: int) -> list[LabelRow]:
        rows = self.fetchall(
            "SELECT type_id, from_type, to_type, name, label, inverse_type_id FROM association_labels "
            "WHERE portal_id = ? ORDER BY type_id",
            (portal_id,),
        )
        return [LabelRow(*row) for row in rows]

    def next_association_type_id(self, portal_id: int) -> int:
        row = self.fetchone("SELECT MAX(type_id) FROM association_labels WHERE portal_id = ?", (portal_id,))
        return max(FIRST_CUSTOM_TYPE_ID, (row[0] or 0) + 1)

    def insert_association_labels(self, portal_id: int, rows: Sequence[LabelRow], now: int) -> None:
        self.executemany(
            "INSERT INTO association_labels (portal_id, type_id, from_type, to_type, name, label, inverse_type_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(portal_id, r.type_id, r.from_type, r.to_type, r.name, r.label, r.inverse_type_id, now) for r in rows],
        )

    def rename_association_label(self, portal_id: int, type_id: int, label: str) -> None:
        self.execute(
            "UPDATE association_labels SET label = ? WHERE portal_id = ? AND type_id = ?", (label, portal_id, type_id)
        )

    def delete_association_labels(self, portal_id: int, type_ids: Sequence[int]) -> None:
        self.execute(
            f"DELETE FROM association_labels WHERE portal_id = ? AND type_id IN ({placeholders(len(type_ids))})",
            (portal_id, *type_ids),
        )

    def association_limits(self, portal_id: int, type_pairs: Sequence[tuple[str, str]] | None = None) -> list[LimitRow]:
        """Every limit of the portal, or those of the given (from type, to type) pairs."""
        query = (
            "SELECT from_type, to_type, category, type_id, max_to_object_ids FROM association_limits "
            "WHERE portal_id = ?"
        )
        if type_pairs is None:
            rows = self.fetchall(query + " ORDER BY from_type, to_type, category, type_id", (portal_id,))
            return [LimitRow(*row) for row in rows]
        found: list[LimitRow] = []
        for from_type, to_type in sorted(set(type_pairs)):
            rows = self.fetchall(
                query + " AND from_type = ? AND to_type = ? ORDER BY category, type_id", (portal_id, from_type, to_type)
            )
            found.extend(LimitRow(*row) for row in rows)
        return found

    def save_association_limits(self, portal_id: int, rows: Sequence[LimitRow]) -> None:
        self.executemany(
            "INSERT INTO association_limits (portal_id, from_type, to_type, category, type_id, max_to_object_ids) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (portal_id, from_type, to_type, category, type_id) "
            "DO UPDATE SET max_to_object_ids = excluded.max_to_object_ids",
            [(portal_id, r.from_type, r.to_type, r.category, r.type_id, r.max_to_object_ids) for r in rows],
        )

    def delete_association_limits(
        self, portal_id: int, from_type: str, to_type: str, keys: Sequence[tuple[str, int]]
    ) -> None:
        self.executemany(
            "DELETE FROM association_limits WHERE portal_id = ? AND from_type = ? AND to_type = ? AND category = ? "
            "AND type_id = ?",
            [(portal_id, from_type, to_type, category, type_id) for category, type_id in keys],
        )

    def delete_association_limits_of_types(self, portal_id: int, category: str, type_ids: Sequence[int]) -> None:
        self.execute(
            f"DELETE FROM association_limits WHERE portal_id = ? AND category = ? "
            f"AND type_id IN ({placeholders(len(type_ids))})",
            (portal_id, category, *type_ids),
        )
