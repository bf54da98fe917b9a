"""One transaction's view of the store, and the base of every area's queries over it.

The session holds the cursor, the dialect and the transaction's deferred work; it knows no area. Each
area's queries are an object of their own, built on the session the first time the area asks for them
(`SomeQueries.of(session)`), so areas never share one class namespace and the kernel imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Self

import msgspec

from localspot.kernel.clock import Clock

if TYPE_CHECKING:
    from localspot.kernel.storage.dialects import Dialect, SqliteIdBlock

_decode_properties = msgspec.json.Decoder(dict[str, str]).decode
encode_json = msgspec.json.Encoder().encode

# SQLite's default limit on bound parameters is 32766; chunks of this size stay far below it.
CHUNK = 500

# Work an area defers past its writes (SQLite's pending association rows): whether any waits, and the step
# that brings it in, which runs in a write session before anything reads what it holds.
Deferred = tuple[Callable[["Session"], bool], Callable[["Session"], None]]


class Statements:
    """The SQL helpers over a cursor and its dialect, shared by the session and every area's queries (which
    copy the session's cursor, dialect and write flag when built, so a call costs no lookup through it)."""

    cursor: Any
    dialect: Dialect
    write: bool

    def execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        self.cursor.execute(self.dialect.sql(query), params)
        return self.cursor

    def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self.cursor.executemany(self.dialect.sql(query), rows)

    def fetchall(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.execute(query, params).fetchall()

    def fetchone(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self.execute(query, params).fetchone()

    def portal_of_ids(self, alias: str = "") -> str:
        """The portal column for a query by `portal_id = ? AND id IN (...)`. On SQLite `id` is the rowid,
        but without `ANALYZE` statistics the planner prefers the listing index's portal_id prefix and
        scans every record of the portal (9 ms for 100 ids among 57k records); `+portal_id` keeps it on
        the rowid (0.1 ms). PostgreSQL uses its primary key (portal_id, id) either way."""
        return f"+{alias}portal_id" if self.dialect.name == "sqlite" else f"{alias}portal_id"

    def properties_from(self, raw: Any) -> dict[str, str]:
        if isinstance(raw, dict):
            return raw
        return _decode_properties(raw)

    def properties_param(self, properties: dict[str, str]) -> str:
        return encode_json(properties).decode()


class Session(Statements):
    def __init__(
        self,
        cursor: Any,
        dialect: Dialect,
        *,
        write: bool = False,
        deferred: Sequence[Deferred] = (),
        clock: Clock | None = None,
        ids: SqliteIdBlock | None = None,
    ) -> None:
        self.cursor = cursor
        self.ids = ids
        self.dialect = dialect
        # What time it is for what this session writes: the database's clock, which the control plane may set.
        self.clock = clock or Clock()
        self.write = write
        self.deferred = deferred
        self.queries: dict[type, Any] = {}
        # What to do once the transaction has committed (and its lock is released): never on a rollback.
        self.after_commit: list[Callable[[], None]] = []

    def committed(self) -> None:
        """Runs the after-commit callbacks (the database's session, once its COMMIT succeeded)."""
        for callback in self.after_commit:
            callback()

    def reserve_ids(self, count: int) -> list[int]:
        """`count` new ids from the one sequence every stored object draws from."""
        if self.ids is not None:
            return self.ids.reserve(self.cursor, count)
        return self.dialect.reserve_ids(self.cursor, count)

    def settle_deferred(self) -> None:
        """Brings in every area's deferred work, for a write session about to read it. A read session has
        nothing to do: it settled when it began (`SqliteDatabase.session`), and its snapshot sees no later
        work."""
        if not self.write:
            return
        for pending, settle in self.deferred:
            if pending(self):
                settle(self)


class Queries(Statements):
    """An area's SQL over one session: built once per transaction (`of`), with the session's cursor,
    dialect and write flag as its own."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cursor = session.cursor
        self.dialect = session.dialect
        self.write = session.write

    @classmethod
    def of(cls, session: Session) -> Self:
        """This area's queries on the session, built on first use and kept for the session's life."""
        found = session.queries.get(cls)
        if found is None:
            found = session.queries[cls] = cls(session)
        return found


def placeholders(count: int) -> str:
    return ",".join("?" * count)


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
