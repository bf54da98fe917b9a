"""The `localspot` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from localspot.config import DEFAULT_PORTAL_ID, Settings


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default="./localspot.db", help="SQLite file (default ./localspot.db; :memory: allowed)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOCALSPOT_DATABASE_URL"),
        help="postgresql://user@host:port/db to use PostgreSQL instead of SQLite",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="localspot", description="A local HubSpot CRM API server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    _database_options(serve)
    serve.add_argument(
        "--token",
        default=os.environ.get("LOCALSPOT_TOKEN"),
        help="register this bearer token with every scope on the default portal (env LOCALSPOT_TOKEN)",
    )
    serve.add_argument("--portal-id", type=int, default=DEFAULT_PORTAL_ID, help="the default portal's hub id")
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="server processes sharing the port and the database (PostgreSQL, or an SQLite file)",
    )
    serve.add_argument(
        "--pool-size",
        type=_positive_int,
        default=Settings.pool_size,
        help="PostgreSQL connections per process at most (keep workers x pool size below max_connections)",
    )
    serve.add_argument(
        "--statement-timeout-ms",
        type=_positive_int,
        default=Settings.statement_timeout_ms,
        help="PostgreSQL statements running longer are cancelled and the request answered 503",
    )
    serve.add_argument("--max-body-bytes", type=int, default=Settings.max_body_bytes)
    serve.add_argument(
        "--admin-token",
        default=os.environ.get("LOCALSPOT_ADMIN_TOKEN"),
        help="every /_localspot/ admin call must bear this token; without it the admin API is served on "
        "loopback addresses only (env LOCALSPOT_ADMIN_TOKEN)",
    )
    serve.add_argument("--log-level", default="warning")

    token = commands.add_parser("token", help="manage access tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="print a new token with only the given scopes")
    create.add_argument("--scopes", required=True, help="comma-separated scopes, or * for every scope")
    create.add_argument("--portal-id", type=int, default=DEFAULT_PORTAL_ID)
    _database_options(create)

    owner = commands.add_parser("owner", help="manage owners (users records can be assigned to)")
    owner_commands = owner.add_subparsers(dest="owner_command", required=True)
    create_owner = owner_commands.add_parser("create", help="add an owner and print it as JSON")
    create_owner.add_argument("--email", required=True)
    create_owner.add_argument("--first-name")
    create_owner.add_argument("--last-name")
    create_owner.add_argument("--portal-id", type=int, default=DEFAULT_PORTAL_ID)
    _database_options(create_owner)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    _database_options(db_commands.add_parser("upgrade", help="apply schema migrations"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from localspot.server import serve

        return serve(
            Settings(
                host=args.host,
                port=args.port,
                db_path=args.db,
                database_url=args.database_url,
                token=args.token,
                portal_id=args.portal_id,
                workers=args.workers,
                max_body_bytes=args.max_body_bytes,
                log_level=args.log_level,
                pool_size=args.pool_size,
                statement_timeout_ms=args.statement_timeout_ms,
                admin_token=args.admin_token,
            )
        )

    from localspot.app import Services
    from localspot.kernel.portals.auth import new_token
    from localspot.kernel.storage import open_database
    from localspot.kernel.storage.migrate import upgrade

    database = open_database(args.database_url, args.db)
    try:
        upgrade(database)
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
