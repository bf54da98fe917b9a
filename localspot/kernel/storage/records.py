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


def _by_ids(session: Session, columns: str, count: int, lock: bool = False) -> str:
    """A SELECT of `columns` (aliased `r.`) of the records among `count` ids, one primary-key probe per id
    whatever the table statistics; parameters from `_id_params`.

    SQLite: `id` is the rowid, and `+portal_id` keeps the planner off the listing index's portal_id prefix
    (`Session.portal_of_ids`). PostgreSQL: on a database without statistics the planner takes `portal_id = ?`
    for a selective condition (0.5% of the rows) and `id IN (...)` for one that keeps 0.5% per id, so past a
    few dozen ids it walks the whole portal on the key's or the listing index's prefix and filters by id (8 ms
    for 100 ids among 50,000 records, 52 ms among 300,000; 0.3-0.5 ms probed). Each id is therefore probed
    on its own, from a LATERAL subquery with LIMIT 1, which the planner cannot flatten into a join and plans
    as one lookup of the whole key (`tests/kernel/storage/test_postgres_query_plans.py`)."""
    if session.dialect.name == "sqlite":
        return f"SELECT {columns} FROM records r WHERE +r.portal_id = ? AND r.id IN ({placeholders(count)})" + (
            " ORDER BY r.id" if lock else ""
        )
    if count == 1:
        # One id: the whole unique key given by equality, which every planner takes for one row (and a
        # LATERAL probe would cost 0.1 ms more to plan, a sixth of a single create's statements).
        return f"SELECT {columns} FROM records r WHERE r.portal_id = ? AND r.id = ?" + (
            session.dialect.lock_rows() if lock else ""
        )
    inner = columns.replace("r.", "q.")
    return (
        f"SELECT {columns} FROM unnest(?::bigint[]) AS k(id) CROSS JOIN LATERAL "
        f"(SELECT {inner} FROM records q WHERE q.portal_id = ? AND q.id = k.id "
        f"LIMIT 1{session.dialect.lock_rows() if lock else ''}) r"
    )


def _id_params(session: Session, portal_id: int, part: Sequence[int]) -> tuple[object, ...]:
    if session.dialect.name == "sqlite" or len(part) == 1:
        return (portal_id, *part)
    return (list(part), portal_id)


def records_among(session: Session, portal_id: int, ids: Sequence[int]) -> list[tuple[int, str, bool]]:
    """(id, object type id, archived) of each record of the portal among `ids`, any type, by primary-key
    probes (`_by_ids`); callers filter the type and the archived flag after. With `archived = ?` beside the
    ids, PostgreSQL without statistics walked every live record of the portal on the listing index."""
    found: list[tuple[int, str, bool]] = []
    for part in chunks(sorted(set(ids))):
        rows = session.fetchall(
            _by_ids(session, "r.id, r.object_type_id, r.archived", len(part)), _id_params(session, portal_id, part)
        )
        found.extend((row[0], row[1], bool(row[2])) for row in rows)
    return found


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

    Only the primary key is in the WHERE clause, one probe per id (`_by_ids`): given the type and archived
    flag too, the planners prefer the listing index and filter every record of the type by id."""
    found: dict[int, RecordRow] = {}
    for part in chunks(sorted(set(ids))):
        rows = session.fetchall(_by_ids(session, RECORD_COLUMNS, len(part), lock), _id_params(session, portal_id, part))
        for row in rows:
            if row[1] == object_type_id and (archived is None or bool(row[4]) == archived):
                record = record_from_row(session, row)
                found[record.id] = record
    return found
