"""Connections and transactions for the two backends.

SQLite: one connection per process, used on the event-loop thread (calls are short and local, so a thread
hop would cost more than it saves); writers queue for their turn (`WriterQueue`, across processes), then
take the lock up front with BEGIN IMMEDIATE.
PostgreSQL: a psycopg connection pool; calls run in worker threads so a slow query never blocks the loop.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from localspot.kernel import errors
from localspot.kernel.clock import Clock
from localspot.kernel.storage.checkpointer import Checkpointer
from localspot.kernel.storage.dialects import Dialect, PostgresDialect, SqliteDialect, SqliteIdBlock
from localspot.kernel.storage.errors import DatabaseUnavailable, StorageFull, UniqueViolation
from localspot.kernel.storage.session import Deferred, Session
from localspot.kernel.storage.writer_queue import WriterQueue

# Connections per server process: size so that processes x pool size stays below the server's
# max_connections (docs/scaling.md, "Connection budget").
DURABILITIES = ("normal", "full")
DEFAULT_POOL_SIZE = 10
# A statement running longer than this is cancelled and the request answered 503.
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000
# A PostgreSQL transaction still open this many statement timeouts after it began has its connection cut
# (`_Deadlines`): what bounds a request when the database cannot even be told to cancel.
TRANSACTION_BOUND_STATEMENTS = 2


class Database:
    """What the areas register on it is configuration of this one database, made explicitly when the server
    is assembled: work they defer past a write (`defer`) and SQL functions they call (`add_function`)."""

    dialect: Dialect

    def __init__(self) -> None:
        # The time every area stores and compares, shared by the processes over this database.
        self.clock = Clock()
        self._deferred: dict[str, Deferred] = {}
        self.deferred: tuple[Deferred, ...] = ()

    def defer(self, name: str, pending: Callable[[Session], bool], settle: Callable[[Session], None]) -> None:
        """Work an area defers past its writes: every read session first settles it (`settle` in a write
        transaction, when `pending`), and write sessions settle it on `Session.settle_deferred`."""
        self._deferred[name] = (pending, settle)
        self.deferred = tuple(self._deferred.values())

    def add_function(self, name: str, arity: int, function: Callable[..., Any]) -> None:
        """An SQL function an area's queries call, where the backend has no SQL for it (SQLite)."""

    def session(
        self, *, write: bool, catch_up: bool = False, settle: bool = True
    ) -> contextlib.AbstractContextManager[Session]:
        """A transaction. `catch_up`: a write session whose writes only bring derived data up to date for
        what it then reads (SQLite's lazy search keys); when the disk is too full to keep them, they are
        rolled back and the answer it read still stands. `settle=False`: a read of tables no deferred work
        touches (tokens, the control plane's settings), which must not settle it: it runs before the caller
        is authenticated, and nothing is written for a caller who is refused."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    dialect = SqliteDialect()

    def __init__(self, path: str, *, durability: str = "normal") -> None:
        super().__init__()
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
            # NORMAL: a commit is in the WAL, which kill -9 cannot lose, but reaches the disk at the next
            # checkpoint, so a power cut may lose the last writes; FULL syncs the WAL before a commit returns.
            f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}",
            "PRAGMA busy_timeout=10000",
            "PRAGMA cache_size=-32000",
            "PRAGMA temp_store=MEMORY",
            # Checkpoints (the only fsyncs in WAL mode with synchronous=NORMAL) run on a background thread;
            # a commit checkpoints inline only if that thread falls this many pages behind.
            f"PRAGMA wal_autocheckpoint={_INLINE_CHECKPOINT_PAGES}",
        ):
            self._conn.execute(pragma)
        memory = in_memory(path)
        self._writer_queue = None if memory else WriterQueue(path)
        self._checkpointer = None if memory else Checkpointer(path, self._lock, self._writer_queue)
        self._ids = SqliteIdBlock()  # this connection's ids, under self._lock

    def add_function(self, name: str, arity: int, function: Callable[..., Any]) -> None:
        self._conn.create_function(name, arity, function, deterministic=True)

    def backup_to(self, target: sqlite3.Connection) -> None:
        """A consistent copy of the database into `target` (SQLite's online backup), between transactions."""
        with self._lock:
            self._conn.backup(target)

    @property
    def raw_connection(self) -> sqlite3.Connection:
        return self._conn

    @contextlib.contextmanager
    def session(self, *, write: bool, catch_up: bool = False, settle: bool = True) -> Iterator[Session]:
        with self._lock:
            cursor = self._conn.cursor()
            queue = self._writer_queue
            queued = write and queue is not None
            if queued:
                queue.take()  # type: ignore[union-attr]
            committed = False
            try:
                cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                deferred = self.deferred
                session = Session(cursor, self.dialect, write=write, deferred=deferred, clock=self.clock, ids=self._ids)
                if not write and settle and self._any_pending(session, deferred):
                    # Deferred work (new associations: crm/associations/queries) is settled before anything
                    # reads: this read runs as a write transaction that settles it first. Checked inside the
                    # read's own snapshot, so it sees all the work committed before it began.
                    self._conn.rollback()
                    if queue is not None:
                        queue.take()
                        queued = True
                    cursor.execute("BEGIN IMMEDIATE")
                    catch_up = self._settle_for_reading(cursor, deferred)
                yield session
                try:
                    self._conn.commit()
                    committed = True
                except sqlite3.OperationalError as exc:
                    if not (catch_up and _is_full(exc)):
                        raise
                    # The disk is full. What this transaction wrote only served its read, whose answer was
                    # read from the settled rows and stands; the next write (once there is room) settles
                    # them again.
                    self._conn.rollback()
            except sqlite3.Error as exc:
                self._conn.rollback()
                translated = _store_error(exc)
                if translated is exc:
                    raise
                raise translated from exc
            except BaseException:
                self._conn.rollback()
                raise
            finally:
                self._ids.ended(committed)
                cursor.close()
                if queued:
                    queue.give_back()  # type: ignore[union-attr]
        if committed:
            session.committed()

    def _settle_for_reading(self, cursor: sqlite3.Cursor, deferred: Sequence[Deferred]) -> bool:
        """Settles the deferred work in the write transaction a read has just begun; returns whether it did.
        Settling is held in the page cache until commit, so it fails for lack of disk only when it outgrows
        the cache: then the read runs in a snapshot of its own without it, and misses just the rows still
        pending (docs/decisions.md, "Storage")."""
        try:
            Session(
                cursor, self.dialect, write=True, deferred=deferred, clock=self.clock, ids=self._ids
            ).settle_deferred()
            return True
        except sqlite3.OperationalError as exc:
            if not _is_full(exc):
                raise
            self._conn.rollback()
            cursor.execute("BEGIN")
            return False

    @staticmethod
    def _any_pending(session: Session, deferred: Sequence[Deferred]) -> bool:
        try:
            return any(pending(session) for pending, _ in deferred)
        except sqlite3.OperationalError:
            return False  # not migrated yet: no table, nothing pending

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        if self._writer_queue is not None:
            self._writer_queue.close()
        self._conn.close()


def _primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (an extended code carries more detail in its high bits); None for
    errors the sqlite3 module raises itself."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_full(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) == sqlite3.SQLITE_FULL


def _store_error(exc: sqlite3.Error) -> Exception:
    """The backend-neutral error for an SQLite failure the areas and the web layer know how to answer, or the
    failure itself."""
    if isinstance(exc, sqlite3.IntegrityError):
        return UniqueViolation(str(exc))
    if _is_full(exc):
        return StorageFull(str(exc))
    if _primary_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseUnavailable(str(exc))
    return exc


_INLINE_CHECKPOINT_PAGES = 16_384  # 64 MB of 4 KB pages


class PostgresDatabase(Database):
    """A pool of autocommit connections; each session is an explicit BEGIN … COMMIT on one of them.

    Isolation is PostgreSQL's default READ COMMITTED: every statement sees every write committed before it
    started, whichever process or machine made it. Read-modify-write paths lock their rows (FOR UPDATE).
    Any failure to reach the database (refused, dropped mid-transaction, admin shutdown, statement timeout,
    no working connection in time) surfaces as DatabaseUnavailable, after rolling back, so nothing is
    half-written. A wait for a connection that times out while every connection is open and lent out is load,
    not an outage: it is answered as HubSpot's 503 saying the server is busy (`errors.database_unavailable(busy=True)`).

    Every session is bounded in time, even when the database cannot answer at all (a silent network
    partition: packets dropped, no reset): the server's statement_timeout cancels a slow statement, the
    kernel's tcp_user_timeout drops a connection whose sent data goes unacknowledged, and `_Deadlines` cuts
    the connection of a transaction still open TRANSACTION_BOUND_STATEMENTS statement timeouts after it
    began, for what neither notices (a peer that acknowledges and never answers).
    """

    dialect = PostgresDialect()

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS,
        pool_timeout: float = 10.0,
        role: str = "localspot",
    ) -> None:
        """`role` names this process's connections (`<role>-<pid>` in `pg_stat_activity`)."""
        import msgspec
        import psycopg

        super().__init__()
        from psycopg.types.json import set_json_loads
        from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

        set_json_loads(msgspec.json.decode)
        self.url = url
        self.pool_size = pool_size
        bound_ms = TRANSACTION_BOUND_STATEMENTS * statement_timeout_ms
        self._deadlines = _Deadlines(bound_ms / 1000)
        self._pool_timeout = pool_timeout
        self._pool_timeout_error = PoolTimeout
        self._integrity_error = psycopg.errors.UniqueViolation
        self._disk_full = psycopg.errors.DiskFull
        self._unavailable: tuple[type[BaseException], ...] = (
            psycopg.OperationalError,  # refused, dropped, AdminShutdown, QueryCanceled (statement timeout)
            psycopg.InterfaceError,  # the connection was already closed
            psycopg.errors.ReadOnlySqlTransaction,  # a failover left us on a standby
            psycopg.errors.IdleInTransactionSessionTimeout,
            PoolTimeout,
            PoolClosed,
        )
        # After a failure, callers wait for a connection only briefly: while the database is down they get
        # a quick 503 instead of hanging, and each wait still lets the pool try to reconnect.
        self._suspect = False
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=True,
            timeout=pool_timeout,
            # A failed reconnection is retried with backoff (1 s, 2 s, …) for this long, then the next waiting
            # request starts a fresh attempt: recovery after an outage takes at most a couple of seconds.
            reconnect_timeout=3.0,
            kwargs={
                "autocommit": True,
                "connect_timeout": max(2, min(5, bound_ms // 1000)),
                # Sent data unacknowledged this long (the network is gone): the connection fails.
                "tcp_user_timeout": bound_ms,
                "application_name": f"{role}-{os.getpid()}",
                "options": f"-c statement_timeout={statement_timeout_ms} "
                f"-c idle_in_transaction_session_timeout={max(statement_timeout_ms, 60_000)}",
                # Notice a peer that vanished without closing the socket (host down, network cut).
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )

    @contextlib.contextmanager
    def session(self, *, write: bool, catch_up: bool = False, settle: bool = True) -> Iterator[Session]:
        deadline = time.monotonic() + self._deadlines.bound_s
        conn = self._begin(deadline)
        try:
            with conn.cursor() as cursor:
                session = Session(cursor, self.dialect, write=write, deferred=self.deferred, clock=self.clock)
                yield session
            conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback(conn)
            if isinstance(exc, self._integrity_error):
                raise UniqueViolation(str(exc)) from exc
            if isinstance(exc, self._disk_full):
                raise StorageFull(str(exc)) from exc
            if isinstance(exc, self._unavailable):
                self._suspect = True
                raise DatabaseUnavailable(str(exc)) from exc
            raise
        finally:
            self._deadlines.release(conn)
            self._pool.putconn(conn)
        session.committed()

    def _begin(self, deadline: float) -> Any:
        """A pooled connection with a transaction open, watched until `deadline`. BEGIN doubles as the
        liveness check: a connection the database dropped while it sat idle fails here, before anything was
        sent, so the next one is tried."""
        for _ in range(self.pool_size + 1):
            wait = min(1.0 if self._suspect else self._pool_timeout, deadline - time.monotonic())
            if wait <= 0:
                break
            try:
                conn = self._pool.getconn(wait)
            except self._pool_timeout_error as exc:
                if self._all_connections_in_use():
                    raise errors.database_unavailable(busy=True) from exc
                raise DatabaseUnavailable(str(exc)) from exc
            except self._unavailable as exc:
                raise DatabaseUnavailable(str(exc)) from exc
            self._deadlines.watch(conn, deadline)
            try:
                conn.execute("BEGIN")
            except self._unavailable:
                self._suspect = True
                self._deadlines.release(conn)
                self._pool.putconn(conn)  # the pool discards a broken connection and opens a replacement
                continue
            except BaseException:
                self._deadlines.release(conn)
                self._pool.putconn(conn)
                raise
            self._suspect = False
            return conn
        raise DatabaseUnavailable("no working database connection")

    def _all_connections_in_use(self) -> bool:
        """Whether a wait for a connection timed out because every one the pool may open is open and
        lent out (the server is busy), rather than because none could be opened (the database is down)."""
        stats = self._pool.get_stats()
        if self._suspect or stats["pool_size"] < stats["pool_max"] or stats["pool_available"] > 0:
            return False
        # Every connection lent out looks the same when their holders are stuck on a database that went away:
        # a new connection tells the two apart (rare: only when a wait for a connection timed out).
        return self._reachable()

    def _reachable(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=2, autocommit=True).close()
        except Exception:  # refused, timed out, or any other failure to open one: the database is down
            self._suspect = True
            return False
        return True

    def _rollback(self, conn: Any) -> None:
        if conn.closed or conn.broken:
            return
        with contextlib.suppress(*self._unavailable):
            conn.execute("ROLLBACK")

    def close(self) -> None:
        self._deadlines.close()
        self._pool.close()


class _Deadlines:
    """Cuts the connection of a transaction that outlived its deadline, from a thread of its own: the
    request's thread is stuck in a read that only the network could end. Shutting the socket down wakes
    that read (the driver sees the connection closed: DatabaseUnavailable, a 503), and the pool then
    discards the connection."""

    def __init__(self, bound_s: float) -> None:
        self.bound_s = bound_s
        self._watched: dict[int, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._interval_s = min(0.1, bound_s / 10)
        self._thread = threading.Thread(target=self._run, name="postgres-deadlines", daemon=True)
        self._thread.start()

    def watch(self, conn: Any, deadline: float) -> None:
        with self._lock:
            self._watched[id(conn)] = (deadline, conn)

    def release(self, conn: Any) -> None:
        with self._lock:
            self._watched.pop(id(conn), None)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            now = time.monotonic()
            with self._lock:
                expired = [key for key, (deadline, _) in self._watched.items() if deadline <= now]
                # Cut under the lock: a released connection is never cut after it went back to the pool.
                for key in expired:
                    _, conn = self._watched.pop(key)
                    _shut_down(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _shut_down(conn: Any) -> None:
    with contextlib.suppress(Exception):
        fd = conn.pgconn.socket
        # A duplicate of the descriptor: shutting it down ends the connection for every descriptor of the
        # socket, while the driver's own stays valid until the driver closes it.
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)


def is_postgres_url(database_url: str | None) -> bool:
    return database_url is not None and database_url.startswith(("postgresql://", "postgres://"))


def in_memory(path: str) -> bool:
    """Whether an SQLite path names an in-memory database, which lives inside one process."""
    return path == ":memory:" or "mode=memory" in path


def sqlite_path(database_url: str | None, db_path: str) -> str | None:
    """The SQLite file (or ":memory:") these options name; None when they name PostgreSQL."""
    if database_url is None:
        return db_path
    if is_postgres_url(database_url):
        return None
    if database_url.startswith("sqlite:///"):
        return database_url.removeprefix("sqlite:///")
    raise ValueError(f"Unsupported database URL: {database_url}")


def open_database(
    database_url: str | None,
    db_path: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS,
    durability: str = "normal",
    role: str = "localspot",
) -> Database:
    """`durability` is SQLite's: `full` syncs every commit to disk before it returns. PostgreSQL commits as
    its server's `synchronous_commit` says (on, by default: synced before the answer). `role` names the
    process's PostgreSQL connections (a server's `localspot-<pid>`, its webhook delivery process's
    `localspot-delivery-<pid>`)."""
    path = sqlite_path(database_url, db_path)
    if path is not None:
        return SqliteDatabase(path, durability=durability)
    assert database_url is not None
    return PostgresDatabase(database_url, pool_size=pool_size, statement_timeout_ms=statement_timeout_ms, role=role)
