"""How SQL differs between the two backends: placeholders, id reservation, JSON access, row locks."""

from __future__ import annotations

from functools import cache
from typing import Any


class Dialect:
    name: str
    runs_in_threads: bool
    json_decodes_rows: bool

    def sql(self, query: str) -> str:
        return query

    def reserve_ids(self, cursor: Any, count: int) -> list[int]:
        raise NotImplementedError

    def json_property(self, key_placeholder: str = "?") -> str:
        """SQL for the text of one property of a record, the key bound as a parameter."""
        raise NotImplementedError

    def lock_rows(self) -> str:
        """Suffix of a SELECT whose rows the transaction is about to rewrite from what it read."""
        return ""


class SqliteDialect(Dialect):
    name = "sqlite"
    runs_in_threads = False
    json_decodes_rows = False

    def reserve_ids(self, cursor: Any, count: int) -> list[int]:
        # The caller holds the write lock (BEGIN IMMEDIATE), so read-then-bump cannot race.
        cursor.execute("UPDATE id_counters SET value = value + ? WHERE name = 'records' RETURNING value", (count,))
        last = cursor.fetchone()[0]
        return list(range(last - count + 1, last + 1))

    def json_property(self, key_placeholder: str = "?") -> str:
        return f"json_extract(r.properties, '$.\"' || {key_placeholder} || '\"')"


class PostgresDialect(Dialect):
    name = "postgresql"
    runs_in_threads = True
    json_decodes_rows = True

    def sql(self, query: str) -> str:
        return _to_format_style(query)

    def reserve_ids(self, cursor: Any, count: int) -> list[int]:
        cursor.execute(_to_format_style("SELECT nextval('record_ids') FROM generate_series(1, ?)"), (count,))
        return [row[0] for row in cursor.fetchall()]

    def json_property(self, key_placeholder: str = "?") -> str:
        return f"(r.properties ->> {key_placeholder})"

    def lock_rows(self) -> str:
        # SQLite needs nothing: a writer holds the database lock from BEGIN IMMEDIATE.
        return " FOR UPDATE"


@cache
def _to_format_style(query: str) -> str:
    """`?` placeholders to psycopg's `%s`; statements never contain a literal `?` or `%`."""
    return query.replace("%", "%%").replace("?", "%s")


class SqliteIdBlock:
    """SQLite's ids drawn in blocks: one `UPDATE id_counters` reserves BLOCK ids for this connection, and the
    next write transactions take theirs from memory, without touching the counter's page.

    Ids stay unique and increasing in commit order across processes (the search keys' catch-up reads the
    records above the last id it indexed): the block is used only while no other connection has committed
    since it was reserved, which `PRAGMA data_version` tells (it changes exactly when another connection
    commits; the caller holds the write lock, so nobody commits while it reads). Otherwise, or once the block
    is spent, a new block is reserved above whatever anyone reserved. A reservation rolled back with its
    transaction is forgotten; a process that dies loses the rest of its block: a gap in the ids, never a
    duplicate."""

    BLOCK = 100

    def __init__(self) -> None:
        self._next = self._end = 0
        self._version: int | None = None  # data_version when the block was reserved; None: no block
        self._uncommitted = False  # the block was reserved in the transaction still open

    def reserve(self, cursor: Any, count: int) -> list[int]:
        version = cursor.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version or self._next + count - 1 > self._end:
            size = max(count, self.BLOCK)
            cursor.execute("UPDATE id_counters SET value = value + ? WHERE name = 'records' RETURNING value", (size,))
            self._end = cursor.fetchone()[0]
            self._next, self._version, self._uncommitted = self._end - size + 1, version, True
        first = self._next
        self._next += count
        return list(range(first, first + count))

    def ended(self, committed: bool) -> None:
        """The write transaction ended: a block it reserved holds only if it committed."""
        if self._uncommitted and not committed:
            self._version = None
        self._uncommitted = False
