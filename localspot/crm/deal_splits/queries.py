"""The deal splits area's SQL: one row per split, numbered by its place in the deal's list."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from localspot.kernel.storage.session import Queries, chunks, placeholders


@dataclass(frozen=True, slots=True)
class SplitRow:
    id: int
    owner_id: int
    percentage: str
    created_at: int
    updated_at: int


class SplitQueries(Queries):
    def splits(self, portal_id: int, deal_ids: Sequence[int]) -> dict[int, list[SplitRow]]:
        """Each deal's splits, in the order they were given."""
        found: dict[int, list[SplitRow]] = {deal_id: [] for deal_id in deal_ids}
        for part in chunks(sorted(set(deal_ids))):
            rows = self.fetchall(
                "SELECT deal_id, id, owner_id, percentage, created_at, updated_at FROM deal_splits "
                f"WHERE portal_id = ? AND deal_id IN ({placeholders(len(part))}) ORDER BY deal_id, position",
                (portal_id, *part),
            )
            for deal_id, *split in rows:
                found[deal_id].append(SplitRow(*split))
        return found

    def every_split(self, portal_id: int) -> list[tuple[int, SplitRow]]:
        """Every split of the portal with its deal's id, by split id."""
        rows = self.fetchall(
            "SELECT deal_id, id, owner_id, percentage, created_at, updated_at FROM deal_splits "
            "WHERE portal_id = ? ORDER BY id",
            (portal_id,),
        )
        return [(deal_id, SplitRow(*split)) for deal_id, *split in rows]

    def lock_deals(self, portal_id: int, deal_ids: Sequence[int]) -> None:
        """On PostgreSQL, until the transaction ends: two upserts of one deal replace its splits one after the
        other (SQLite's writers are serialised already). One statement, sorted keys: no deadlock."""
        if self.dialect.name == "sqlite" or not deal_ids:
            return
        keys = sorted({_lock_key(portal_id, deal_id) for deal_id in deal_ids})
        self.fetchall("SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k", (keys,))

    def replace(self, portal_id: int, splits: dict[int, list[tuple[int, int, str]]], now: int) -> None:
        """Every split of each deal replaced by its (id, owner id, percentage) list."""
        deal_ids = sorted(splits)
        for part in chunks(deal_ids):
            self.execute(
                f"DELETE FROM deal_splits WHERE portal_id = ? AND deal_id IN ({placeholders(len(part))})",
                (portal_id, *part),
            )
        self.executemany(
            "INSERT INTO deal_splits (portal_id, deal_id, position, id, owner_id, percentage, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (portal_id, deal_id, position, split_id, owner_id, percentage, now, now)
                for deal_id in deal_ids
                for position, (split_id, owner_id, percentage) in enumerate(splits[deal_id])
            ],
        )


def _lock_key(portal_id: int, deal_id: int) -> int:
    """A stable 64-bit key (Python's own hash differs between processes)."""
    text = f"deal-splits:{portal_id}:{deal_id}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)
