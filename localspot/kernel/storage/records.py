"""The row format of the one `records` table the generic object engine keeps every type's records in:
the object area writes it, and search, pipelines, properties and schemas read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.kernel.storage.session import Session, chunks, placeholders

RECORD_COLUMNS = (
    "r.id, r.object_type_id, r.created_at, r.updated_at, r.archived, r.archived_at, r.properties, r.merged_into"
)


@dataclass(slots=True)
class RecordRow:
    id: int
    object_type_id: str
    created_at: int
    updated_at: int
    archived: bool
    archived_at: int | None
    properties: dict[str, str]
    merged_into: int | None = None


def record_from_row(session: Session, row: Sequence[object]) -> RecordRow:
    """A RecordRow from the columns of RECORD_COLUMNS, in that order."""
    return RecordRow(
        id=row[0],  # type: ignore[arg-type]
        object_type_id=row[1],  # type: ignore[arg-type]
        created_at=row[2],  # type: ignore[arg-type]
        updated_at=row[3],  # type: ignore[arg-type]
        archived=bool(row[4]),
        archived_at=row[5],  # type: ignore[arg-type]
        properties=session.properties_from(row[6]),
        merged_into=row[7],  # type: ignore[arg-type]
    )


def fetch_records(
    session: Session,
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
    statistics, does so even for the portal alone: see `Session.portal_of_ids`)."""
    found: dict[int, RecordRow] = {}
    locking = " ORDER BY r.id" + session.dialect.lock_rows() if lock else ""
    for part in chunks(sorted(set(ids))):
        rows = session.fetchall(
            f"SELECT {RECORD_COLUMNS} FROM records r WHERE {session.portal_of_ids('r.')} = ? "
            f"AND r.id IN ({placeholders(len(part))}){locking}",
            (portal_id, *part),
        )
        for row in rows:
            if row[1] == object_type_id and (archived is None or bool(row[4]) == archived):
                record = record_from_row(session, row)
                found[record.id] = record
    return found
