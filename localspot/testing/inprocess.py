"""`LocalspotServer`: a real localspot server inside the test process, on a free port, in a thread of its own.

Built from the server's own pieces (`prepare`, `listen`, `build_app`) and `uvicorn.Server.serve` on an event
loop of the thread's own: nothing here touches the process's signal handlers, logging configuration, garbage
collector or event loop policy.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
import time
from pathlib import Path
from typing import Any

from localspot.config import Settings
from localspot.testing.admin import AdminClient, Portal

START_TIMEOUT_S = 30.0
POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def database_settings(database: str | os.PathLike[str] | None) -> dict[str, Any]:
    """`database=`: None (in memory), a PostgreSQL URL, or an SQLite file's path."""
    if database is None:
        return {"db_path": ":memory:"}
    text = os.fspath(database)
    if text.startswith(POSTGRES_SCHEMES):
        return {"database_url": text}
    return {"db_path": text}


class LocalspotServer:
    """`with LocalspotServer() as server:` serves at `server.url` until the block ends.

    `database`: None keeps everything in memory (gone at stop), a path keeps an SQLite file, a
    `postgresql://` URL uses that database. `token` is the default portal's token (one is made when not
    given); `admin_token` guards the admin API as `--admin-token` does. `settings` are any other
    `localspot.config.Settings` fields.
    """

    def __init__(
        self,
        database: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        admin_token: str | None = None,
        portal_id: int = 1,
        **settings: Any,
    ) -> None:
        self.settings = Settings(
            host=host,
            port=port,
            token=token,
            admin_token=admin_token,
            portal_id=portal_id,
            quiet=True,
            **database_settings(database),
            **settings,
        )
        self.url = ""
        self.port = 0
        self.token = ""
        self._admin: AdminClient | None = None
        self._uvicorn: Any = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._services: Any = None
        self._socket: Any = None

    # --- life --------------------------------------------------------------------------------------

    def start(self) -> LocalspotServer:
        if self._thread is not None:
            raise RuntimeError("this LocalspotServer is already running")
        import uvicorn

        from localspot.http_protocol import GuardedHttpProtocol
        from localspot.kernel.portals.auth import new_token
        from localspot.server import build_app, listen, url_of

        settings = self.settings
        token = settings.token or new_token()
        services = self._services_for(settings, token)
        try:
            sock = listen(settings.host, settings.port)
        except BaseException:
            services.database.close()
            raise
        self._services, self._socket = services, sock
        self.port = sock.getsockname()[1]
        self.url = url_of(settings.host, self.port)
        self.token = token
        config = uvicorn.Config(
            build_app(services, settings),
            host=settings.host,
            port=self.port,
            log_config=None,  # the test process's logging stays as it is
            log_level="error",
            access_log=False,
            lifespan="off",
            http=functools.partial(GuardedHttpProtocol, limits=settings.connection_limits()),
            timeout_keep_alive=settings.keep_alive_timeout_s,
            timeout_graceful_shutdown=5,
        )
        self._uvicorn = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"localspot:{self.port}", daemon=True)
        self._thread.start()
        self._wait_started()
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._admin is not None:
            self._admin.close()  # its keep-alive connection would hold the shutdown up
            self._admin = None
        self._uvicorn.should_exit = True
        self._thread.join(timeout=15)
        self._thread = None
        self._socket.close()
        self._services.database.close()

    def __enter__(self) -> LocalspotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- use -----------------------------------------------------------------------------------------

    @property
    def admin(self) -> AdminClient:
        """A client of this server's admin API."""
        if not self.url:
            raise RuntimeError("start the LocalspotServer first")
        if self._admin is None:
            self._admin = AdminClient(self.url, self.settings.admin_token)
        return self._admin

    def new_portal(self, scopes: list[str] | None = None, *, name: str | None = None) -> Portal:
        """A new, empty portal and a token for it (every scope unless `scopes` names some)."""
        return Portal.create(self.admin, scopes=scopes, name=name)

    @property
    def database_path(self) -> Path | None:
        path = self.settings.db_path
        return None if self.settings.database_url or path == ":memory:" else Path(path)

    def __repr__(self) -> str:
        return f"LocalspotServer(url={self.url!r})"

    @staticmethod
    def _services_for(settings: Settings, token: str) -> Any:
        """The server's services, as `localspot serve` prepares them; an in-memory database is copied from
        the migrated template (schema_template) rather than migrated, a third of a second sooner."""
        from localspot.server import prepare

        if settings.database_url is None and settings.db_path == ":memory:":
            from localspot.app import Services
            from localspot.testing.schema_template import open_memory_database

            services = Services(open_memory_database())
            services.auth.register(token, settings.portal_id, None)
            return services
        return prepare(Settings(**{**settings.as_dict(), "token": token}))[0]

    # --- the thread ----------------------------------------------------------------------------------

    def _run(self) -> None:
        loop = _new_event_loop()
        try:
            loop.run_until_complete(self._uvicorn.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported to start() or kept for stop()
            self._failure = exc
        finally:
            loop.close()

    def _wait_started(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._uvicorn.started:
            if self._failure is not None or not self._thread.is_alive():
                failure = self._failure
                self.stop()
                raise RuntimeError(f"localspot did not start: {failure!r}") from failure
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"localspot did not start within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.0005)


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (as `localspot serve` uses), asyncio's elsewhere; never a policy."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
