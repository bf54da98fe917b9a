"""Checks before a command opens or writes its database: every way the command line can name a database
that cannot be used ends here with one clear sentence (`Refused`), which the CLI prints with exit status 2,
and nothing has been written to that database.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from localspot.kernel.storage import Database, DatabaseUnavailable, open_database
from localspot.kernel.storage.database import in_memory, is_postgres_url, sqlite_path
from localspot.kernel.storage.migrate import applied_revisions, known_revisions, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_CONNECT_TIMEOUT_S = 5


class Refused(Exception):
    """A command cannot run as asked; the message is one line for the user."""


def open_migrated(database_url: str | None, db_path: str, *, must_exist: bool = False, **options: Any) -> Database:
    """The database the options name, checked before it is opened and after (its schema's revision), with
    the migrations applied; `options` go to `open_database`."""
    check_target(database_url, db_path, must_exist=must_exist)
    where = describe(database_url, db_path)
    try:
        database = open_database(database_url, db_path, **options)
    except (sqlite3.Error, DatabaseUnavailable) as exc:
        raise Refused(f"cannot open the database {where}: {exc}") from None
    try:
        check_schema(database, where)
        upgrade(database)
    except (sqlite3.Error, DatabaseUnavailable) as exc:
        database.close()
        raise Refused(f"cannot use the database {where}: {exc}") from None
    except BaseException:
        database.close()
        raise
    return database


def check_target(database_url: str | None, db_path: str, *, must_exist: bool) -> None:
    """Refuses a database that cannot be opened as asked, before anything opens it. `must_exist`: the
    command works on an existing database (token create, owner create) and must not create an empty one."""
    try:
        path = sqlite_path(database_url, db_path)
    except ValueError as exc:
        raise Refused(f"{exc} (use postgresql://... or sqlite:///path)") from None
    if path is None:
        _check_postgres(database_url or "")
    elif not in_memory(path):
        _check_sqlite_file(Path(path), must_exist=must_exist)


def check_schema(database: Database, where: str) -> None:
    """Refuses a database a newer localspot has migrated: this one cannot know its tables."""
    applied = applied_revisions(database) or frozenset()
    unknown = sorted(applied - known_revisions())
    if unknown:
        from localspot import __version__

        raise Refused(
            f"the database {where} was written by a newer localspot (schema revision {', '.join(unknown)}); "
            f"this is localspot {__version__}: upgrade localspot to use it"
        )


def describe(database_url: str | None, db_path: str) -> str:
    """How messages name a database: the file, or the URL without its password."""
    if database_url and is_postgres_url(database_url):
        return _without_password(database_url)
    return database_url or db_path


def _check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    if path.is_dir():
        raise Refused(f"--db {path} is a directory; give the path of a database file inside it")
    if not path.parent.is_dir():
        raise Refused(f"the directory {path.parent} does not exist (for --db {path}); create it first")
    if not path.exists():
        if must_exist:
            raise Refused(
                f"there is no database at {path}: give the --db (or --database-url) your server uses; "
                "`localspot serve` or `localspot db upgrade` creates one"
            )
        if not os.access(path.parent, os.W_OK):
            raise Refused(f"cannot create the database {path}: the directory {path.parent} is not writable")
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise Refused(f"cannot open the database {path}: permission denied (it must be readable and writable)")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise Refused(f"cannot read the database {path}: {exc.strerror or exc}") from None
    if header and header != SQLITE_HEADER:
        raise Refused(f"{path} is not a localspot database (not an SQLite file); give another --db")


def _check_postgres(url: str) -> None:
    try:
        import psycopg
        import psycopg_pool  # noqa: F401 - the server's pool; missing alone is the same missing extra
    except ImportError:
        raise Refused(
            "PostgreSQL support is not installed: pip install 'localspot[postgres]' (or use an SQLite --db)"
        ) from None
    try:
        with psycopg.connect(url, connect_timeout=POSTGRES_CONNECT_TIMEOUT_S, autocommit=True):
            pass
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise Refused(f"cannot reach PostgreSQL at {_without_password(url)}: {reason}") from None


def _without_password(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)
