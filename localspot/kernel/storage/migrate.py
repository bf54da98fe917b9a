"""Schema migrations, run with Alembic on start or by `localspot db upgrade`."""

from __future__ import annotations

import ast
from pathlib import Path

from localspot.kernel.storage.database import Database, PostgresDatabase, SqliteDatabase

MIGRATIONS = Path(__file__).with_name("migrations")
# Any lock id works as long as every localspot process uses the same one.
_ADVISORY_LOCK_ID = 7_244_017


def upgrade(database: Database, revision: str = "heads") -> None:
    """Brings the schema to the newest revision (or to `revision`), all or nothing: every step of the
    upgrade runs in one transaction, so a process killed or a migration failing part-way leaves the
    revision it started from. Safe to call from several processes at once."""
    if revision == "heads" and applied_revisions(database) == head_revisions():
        return  # already current: skip importing Alembic and SQLAlchemy (most of a restart's cold start)
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.pool import StaticPool

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(database, SqliteDatabase):
        raw = database.raw_connection
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        # The connection is opened with isolation_level=None, on which pysqlite never begins a transaction
        # itself: without an explicit BEGIN each DDL statement would commit alone, and a kill mid-upgrade
        # would leave half a schema that no later start can migrate. IMMEDIATE takes the write lock before
        # Alembic reads alembic_version, so a second process upgrading at once waits, then finds it current.
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    elif isinstance(database, PostgresDatabase):
        engine = create_engine(_sqlalchemy_url(database.url), poolclass=StaticPool)
    else:
        raise TypeError(f"Cannot migrate {type(database).__name__}")
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Servers starting together must not both create the tables.
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_ID})"))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if engine.dialect.name != "sqlite":
        engine.dispose()


def head_revisions() -> frozenset[str]:
    """The revisions no other revision builds on, read from the versions folder without Alembic."""
    revisions, parents = _revision_graph()
    return frozenset(revisions - parents)


def known_revisions() -> frozenset[str]:
    """Every revision this localspot has: a database at any other was written by a newer one."""
    return frozenset(_revision_graph()[0])


def _revision_graph() -> tuple[set[str], set[str]]:
    """Each migration's revision, and the revisions others build on."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        assignments = {
            node.targets[0].id: node.value
            for node in ast.parse(script.read_text()).body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        }
        if "revision" not in assignments:
            continue
        revisions.add(ast.literal_eval(assignments["revision"]))
        down = ast.literal_eval(assignments["down_revision"]) if "down_revision" in assignments else None
        parents.update([down] if isinstance(down, str) else down or ())
    return revisions, parents


def applied_revisions(database: Database) -> frozenset[str] | None:
    """What alembic_version records, or None before the first migration."""
    try:
        with database.session(write=False) as session:
            return frozenset(row[0] for row in session.fetchall("SELECT version_num FROM alembic_version"))
    except Exception:  # no alembic_version table yet (the error type differs per driver)
        return None


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
