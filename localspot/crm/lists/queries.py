"""The lists area's SQL: list definitions and the members of MANUAL and SNAPSHOT lists. Members are read
through the records table, so a record archived or merged away is no longer a member."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class ListQueries(Queries):
    def insert_list(self, portal_id: int, list_id: int, definition: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO lists (portal_id, id, object_type_id, name, processing_type, definition) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                portal_id,
                list_id,
                definition["objectTypeId"],
                definition["name"],
                definition["processingType"],
                encode_json(definition).decode(),
            ),
        )

    def save_list(self, portal_id: int, definition: dict[str, Any], deleted_at: int | None = None) -> None:
        self.execute(
            "UPDATE lists SET name = ?, definition = ?, deleted_at = ? WHERE portal_id = ? AND id = ?",
            (definition["name"], encode_json(definition).decode(), deleted_at, portal_id, int(definition["listId"])),
        )

    def lists(self, portal_id: int, ids: Sequence[int] | None = None, *, deleted: bool = False) -> list[dict[str, Any]]:
        where = "portal_id = ? AND deleted_at IS " + ("NOT NULL" if deleted else "NULL")
        params: list[Any] = [portal_id]
        if ids is not None:
            if not ids:
                return []
            where += f" AND id IN ({_marks(len(ids))})"
            params += list(ids)
        rows = self.fetchall(f"SELECT definition FROM lists WHERE {where} ORDER BY id", params)
        return [_decode(row[0]) for row in rows]

    def list_by_name(self, portal_id: int, object_type_id: str, name: str) -> dict[str, Any] | None:
        row = self.fetchone(
            "SELECT definition FROM lists WHERE portal_id = ? AND object_type_id = ? AND lower(name) = lower(?) "
            "AND deleted_at IS NULL",
            (portal_id, object_type_id, name),
        )
        return None if row is None else _decode(row[0])

    def name_taken(self, portal_id: int, name: str, except_id: int | None = None) -> bool:
        row = self.fetchone(
            "SELECT id FROM lists WHERE portal_id = ? AND lower(name) = lower(?) AND deleted_at IS NULL",
            (portal_id, name),
        )
        return row is not None and row[0] != except_id

    def dynamic_lists(self, portal_id: int, object_type_id: str) -> list[dict[str, Any]]:
        rows = self.fetchall(
            "SELECT definition FROM lists WHERE portal_id = ? AND object_type_id = ? AND processing_type = ? "
            "AND deleted_at IS NULL ORDER BY id",
            (portal_id, object_type_id, "DYNAMIC"),
        )
        return [_decode(row[0]) for row in rows]

    # --- members of MANUAL and SNAPSHOT lists -----------------------------------------------------------

    def live_records(self, portal_id: int, object_type_id: str, ids: Sequence[int]) -> set[int]:
        if not ids:
            return set()
        rows = self.fetchall(
            f"SELECT id FROM records WHERE {self.portal_of_ids()} = ? AND id IN ({_marks(len(ids))}) "
            "AND object_type_id = ? AND archived = ?",
            (portal_id, *ids, object_type_id, False),
        )
        return {row[0] for row in rows}

    def members_among(self, portal_id: int, list_id: int, ids: Sequence[int]) -> set[int]:
        if not ids:
            return set()
        rows = self.fetchall(
            f"SELECT record_id FROM list_memberships WHERE portal_id = ? AND list_id = ? "
            f"AND record_id IN ({_marks(len(ids))})",
            (portal_id, list_id, *ids),
        )
        return {row[0] for row in rows}

    def add_members(self, portal_id: int, list_id: int, ids: Sequence[int], now: int) -> None:
        self.executemany(
            "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, list_id, record_id) DO NOTHING",
            [(portal_id, list_id, record_id, now) for record_id in ids],
        )

    def remove_members(self, portal_id: int, list_id: int, ids: Sequence[int] | None = None) -> None:
        if ids is None:
            self.execute("DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ?", (portal_id, list_id))
            return
        self.executemany(
            "DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ? AND record_id = ?",
            [(portal_id, list_id, record_id) for record_id in ids],
        )

    def member_count(self, portal_id: int, list_id: int) -> int:
        return self.fetchone(
            "SELECT count(*) FROM list_memberships m JOIN records r ON r.id = m.record_id "
            "AND r.portal_id = m.portal_id AND r.archived = ? WHERE m.portal_id = ? AND m.list_id = ?",
            (False, portal_id, list_id),
        )[0]

    def members(
        self,
        portal_id: int,
        list_id: int,
        *,
        by_join_order: bool,
        after: tuple[int, int] | None,
        descending: bool,
        limit: int,
    ) -> list[tuple[int, int]]:
        """(record id, added at) of live members, by record id or by join order, from a cursor."""
        keys = ("m.added_at", "m.record_id") if by_join_order else ("m.record_id",)
        direction = "DESC" if descending else "ASC"
        where = "m.portal_id = ? AND m.list_id = ?"
        params: list[Any] = [False, portal_id, list_id]
        if after is not None:
            compare = "<" if descending else ">"
            if by_join_order:
                where += f" AND (m.added_at {compare} ? OR (m.added_at = ? AND m.record_id {compare} ?))"
                params += [after[1], after[1], after[0]]
            else:
                where += f" AND m.record_id {compare} ?"
                params.append(after[0])
        rows = self.fetchall(
            "SELECT m.record_id, m.added_at FROM list_memberships m JOIN records r ON r.id = m.record_id "
            f"AND r.portal_id = m.portal_id AND r.archived = ? WHERE {where} "
            f"ORDER BY {', '.join(f'{key} {direction}' for key in keys)} LIMIT ?",
            [*params, limit],
        )
        return [(row[0], row[1]) for row in rows]

    def all_members(self, portal_id: int, list_id: int) -> list[int]:
        return [
            row[0]
            for row in self.fetchall(
                "SELECT record_id FROM list_memberships WHERE portal_id = ? AND list_id = ? ORDER BY record_id",
                (portal_id, list_id),
            )
        ]

    def record_memberships(self, portal_id: int, record_id: int) -> list[tuple[int, int]]:
        """(list id, added at) of every live MANUAL or SNAPSHOT list holding the record."""
        rows = self.fetchall(
            "SELECT m.list_id, m.added_at FROM list_memberships m JOIN lists l ON l.portal_id = m.portal_id "
            "AND l.id = m.list_id AND l.deleted_at IS NULL WHERE m.portal_id = ? AND m.record_id = ? "
            "ORDER BY m.list_id",
            (portal_id, record_id),
        )
        return [(row[0], row[1]) for row in rows]


class FolderQueries(Queries):
    def folders(self, portal_id: int) -> list[dict[str, Any]]:
        rows = self.fetchall("SELECT folder FROM list_folders WHERE portal_id = ? ORDER BY id", (portal_id,))
        return [_decode(row[0]) for row in rows]

    def save_folder(self, portal_id: int, folder: dict[str, Any]) -> None:
        text = encode_json(folder).decode()
        self.execute(
            "INSERT INTO list_folders (portal_id, id, parent_id, folder) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, id) DO UPDATE SET parent_id = excluded.parent_id, folder = excluded.folder",
            (portal_id, int(folder["id"]), int(folder["parentFolderId"]), text),
        )

    def delete_folder(self, portal_id: int, folder_id: int) -> None:
        self.execute("DELETE FROM list_folders WHERE portal_id = ? AND id = ?", (portal_id, folder_id))
