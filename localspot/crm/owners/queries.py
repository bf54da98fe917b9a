"""Owners of a portal."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.kernel.storage.session import Queries

_COLUMNS = "id, email, first_name, last_name, user_id, type, archived, created_at, updated_at"


@dataclass(frozen=True, slots=True)
class OwnerRow:
    id: int
    email: str | None
    first_name: str | None
    last_name: str | None
    user_id: int | None
    type: str
    archived: bool
    created_at: int
    updated_at: int


class OwnerQueries(Queries):
    def insert_owner(self, portal_id: int, owner: OwnerRow) -> None:
        self.execute(
            f"INSERT INTO owners (portal_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                portal_id,
                owner.id,
                owner.email,
                owner.first_name,
                owner.last_name,
                owner.user_id,
                owner.type,
                owner.archived,
                owner.created_at,
                owner.updated_at,
            ),
        )

    def list_owners(
        self, portal_id: int, *, after_id: int, limit: int, archived: bool, email: str | None
    ) -> list[OwnerRow]:
        email_clause = " AND LOWER(email) = ?" if email else ""
        params: list[object] = [portal_id, archived, after_id]
        if email:
            params.append(email.lower())
        rows = self.fetchall(
            f"SELECT {_COLUMNS} FROM owners WHERE portal_id = ? AND archived = ? AND id > ?{email_clause} "
            "ORDER BY id LIMIT ?",
            (*params, limit),
        )
        return [_owner(row) for row in rows]

    def find_owner(self, portal_id: int, *, column: str, value: int, archived: bool) -> OwnerRow | None:
        if column not in ("id", "user_id"):
            raise ValueError(column)
        row = self.fetchone(
            f"SELECT {_COLUMNS} FROM owners WHERE portal_id = ? AND {column} = ? AND archived = ?",
            (portal_id, value, archived),
        )
        return _owner(row) if row else None


def _owner(row: tuple) -> OwnerRow:
    return OwnerRow(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8])
