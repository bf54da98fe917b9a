"""The `localspot` command.

Every option of every command can also come from the environment: `--max-body-bytes` from
LOCALSPOT_MAX_BODY_BYTES, and so on (a flag given on the command line wins). Bad input of any kind ends
with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from localspot import __version__
from localspot.access_log import LOG_FORMATS
from localspot.commands import parse_url
from localspot.config import DEFAULT_PORT, DEFAULT_PORTAL_ID, Settings
from localspot.control.journal import MAX_JOURNAL_SIZE
from localspot.control.rate_limits import TIER_NAMES
from localspot.kernel.storage.database import DURABILITIES
from localspot.startup import Refused

ENV_PREFIX = "LOCALSPOT_"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (not the whole usage) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def environment_name(flag: str) -> str:
    return ENV_PREFIX + flag.lstrip("-").replace("-", "_").upper()


def _option(parser: argparse.ArgumentParser, flag: str, help: str, **kwargs: Any) -> None:
    """An option whose default can come from LOCALSPOT_<FLAG>; its help names both."""
    env = environment_name(flag)
    raw = os.environ.get(env)
    if kwargs.get("action") == "store_true":
        if raw is not None:
            if raw.strip().lower() not in _TRUE + _FALSE:
                raise Refused(f"{env}={raw!r}: expected one of {', '.join(_TRUE + _FALSE[:-1])}")
            kwargs["default"] = raw.strip().lower() in _TRUE
        parser.add_argument(flag, help=f"{help} (env {env})", **kwargs)
        return
    if raw is not None:
        convert: Callable[[str], Any] = kwargs.get("type", str)
        try:
            value = convert(raw)
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise Refused(f"{env}={raw!r}: {exc}") from None
        if "choices" in kwargs and value not in kwargs["choices"]:
            raise Refused(f"{env}={raw!r}: expected one of {', '.join(map(str, kwargs['choices']))}")
        kwargs["default"] = value
    default = kwargs.get("default")
    shown = "" if default is None else f"; default {default}"
    parser.add_argument(flag, help=f"{help} (env {env}{shown})", **kwargs)


class _Repeated(argparse.Action):
    """A repeatable option whose default (from the environment) is one value the command line replaces."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        current = getattr(namespace, self.dest)
        setattr(namespace, self.dest, [*(current if isinstance(current, list) else ()), values])


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    convert.__name__ = "number"
    return convert


def _port(text: str) -> int:
    value = _int_at_least(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0: any free port), got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


_positive_int = _int_at_least(1)


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be from 0 to 1000")
    return value


def _journal_size(text: str) -> int:
    size = _int_at_least(0)(text)
    if size > MAX_JOURNAL_SIZE:
        raise argparse.ArgumentTypeError(f"at most {MAX_JOURNAL_SIZE}")
    return size


def _database_options(parser: argparse.ArgumentParser) -> None:
    _option(parser, "--db", "SQLite file (:memory: keeps everything in memory)", default="./localspot.db")
    _option(parser, "--database-url", "postgresql://user@host:port/db to use PostgreSQL instead of SQLite")


