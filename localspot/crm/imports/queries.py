"""The imports area's SQL: imports with their progress, their files, their row errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode
RUNNABLE = ("STARTED", "PROCESSING")


@dataclass(frozen=True)
class ImportRow:
    portal_id: int
    id: int
    name: str | None
    state: str
    request: dict[str, Any]
    counters: dict[str, int]
    file_index: int
    row_number: int
    created_at: int
    updated_at: int


_COLUMNS = "portal_id, id, name, state, request, counters, file_index, row_number, created_at, updated_at"


def _row(raw: Any) -> ImportRow:
    return ImportRow(raw[0], raw[1], raw[2], raw[3], _decode(raw[4]), _decode(raw[5]), *raw[6:10])


class ImportQueries(Queries):
    def insert_import(
        self, portal_id: int, import_id: int, name: str | None, request: dict[str, Any], now: int
    ) -> None:
        self.execute(
            f"INSERT INTO imports ({_COLUMNS}, claimed_until) VALUES (?, ?, ?, 'STARTED', ?, '{{}}', 0, 0, ?, ?, 0)",
            (portal_id, import_id, name, encode_json(request).decode(), now, now),
        )

    def insert_file(self, portal_id: int, import_id: int, index: int, file_id: int, name: str, data: bytes) -> None:
        self.execute(
            "INSERT INTO import_files (portal_id, import_id, file_index, file_id, name, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (portal_id, import_id, index, file_id, name, data),
        )

    def get(self, portal_id: int, import_id: int, *, lock: bool = False) -> ImportRow | None:
        suffix = " FOR UPDATE" if lock and self.session.dialect.name == "postgresql" else ""
        raw = self.fetchone(
            f"SELECT {_COLUMNS} FROM imports WHERE portal_id = ? AND id = ?{suffix}", (portal_id, import_id)
        )
        return None if raw is None else _row(raw)

    def page(self, portal_id: int, after: int, limit: int) -> list[ImportRow]:
        rows = self.fetchall(
            f"SELECT {_COLUMNS} FROM imports WHERE portal_id = ? AND id > ? ORDER BY id LIMIT ?",
            (portal_id, after, limit),
        )
        return [_row(raw) for raw in rows]

    def any_runnable(self, now: int) -> bool:
        return (
            self.fetchone(
                "SELECT 1 FROM imports WHERE state IN ('STARTED', 'PROCESSING') AND claimed_until < ? LIMIT 1", (now,)
            )
            is not None
        )

    def claim(self, now: int, lease_ms: int) -> tuple[int, int] | None:
        """(portal, import) of the oldest import left to run whose lease has run out, leased to the caller."""
        raw = self.fetchone(
            "SELECT portal_id, id FROM imports WHERE state IN ('STARTED', 'PROCESSING') AND claimed_until < ? "
            "ORDER BY created_at, id LIMIT 1",
            (now,),
        )
        if raw is None:
            return None
        taken = self.fetchone(
            "UPDATE imports SET claimed_until = ?, state = 'PROCESSING' WHERE portal_id = ? AND id = ? "
            "AND state IN ('STARTED', 'PROCESSING') AND claimed_until < ? RETURNING id",
            (now + lease_ms, raw[0], raw[1], now),
        )
        return None if taken is None else (raw[0], raw[1])

    def files(self, portal_id: int, import_id: int) -> list[tuple[int, int, str]]:
        """(index, file id, name) of each file, in order."""
        return [
            (row[0], row[1], row[2])
            for row in self.fetchall(
                "SELECT file_index, file_id, name FROM import_files WHERE portal_id = ? AND import_id = ? "
                "ORDER BY file_index",
                (portal_id, import_id),
            )
        ]

    def file_data(self, portal_id: int, import_id: int, index: int) -> bytes:
        row = self.fetchone(
            "SELECT data FROM import_files WHERE portal_id = ? AND import_id = ? AND file_index = ?",
            (portal_id, import_id, index),
        )
        return bytes(row[0])

    def advance(
        self,
        portal_id: int,
        import_id: int,
        *,
        state: str,
        counters: dict[str, int],
        file_index: int,
        row_number: int,
        now: int,
        lease_until: int,
    ) -> None:
        self.execute(
            "UPDATE imports SET state = ?, counters = ?, file_index = ?, row_number = ?, updated_at = ?, "
            "claimed_until = ? WHERE portal_id = ? AND id = ?",
            (state, encode_json(counters).decode(), file_index, row_number, now, lease_until, portal_id, import_id),
        )

    def set_state(self, portal_id: int, import_id: int, state: str, now: int) -> None:
        self.execute(
            "UPDATE imports SET state = ?, updated_at = ? WHERE portal_id = ? AND id = ?",
            (state, now, portal_id, import_id),
        )

    def drop_files(self, portal_id: int, import_id: int) -> None:
        """A finished import's files are no longer needed (HubSpot keeps no copy either)."""
        self.execute("DELETE FROM import_files WHERE portal_id = ? AND import_id = ?", (portal_id, import_id))

    def insert_errors(
        self, portal_id: int, import_id: int, first_id: int, now: int, errors: list[dict[str, Any]]
    ) -> None:
        self.executemany(
            "INSERT INTO import_errors (portal_id, import_id, id, created_at, error) VALUES (?, ?, ?, ?, ?)",
            [(portal_id, import_id, first_id + n, now, encode_json(error).decode()) for n, error in enumerate(errors)],
        )

    def errors_page(
        self, portal_id: int, import_id: int, after: int, limit: int
    ) -> list[tuple[int, int, dict[str, Any]]]:
        return [
            (row[0], row[1], _decode(row[2]))
            for row in self.fetchall(
                "SELECT id, created_at, error FROM import_errors WHERE portal_id = ? AND import_id = ? AND id > ? "
                "ORDER BY id LIMIT ?",
                (portal_id, import_id, after, limit),
            )
        ]
