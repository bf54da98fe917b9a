"""Connections and transactions for the two backends.

SQLite: one connection per process, used on the event-loop thread (calls are short and local, so a thread
hop would cost more than it saves); writers take the lock up front with BEGIN IMMEDIATE.
PostgreSQL: a psycopg connection pool; calls run in worker threads so a slow query never blocks the loop.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any

from localspot.store.errors import DatabaseUnavailable, UniqueViolation
from localspot.store.session import Session


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


@cache
def _to_format_style(query: str) -> str:
    """`?` placeholders to psycopg's `%s`; statements never contain a literal `?` or `%`."""
    return query.replace("%", "%%").replace("?", "%s")


class Database:
    dialect: Dialect

    def session(self, *, write: bool) -> contextlib.AbstractContextManager[Session]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    dialect = SqliteDialect()

    def __init__(self, path: str) -> None:
        self.path = path
        if path == ":memory:":
            # A named shared-cache memory database, so migrations and the server see the same data.
            target, uri = f"file:localspot-{id(self)}?mode=memory&cache=shared", True
        else:
            target, uri = path, False
        self._conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA busy_timeout=10000",
            "PRAGMA cache_size=-32000",
            "PRAGMA temp_store=MEMORY",
            # Checkpoints (the only fsyncs in WAL mode with synchronous=NORMAL) run on a background thread;
            # a commit checkpoints inline only if that thread falls this many pages behind.
            f"PRAGMA wal_autocheckpoint={_INLINE_CHECKPOINT_PAGES}",
        ):
            self._conn.execute(pragma)
        self._checkpointer = None if path == ":memory:" else _Checkpointer(path, self._lock)

    @property
    def raw_connection(self) -> sqlite3.Connection:
        return self._conn

    @contextlib.contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        with self._lock:
            cursor = self._conn.cursor()
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Session(cursor, self.dialect)
            except sqlite3.IntegrityError as exc:
                self._conn.rollback()
                raise UniqueViolation(str(exc)) from exc
            except sqlite3.OperationalError as exc:
                self._conn.rollback()
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseUnavailable(str(exc)) from exc
                raise
            except BaseException:
                self._conn.rollback()
                raise
            else:
                self._conn.commit()
            finally:
                cursor.close()

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        self._conn.close()


_INLINE_CHECKPOINT_PAGES = 16_384  # 64 MB of 4 KB pages


class _Checkpointer:
    """Copies committed WAL pages into the database file from its own thread and connection, so the
    event loop rarely waits on a checkpoint's fsync.

    PASSIVE checkpoints run beside the writer and copy most pages. But the WAL only starts over once a
    checkpoint has copied every frame with no commit in between, which never happens under steady load;
    so once the WAL holds RESET_FRAMES, one checkpoint runs holding this process's write lock (a short
    pause: most pages were already copied) and the next write restarts the WAL from its beginning.
    """

    INTERVAL_S = 0.1
    RESET_FRAMES = 4096  # 16 MB of 4 KB pages

    def __init__(self, path: str, writers: threading.RLock) -> None:
        self._path = path
        self._writers = writers
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            # Short: the RESTART below holds this process's write lock while it waits for other
            # processes' readers; past this it proceeds as a PASSIVE checkpoint instead of waiting on.
            conn.execute("PRAGMA busy_timeout=100")
            while not self._stop.wait(self.INTERVAL_S):
                try:
                    _, wal_frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if wal_frames >= self.RESET_FRAMES:
                        with self._writers:
                            conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                except sqlite3.Error:
                    continue  # busy or locked: the next round tries again
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


class PostgresDatabase(Database):
    dialect = PostgresDialect()

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        import msgspec
        import psycopg
        from psycopg.types.json import set_json_loads
        from psycopg_pool import ConnectionPool

        set_json_loads(msgspec.json.decode)
        self._psycopg = psycopg
        self.url = url
        self._pool = ConnectionPool(
            url, min_size=min_size, max_size=max_size, open=True, timeout=10, check=ConnectionPool.check_connection
        )

    @contextlib.contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        psycopg = self._psycopg
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
                yield Session(cursor, self.dialect)
        except psycopg.errors.UniqueViolation as exc:
            raise UniqueViolation(str(exc)) from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        except self._pool_timeout() as exc:
            raise DatabaseUnavailable(str(exc)) from exc

    def _pool_timeout(self) -> type[Exception]:
        from psycopg_pool import PoolTimeout

        return PoolTimeout

    def close(self) -> None:
        self._pool.close()


def open_database(database_url: str | None, db_path: str) -> Database:
    if database_url and database_url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(database_url)
    if database_url and database_url.startswith("sqlite:///"):
        return SqliteDatabase(database_url.removeprefix("sqlite:///"))
    if database_url:
        raise ValueError(f"Unsupported database URL: {database_url}")
    return SqliteDatabase(db_path)