def _serve_options(serve: argparse.ArgumentParser) -> None:
    _option(serve, "--host", "address to listen on", default="127.0.0.1")
    _option(serve, "--port", "port to listen on; 0 picks a free one", type=_port, default=DEFAULT_PORT)
    _option(serve, "--port-file", "write the port listened on to this file once bound (for scripts)")
    _database_options(serve)
    _option(serve, "--token", "register this bearer token with every scope on the default portal")
    _option(serve, "--portal-id", "the default portal's hub id", type=_positive_int, default=DEFAULT_PORTAL_ID)
    _option(
        serve,
        "--workers",
        "server processes sharing the port and the database (PostgreSQL, or an SQLite file)",
        type=_positive_int,
        default=1,
    )
    _option(
        serve,
        "--pool-size",
        "PostgreSQL connections per process at most (keep workers x pool size below max_connections)",
        type=_positive_int,
        default=Settings.pool_size,
    )
    _option(
        serve,
        "--statement-timeout-ms",
        "PostgreSQL statements running longer are cancelled and the request answered 503",
        type=_positive_int,
        default=Settings.statement_timeout_ms,
    )
    _option(
        serve,
        "--oauth-auto-approve",
        "OAuth installs are approved at once, without the consent page (unattended tests)",
        action="store_true",
    )
    _option(
        serve,
        "--durability",
        "SQLite: `normal` keeps every acknowledged write through kill -9 (a power cut may lose the last ~100 ms); "
        "`full` syncs each commit to disk before answering",
        choices=DURABILITIES,
        default=Settings.durability,
    )
    _option(
        serve,
        "--max-body-bytes",
        "larger request bodies answer 413",
        type=_positive_int,
        default=Settings.max_body_bytes,
    )
    _option(
        serve, "--max-url-bytes", "longer request lines answer 414", type=_positive_int, default=Settings.max_url_bytes
    )
    _option(
        serve,
        "--max-headers",
        "requests with more header fields answer 431",
        type=_positive_int,
        default=Settings.max_headers,
    )
    _option(
        serve,
        "--max-header-bytes",
        "requests with more bytes of header names and values answer 431",
        type=_positive_int,
        default=Settings.max_header_bytes,
    )
    _option(
        serve,
        "--keep-alive-timeout",
        "seconds a connection may stay idle (no request in progress) before it is closed",
        type=_seconds,
        default=Settings.keep_alive_timeout_s,
    )
    _option(
        serve,
        "--request-timeout",
        "seconds a request may take to arrive whole (head and body) from its first byte; then 408",
        type=_seconds,
        default=Settings.request_timeout_s,
    )
    _option(
        serve,
        "--max-connections",
        "open connections per process at most (kept below the open-file limit); a new one beyond it closes "
        "the longest idle one",
        type=_positive_int,
        default=Settings.max_connections,
    )
    _option(serve, "--log-format", "access log lines as text or JSON", choices=LOG_FORMATS, default="text")
    _option(serve, "--log-level", "uvicorn's own log level", choices=LOG_LEVELS, default=Settings.log_level)
    _option(serve, "--quiet", "no banner and no access log; errors only", action="store_true")
    _option(
        serve,
        "--admin-token",
        "every /_localspot/ admin call must bear this token; without it the admin API is served on loopback "
        "addresses only",
        default=None,
    )
    _option(
        serve,
        "--seed",
        "load this seed file (into the default portal) or export document (into the portal it names) at start, "
        "when that portal is empty; repeatable",
        action=_Repeated,
        metavar="FILE",
    )
    _option(serve, "--export-on-exit", "write the default portal's export document to this file at shutdown")
    _option(
        serve,
        "--journal-size",
        "API requests each process keeps in the request journal (/_localspot/requests); 0 turns it off",
        type=_journal_size,
        default=Settings.journal_size,
    )
    _option(
        serve,
        "--webhook-retry-scale",
        "multiply HubSpot's webhook retry delays (85 s doubling, 10 retries over a day) by this; 0.001 for tests",
        type=_scale,
        default=Settings.webhook_retry_scale,
    )
    _option(
        serve,
        "--webhook-delivery",
        "send webhooks from a process of their own beside each server process (the default), or from threads of it",
        choices=("process", "thread"),
        default=Settings.webhook_delivery,
    )
    _option(
        serve,
        "--rate-limits",
        "enforce HubSpot's rate limits of this product tier on the default portal (off by default)",
        choices=TIER_NAMES,
        default=None,
    )


def _admin_options(parser: argparse.ArgumentParser, *, database: bool) -> None:
    hint = "; without it the database below is opened directly" if database else ""
    _option(
        parser,
        "--url",
        f"a running localspot's base URL, whose admin API is used{hint}",
        type=parse_url,
        default=None if database else f"http://127.0.0.1:{DEFAULT_PORT}",
    )
    _option(parser, "--admin-token", "the server's --admin-token, if it has one")
    if database:
        _database_options(parser)


