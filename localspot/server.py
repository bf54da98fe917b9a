"""Starting the server: migrate, make sure a token exists, then serve with uvicorn (one process, or N
worker processes over the same database)."""

from __future__ import annotations

import gc
import json
import os
import signal
import sys

import uvicorn
from starlette.applications import Starlette

from localspot.app import Services, create_app
from localspot.config import Settings
from localspot.kernel.portals.auth import new_token
from localspot.kernel.storage import Database, open_database
from localspot.kernel.storage.database import sqlite_path
from localspot.kernel.storage.migrate import upgrade

SETTINGS_ENV = "LOCALSPOT_WORKER_SETTINGS"


def open_settings_database(settings: Settings) -> Database:
    return open_database(
        settings.database_url,
        settings.db_path,
        pool_size=settings.pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
    )


def prepare(settings: Settings) -> Services:
    """Migrations and the bootstrap token; runs once, before any worker starts."""
    database = open_settings_database(settings)
    upgrade(database)
    services = Services(database)
    if settings.token:
        services.auth.register(settings.token, settings.portal_id, None)
    elif not services.auth.has_tokens():
        token = new_token()
        services.auth.register(token, settings.portal_id, None)
        print(f"localspot: created an access token with every scope for portal {settings.portal_id}: {token}")
    return services


def app_from_environment() -> Starlette:
    """The worker processes' app factory: settings come from the parent through the environment, and each
    worker opens its own connections (pool_size per process)."""
    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    app = create_app(Services(open_settings_database(settings)), settings)
    _settle_the_collector()
    return app


# A 100-record batch allocates a few thousand containers (decoded inputs, rows, rendered results), all
# freed when its response is sent: with the default threshold of 700 every request paid several young
# collections that found nothing to collect (about 1.5% of a batch create's instructions).
YOUNG_COLLECTION_THRESHOLD = 10_000


def _settle_the_collector() -> None:
    # The ~70k objects that imports and startup leave behind live as long as the process: out of the
    # collector's sight, a full collection no longer stalls a request for tens of milliseconds.
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def multiprocess_refusal(settings: Settings) -> str | None:
    """Why these settings cannot run several worker processes, or None when they can."""
    if settings.workers == 1:
        return None
    path = sqlite_path(settings.database_url, settings.db_path)
    if path is not None and (path == ":memory:" or "mode=memory" in path):
        return (
            f"--workers {settings.workers} needs a database every process can open: PostgreSQL "
            "(--database-url postgresql://...) or an SQLite file (--db ./localspot.db). An in-memory SQLite "
            "database (:memory:) lives inside one process; use --workers 1 with it."
        )
    return None


def _exit_cleanly_on_signals() -> None:
    """uvicorn shuts down gracefully, then re-raises the signal it caught; these handlers turn that
    re-raised SIGTERM/SIGINT into a normal exit with status 0."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def serve(settings: Settings) -> int:
    refusal = multiprocess_refusal(settings)
    if refusal:
        print(f"localspot: {refusal}", file=sys.stderr)
        return 2
    _exit_cleanly_on_signals()
    services = prepare(settings)
    where = settings.database_url or settings.db_path
    processes = f", {settings.workers} processes" if settings.workers > 1 else ""
    print(f"localspot: serving on http://{settings.host}:{settings.port} ({where}{processes})", flush=True)
    common = dict(
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        http="httptools",
        loop="uvloop",
        timeout_graceful_shutdown=10,
    )
    if settings.workers > 1:
        # Every worker opens the database itself; nothing opened here may leak into the children.
        services.database.close()
        os.environ[SETTINGS_ENV] = json.dumps(settings.as_dict())
        uvicorn.run("localspot.server:app_from_environment", factory=True, workers=settings.workers, **common)
        return 0
    app = create_app(services, settings)
    _settle_the_collector()
    try:
        uvicorn.run(app, **common)
    finally:
        services.database.close()
        sys.stdout.flush()
    return 0
