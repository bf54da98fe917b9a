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
