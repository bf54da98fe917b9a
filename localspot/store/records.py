"""Records: one row each, their property values in one JSON map."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.store.base import QueryBase, chunks, placeholders
from localspot.store.rows import RecordRow

_COLUMNS = "r.id, r.object_type_id, r.created_at, r.updated_at, r.archived, r.archived_at, r.properties, r.merged_into"


class RecordQueries(QueryBase):
    def reserve_ids(self, count: int) -> list[int]:
        return self.dialect.reserve_ids(self.cursor, count)

    def insert_records(
        self, portal_id: int, object_type_id: str, rows: Sequence[tuple[int, int, dict[str, str]]]
    ) -> None:
        """rows: (id, created_at, properties); created and updated start equal."""
        self.executemany(
            "INSERT INTO records (id, portal_id, object_type_id, created_at, updated_at, archived, properties) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (record_id, portal_id, object_type_id, created, created, False, self.properties_param(props))
                for record_id, created, props in rows
            ],
        )

    def update_records(self, portal_id: int, rows: Sequence[tuple[int, int, dict[str, str]]]) -> None:
        """rows: (id, updated_at, properties)."""
        self.executemany(
            "UPDATE records SET updated_at = ?, properties = ? WHERE portal_id = ? AND id = ?",
            [(updated, self.properties_param(props), portal_id, record_id) for record_id, updated, props in rows],
        )

    def fetch_records(
        self,
        portal_id: int,
        object_type_id: str,
        ids: Sequence[int],
        *,
        archived: bool | None = False,
        lock: bool = False,
    ) -> dict[int, RecordRow]:
        """The records among `ids` of this type; `archived=None` returns both live and archived ones.

        `lock` holds the rows until the transaction ends, so a read-modify-write of a record's values
        cannot interleave with another (PostgreSQL; SQLite writers are serialised already). Rows are
        locked in id order, so two writers of overlapping records cannot deadlock.

        Only the primary key is in the WHERE clause: given the type and archived flag too, PostgreSQL's
        planner prefers the listing index and filters every record of the type by id (and SQLite's, without
        statistics, does so even for the portal alone: see `QueryBase.portal_of_ids`)."""
        found: dict[int, RecordRow] = {}
        locking = " ORDER BY r.id" + self.dialect.lock_rows() if lock else ""
        for part in chunks(sorted(set(ids))):
            rows = self.fetchall(
                f"SELECT {_COLUMNS} FROM records r WHERE {self.portal_of_ids('r.')} = ? "
                f"AND r.id IN ({placeholders(len(part))}){locking}",
                (portal_id, *part),
            )
            for row in rows:
                if row[1] == object_type_id and (archived is None or bool(row[4]) == archived):
                    record = self._record(row)
                    found[record.id] = record
        return found

    def list_records(
        self, portal_id: int, object_type_id: str, *, after_id: int, limit: int, archived: bool
    ) -> list[RecordRow]:
        rows = self.fetchall(
            f"SELECT {_COLUMNS} FROM records r WHERE r.portal_id = ? AND r.object_type_id = ? "
            "AND r.archived = ? AND r.id > ? ORDER BY r.id LIMIT ?",
            (portal_id, object_type_id, archived, after_id, limit),
        )
        return [self._record(row) for row in rows]

    def record_types(self, portal_id: int, ids: Sequence[int]) -> dict[int, str]:
        """Object type of each live record among `ids` (any type): association targets."""
        found: dict[int, str] = {}
        for part in chunks(list(ids)):
            rows = self.fetchall(
                f"SELECT id, object_type_id FROM records WHERE {self.portal_of_ids()} = ? "
                f"AND id IN ({placeholders(len(part))}) AND archived = ?",
                (portal_id, *part, False),
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def archive_records(self, portal_id: int, object_type_id: str, ids: Sequence[int], at: int) -> list[int]:
        """Archives the live records among `ids`; returns the ids it archived."""
        archived: list[int] = []
        for part in chunks(list(ids)):
            rows = self.fetchall(
                f"UPDATE records SET archived = ?, archived_at = ?, updated_at = ? WHERE portal_id = ? "
                f"AND object_type_id = ? AND archived = ? AND id IN ({placeholders(len(part))}) RETURNING id",
                (True, at, at, portal_id, object_type_id, False, *part),
            )
            archived.extend(row[0] for row in rows)
        return archived

    def _record(self, row: Sequence[object]) -> RecordRow:
        return RecordRow(
            id=row[0],  # type: ignore[arg-type]
            object_type_id=row[1],  # type: ignore[arg-type]
            created_at=row[2],  # type: ignore[arg-type]
            updated_at=row[3],  # type: ignore[arg-type]
            archived=bool(row[4]),
            archived_at=row[5],  # type: ignore[arg-type]
            properties=self.properties_from(row[6]),
            merged_into=row[7],  # type: ignore[arg-type]
        )
