"""Schema migrations, run with Alembic on start or by `localspot db upgrade`."""

from __future__ import annotations

from pathlib import Path

from localspot.store.database import Database, PostgresDatabase, SqliteDatabase

MIGRATIONS = Path(__file__).with_name("migrations")
# Any lock id works as long as every localspot process uses the same one.
_ADVISORY_LOCK_ID = 7_244_017


def upgrade(database: Database) -> None:
    """Brings the schema to the newest revision. Safe to call from several processes at once."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import StaticPool

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(database, SqliteDatabase):
        raw = database.raw_connection
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    elif isinstance(database, PostgresDatabase):
        engine = create_engine(_sqlalchemy_url(database.url), poolclass=StaticPool)
    else:
        raise TypeError(f"Cannot migrate {type(database).__name__}")
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Servers starting together must not both create the tables.
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_ID})"))
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    if engine.dialect.name != "sqlite":
        engine.dispose()


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
