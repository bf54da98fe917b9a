"""In-memory databases for in-process servers, copied from a migrated template instead of migrated anew.

Migrating a new database imports Alembic and SQLAlchemy and runs every migration: about half a second, most
of an in-process server's start. The template is migrated once per machine (per set of migrations), kept in
the temporary directory, and each in-memory database is a copy of it (SQLite's backup API, a millisecond).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from localspot import __version__
from localspot.kernel.storage import Database, open_database
from localspot.kernel.storage.migrate import MIGRATIONS
from localspot.startup import open_migrated

TEMPLATE_DIR_ENV = "LOCALSPOT_TEMPLATE_DIR"


def template_path(directory: Path | None = None) -> Path:
    """Where the template for this localspot and these migrations lives (named by a digest of them)."""
    digest = hashlib.sha256(__version__.encode())
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    base = directory or Path(os.environ.get(TEMPLATE_DIR_ENV) or Path(tempfile.gettempdir()) / "localspot-schema")
    return base / f"schema-{digest.hexdigest()[:16]}.db"


def ensure_template(path: Path) -> Path:
    """The template, migrated now if it is not there yet; written whole or not at all (a rename), so
    processes starting at once never read half of one."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.with_name(f".{path.name}.{os.getpid()}.work")
    copy = path.with_name(f".{path.name}.{os.getpid()}.copy")
    try:
        migrated = open_migrated(None, str(work))
        try:
            with contextlib.closing(sqlite3.connect(copy)) as target:
                migrated.backup_to(target)  # type: ignore[attr-defined]
                target.execute("PRAGMA journal_mode=DELETE")  # one file, no WAL beside it to read
        finally:
            migrated.close()
        copy.replace(path)
    finally:
        for leftover in path.parent.glob(f".{path.name}.{os.getpid()}.*"):
            leftover.unlink(missing_ok=True)
    return path


def open_memory_database(template_dir: Path | None = None) -> Database:
    """A new in-memory database holding the current schema, as a migration would have left it."""
    database = open_database(None, ":memory:")
    try:
        template = ensure_template(template_path(template_dir))
        with contextlib.closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source:
            # Current by construction: the template's name is the digest of these very migrations.
            source.backup(database.raw_connection)  # type: ignore[attr-defined]
    except BaseException:
        database.close()
        raise
    return database
