"""Server configuration, passed explicitly from the command line to every part that needs it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from localspot.kernel.storage.database import DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS
from localspot.kernel.web.api import DEFAULT_MAX_BODY_BYTES

DEFAULT_PORTAL_ID = 1


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    db_path: str = "./localspot.db"
    database_url: str | None = None
    token: str | None = None
    portal_id: int = DEFAULT_PORTAL_ID
    workers: int = 1
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_level: str = "warning"
    pool_size: int = DEFAULT_POOL_SIZE
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
    # The admin API (/_localspot/): with a token, every call must bear it; without, loopback addresses only.
    admin_token: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