def _control_commands(commands: Any) -> None:
    export = commands.add_parser("export", help="print or write a portal's export document (JSON)")
    export.add_argument("--portal-id", type=_positive_int, default=DEFAULT_PORTAL_ID)
    export.add_argument("-o", "--output", metavar="FILE", help="write it here instead of to stdout")
    _admin_options(export, database=True)
    load = commands.add_parser("import", help="load an export document into a portal (created if missing)")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--portal-id", type=_positive_int, help="default: the portal the document names")
    load.add_argument(
        "--mode", choices=("replace", "merge"), default="replace", help="merge: new ids, into a portal with data"
    )
    _admin_options(load, database=True)
    portal = commands.add_parser("portal", help="manage the portals of a running server (its admin API)")
    portal_commands = portal.add_subparsers(dest="portal_command", required=True)
    create = portal_commands.add_parser("create", help="create a portal; prints it with its token as JSON")
    create.add_argument("--portal-id", type=_positive_int)
    create.add_argument("--name")
    _admin_options(create, database=False)
    _admin_options(portal_commands.add_parser("list", help="print each portal as a JSON line"), database=False)
    for name, text in (("reset", "empty a portal of all its data"), ("delete", "delete a portal and its tokens")):
        command = portal_commands.add_parser(name, help=text)
        command.add_argument("--portal-id", type=_positive_int, required=True)
        _admin_options(command, database=False)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="localspot", description="A local HubSpot CRM API server.")
    parser.add_argument("--version", action="version", version=f"localspot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    _serve_options(commands.add_parser("serve", help="run the server"))

    token = commands.add_parser("token", help="manage access tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="print a new token with only the given scopes")
    create.add_argument("--scopes", required=True, help="comma-separated scopes, or * for every scope")
    create.add_argument("--portal-id", type=_positive_int, default=DEFAULT_PORTAL_ID)
    _database_options(create)

    owner = commands.add_parser("owner", help="manage owners (users records can be assigned to)")
    owner_commands = owner.add_subparsers(dest="owner_command", required=True)
    create_owner = owner_commands.add_parser("create", help="add an owner and print it as JSON")
    create_owner.add_argument("--email", required=True)
    create_owner.add_argument("--first-name")
    create_owner.add_argument("--last-name")
    create_owner.add_argument("--portal-id", type=_positive_int, default=DEFAULT_PORTAL_ID)
    _database_options(create_owner)

    _control_commands(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    _database_options(db_commands.add_parser("upgrade", help="apply schema migrations"))
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        port_file=args.port_file,
        db_path=args.db,
        database_url=args.database_url,
        token=args.token,
        portal_id=args.portal_id,
        workers=args.workers,
        max_body_bytes=args.max_body_bytes,
        log_level=args.log_level,
        log_format=args.log_format,
        quiet=args.quiet,
        pool_size=args.pool_size,
        statement_timeout_ms=args.statement_timeout_ms,
        durability=args.durability,
        oauth_auto_approve=args.oauth_auto_approve,
        max_url_bytes=args.max_url_bytes,
        max_header_bytes=args.max_header_bytes,
        max_headers=args.max_headers,
        keep_alive_timeout_s=args.keep_alive_timeout,
        request_timeout_s=args.request_timeout,
        max_connections=args.max_connections,
        admin_token=args.admin_token,
        seeds=(args.seed,) if isinstance(args.seed, str) else tuple(args.seed or ()),
        export_on_exit=args.export_on_exit,
        journal_size=args.journal_size,
        rate_limits=args.rate_limits,
        webhook_retry_scale=args.webhook_retry_scale,
        webhook_delivery=args.webhook_delivery,
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve":
            from localspot.server import serve

            return serve(settings_from(args))
        if args.command in ("export", "import", "portal"):
            return _control_command(args)
        return _database_command(args)
    except Refused as refusal:
        print(f"localspot: {refusal}", file=sys.stderr)
        return 2


def _control_command(args: argparse.Namespace) -> int:
    from localspot import commands

    def database() -> Any:
        from localspot.startup import open_migrated

        return open_migrated(args.database_url, args.db, must_exist=args.command == "export")

    if args.command == "export":
        return commands.export_portal(args, database)
    if args.command == "import":
        return commands.import_portal(args, database)
    return commands.portal_command(args)


def _database_command(args: argparse.Namespace) -> int:
    from localspot.app import Services
    from localspot.kernel.portals.auth import new_token
    from localspot.startup import open_migrated

    # token and owner add to an existing database: pointed at a file that does not exist, they must not
    # create an empty one nobody serves.
    database = open_migrated(args.database_url, args.db, must_exist=args.command != "db")
    try:
        if args.command == "token":
            scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
            token = new_token()
            Services(database).auth.register(token, args.portal_id, None if scopes == ["*"] else scopes)
            print(token)
        elif args.command == "owner":
            owner = Services(database).owners.create(
                args.portal_id, email=args.email, first_name=args.first_name, last_name=args.last_name
            )
            print(json.dumps(owner))
        elif args.command == "db":
            print("localspot: database schema is up to date")
    finally:
        database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
