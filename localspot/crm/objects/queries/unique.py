"""Values of unique properties, one row per (property, value): the database enforces uniqueness, so it
holds across processes and machines."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.storage.session import Queries, chunks, placeholders


class UniqueValueQueries(Queries):
    def unique_owners(self, portal_id: int, object_type_id: str, name: str, values: Sequence[str]) -> dict[str, int]:
        """Which record holds each of `values` of property `name`."""
        owners: dict[str, int] = {}
        for part in chunks(list(values)):
            rows = self.fetchall(
                "SELECT value, record_id FROM unique_values WHERE portal_id = ? AND object_type_id = ? "
                f"AND name = ? AND value IN ({placeholders(len(part))})",
                (portal_id, object_type_id, name, *part),
            )
            owners.update((row[0], row[1]) for row in rows)
        return owners

    def claim_unique_values(self, portal_id: int, object_type_id: str, rows: Sequence[tuple[str, str, int]]) -> None:
        """rows: (property name, value, record id). Raises UniqueViolation (via the session) on a clash.
        Claimed in sorted order, so two transactions claiming overlapping values wait for each other
        instead of deadlocking."""
        self.executemany(
            "INSERT INTO unique_values (portal_id, object_type_id, name, value, record_id) VALUES (?, ?, ?, ?, ?)",
            [(portal_id, object_type_id, name, value, record_id) for name, value, record_id in sorted(rows)],
        )

    def release_unique_values(self, portal_id: int, object_type_id: str, rows: Sequence[tuple[str, int]]) -> None:
        """rows: (property name, record id)."""
        self.executemany(
            "DELETE FROM unique_values WHERE portal_id = ? AND object_type_id = ? AND name = ? AND record_id = ?",
            [(portal_id, object_type_id, name, record_id) for name, record_id in rows],
        )

    def release_all_unique_values(self, portal_id: int, record_ids: Sequence[int]) -> None:
        for part in chunks(list(record_ids)):
            self.execute(
                f"DELETE FROM unique_values WHERE portal_id = ? AND record_id IN ({placeholders(len(part))})",
                (portal_id, *part),
            )
