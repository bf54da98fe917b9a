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

from localspot.config import Settings
from localspot.http.app import create_app
from localspot.service import Services
from localspot.service.auth import new_token
from localspot.store import Database, open_database
from localspot.store.migrate import upgrade

SETTINGS_ENV = "LOCALSPOT_WORKER_SETTINGS"


def open_services(settings: Settings) -> Services:
    return Services(open_database(settings.database_url, settings.db_path))


def prepare(settings: Settings) -> Database:
    """Migrations and the bootstrap token; runs once, before any worker starts."""
    database = open_database(settings.database_url, settings.db_path)
    upgrade(database)
    services = Services(database)
    if settings.token:
        services.auth.register(settings.token, settings.portal_id, None)
    elif not services.auth.has_tokens():
        token = new_token()
        services.auth.register(token, settings.portal_id, None)
        print(f"localspot: created an access token with every scope for portal {settings.portal_id}: {token}")
    return database


def app_from_environment() -> Starlette:
    """The worker processes' app factory: settings come from the parent through the environment."""
    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    app = create_app(open_services(settings), max_body_bytes=settings.max_body_bytes)
    gc.freeze()
    return app


def _exit_cleanly_on_signals() -> None:
    """uvicorn shuts down gracefully, then re-raises the signal it caught; these handlers turn that
    re-raised SIGTERM/SIGINT into a normal exit with status 0."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def serve(settings: Settings) -> None:
    _exit_cleanly_on_signals()
    database = prepare(settings)
    where = settings.database_url or settings.db_path
    print(f"localspot: serving on http://{settings.host}:{settings.port} ({where})", flush=True)
    common = dict(
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        http="httptools",
        loop="uvloop",
        timeout_graceful_shutdown=10,
    )
    if settings.workers > 1 or (settings.database_url is not None and settings.db_path == ":memory:"):
        database.close()
        os.environ[SETTINGS_ENV] = json.dumps(settings.as_dict())
        uvicorn.run("localspot.server:app_from_environment", factory=True, workers=settings.workers, **common)
        return
    app = create_app(Services(database), max_body_bytes=settings.max_body_bytes)
    # The ~70k objects that imports and startup leave behind live as long as the process: out of the
    # collector's sight, a full collection no longer stalls a request for tens of milliseconds.
    gc.freeze()
    try:
        uvicorn.run(app, **common)
    finally:
        database.close()
    sys.stdout.flush()
