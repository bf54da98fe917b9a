"""Starting the server: check and migrate the database, make sure a token exists, bind the port, print the
banner, then serve with uvicorn (one process, or N worker processes sharing the socket bound here)."""

from __future__ import annotations

import functools
import gc
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from localspot import __version__, commands
from localspot.access_log import AccessLog
from localspot.app import Services, create_app
from localspot.config import Settings
from localspot.control.access import AdminAccess
from localspot.control.rate_limits import RateLimits, RateLimitSetting
from localspot.control.state import ControlState
from localspot.http_protocol import GuardedHttpProtocol
from localspot.kernel.portals.auth import new_token
from localspot.kernel.storage import Database, open_database
from localspot.kernel.storage.database import in_memory, sqlite_path
from localspot.startup import Refused, describe, open_migrated

SETTINGS_ENV = "LOCALSPOT_WORKER_SETTINGS"
# Descriptors kept free below the open-file limit for what is not a client connection: the database and its
# WAL, log files, PostgreSQL connections, the listening socket.
RESERVED_DESCRIPTORS = 64


def open_settings_database(settings: Settings) -> Database:
    return open_database(settings.database_url, settings.db_path, **settings.database_options())


def prepare(settings: Settings) -> tuple[Services, str | None]:
    """Checks, migrations and the bootstrap token; runs once, before any worker starts. Returns the services
    and the default portal's token when this start knows it (given, or created now)."""
    database = open_migrated(settings.database_url, settings.db_path, **settings.database_options())
    services = Services(database)
    token: str | None = None
    if settings.token:
        services.auth.register(settings.token, settings.portal_id, None)
        token = settings.token
    elif not services.auth.has_tokens():
        token = new_token()
        services.auth.register(token, settings.portal_id, None)
    if settings.rate_limits is not None:
        limits = RateLimits(database, ControlState(database))
        limits.put(settings.portal_id, RateLimitSetting(tier=settings.rate_limits))
    return services, token


def build_app(services: Services, settings: Settings) -> Any:
    app = create_app(services, settings)
    return app if settings.quiet else AccessLog(app, log_format=settings.log_format)  # type: ignore[arg-type]


def app_from_environment() -> Any:
    """The worker processes' app factory: settings come from the parent through the environment, and each
    worker opens its own connections (pool_size per process)."""
    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    app = build_app(Services(open_settings_database(settings)), settings)
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
    if path is not None and in_memory(path):
        return (
            f"--workers {settings.workers} needs a database every process can open: PostgreSQL "
            "(--database-url postgresql://...) or an SQLite file (--db ./localspot.db). An in-memory SQLite "
            "database (:memory:) lives inside one process; use --workers 1 with it."
        )
    return None


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here (not by uvicorn) so that port 0 is resolved before the banner and the
    port file, and so that every worker process accepts on this one socket."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listening at once: a client that read the port file queues in the backlog until uvicorn accepts.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise Refused(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(settings: Settings, url: str, token: str | None) -> str:
    processes = f", {settings.workers} processes" if settings.workers > 1 else ""
    shown = token or "(the one given at an earlier start; `localspot token create --scopes '*'` makes another)"
    return (
        f"localspot {__version__} serving {url} ({describe(settings.database_url, settings.db_path)}{processes})\n"
        f"  portal  {settings.portal_id}\n"
        f"  token   {shown}\n"
        f"  admin   {_admin_line(settings, url)}\n"
    )


def _admin_line(settings: Settings, url: str) -> str:
    if settings.admin_token:
        return f"{url}/_localspot/ (needs the admin token)"
    if AdminAccess(None, settings.host).served:
        return f"{url}/_localspot/"
    return "off: not a loopback address and no --admin-token given"


def connection_cap(requested: int) -> int:
    """`--max-connections`, kept below the open-file limit: past it, accept() fails and no client gets in,
    not even to replace an idle one. The soft limit is raised to the hard one first, where there is one."""
    try:
        import resource
    except ImportError:  # not POSIX: no descriptor limit to read
        return requested
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            pass
    if soft == resource.RLIM_INFINITY:
        return requested
    return max(1, min(requested, soft - RESERVED_DESCRIPTORS))


def write_port_file(path: str, port: int) -> None:
    """Written whole or not at all (a rename), so a script polling for it never reads half a number."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_text(f"{port}\n")
    partial.replace(target)


def _check_port_file(path: str | None) -> None:
    if path is not None and not Path(path).parent.is_dir():
        raise Refused(f"the directory {Path(path).parent} does not exist (for --port-file {path}); create it first")


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
        raise Refused(refusal)
    _check_port_file(settings.port_file)
    _exit_cleanly_on_signals()
    services, token = prepare(settings)
    try:
        seeded = commands.load_seeds(services, settings) if settings.seeds else []
        sock = listen(settings.host, settings.port)
    except Refused:
        services.database.close()
        raise
    port = sock.getsockname()[1]
    if not settings.quiet:
        print(banner(settings, url_of(settings.host, port), token), end="", flush=True)
        for line in seeded:
            print(line, flush=True)
    if settings.port_file:
        write_port_file(settings.port_file, port)
    options: dict[str, Any] = dict(
        host=settings.host,
        port=port,
        log_level="error" if settings.quiet else settings.log_level,
        access_log=False,  # ours is localspot.access_log, which knows the portal
        http=functools.partial(
            GuardedHttpProtocol, limits=settings.connection_limits(connection_cap(settings.max_connections))
        ),
        loop="auto",  # uvloop where it is installed, asyncio elsewhere
        timeout_keep_alive=settings.keep_alive_timeout_s,
        timeout_graceful_shutdown=10,
    )
    try:
        if settings.workers > 1:
            # Every worker opens the database itself; nothing opened here may leak into the children.
            services.database.close()
            os.environ[SETTINGS_ENV] = json.dumps(settings.as_dict())
            config = uvicorn.Config(
                "localspot.server:app_from_environment", factory=True, workers=settings.workers, **options
            )
            Multiprocess(config, sockets=[sock]).run()
        else:
            app = build_app(services, settings)
            _settle_the_collector()
            uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
    finally:
        if settings.export_on_exit:
            if settings.workers > 1:
                services = Services(open_settings_database(settings))
            commands.export_on_exit(services, settings)
            services.database.close()
        elif settings.workers == 1:
            services.database.close()
        sock.close()
        if settings.port_file:
            Path(settings.port_file).unlink(missing_ok=True)
        sys.stdout.flush()
    return 0
