"""Server configuration, passed explicitly from the command line to every part that needs it."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

from localspot.control.journal import DEFAULT_JOURNAL_SIZE
from localspot.http_protocol import (
    DEFAULT_KEEP_ALIVE_TIMEOUT_S,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEADER_BYTES,
    DEFAULT_MAX_HEADERS,
    DEFAULT_MAX_URL_BYTES,
    DEFAULT_REQUEST_TIMEOUT_S,
    ConnectionLimits,
)
from localspot.kernel.storage.database import DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, in_memory, sqlite_path
from localspot.kernel.web.api import DEFAULT_MAX_BODY_BYTES

DEFAULT_PORTAL_ID = 1
DEFAULT_PORT = 8080


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    port_file: str | None = None
    db_path: str = "./localspot.db"
    database_url: str | None = None
    token: str | None = None
    portal_id: int = DEFAULT_PORTAL_ID
    workers: int = 1
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_level: str = "warning"
    log_format: str = "text"
    quiet: bool = False
    pool_size: int = DEFAULT_POOL_SIZE
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
    durability: str = "normal"
    # The admin API (/_localspot/): with a token, every call must bear it; without, loopback addresses only.
    admin_token: str | None = None
    # OAuth installs are approved at once, without the consent page (unattended tests).
    oauth_auto_approve: bool = False
    max_url_bytes: int = DEFAULT_MAX_URL_BYTES
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_headers: int = DEFAULT_MAX_HEADERS
    keep_alive_timeout_s: float = DEFAULT_KEEP_ALIVE_TIMEOUT_S
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    # Seed files or export documents loaded at start into portals that were empty (`serve --seed`).
    seeds: tuple[str, ...] = ()
    # The default portal's export written here at shutdown (`serve --export-on-exit`).
    export_on_exit: str | None = None
    # The request journal's entries per process (`/_localspot/requests`); 0 turns it off.
    journal_size: int = DEFAULT_JOURNAL_SIZE
    # HubSpot's rate limits of a product tier, applied to the default portal at start (`off`: none).
    rate_limits: str | None = None
    # Webhook retry delays are multiplied by this (`serve --webhook-retry-scale`; 0.001 for tests).
    webhook_retry_scale: float = 1.0
    # Where webhooks are sent from: a process of their own beside each server process, or threads of it
    # (`serve --webhook-delivery`; an in-memory database, which no other process can open, always uses threads).
    webhook_delivery: str = "process"

    def delivers_from_a_process(self) -> bool:
        """Whether webhooks go out from a process of their own: asked for, over a database another process can
        open, on a system whose processes can be handed a pipe (POSIX)."""
        path = sqlite_path(self.database_url, self.db_path)
        shared = path is None or not in_memory(path)
        return self.webhook_delivery == "process" and shared and os.name == "posix"

    def database_options(self) -> dict[str, Any]:
        """What `open_database` takes besides where the database is."""
        return {
            "pool_size": self.pool_size,
            "statement_timeout_ms": self.statement_timeout_ms,
            "durability": self.durability,
        }

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def connection_limits(self, max_connections: int | None = None) -> ConnectionLimits:
        return ConnectionLimits(
            max_url_bytes=self.max_url_bytes,
            max_header_bytes=self.max_header_bytes,
            max_headers=self.max_headers,
            request_timeout_s=self.request_timeout_s,
            max_connections=max_connections or self.max_connections,
        )
