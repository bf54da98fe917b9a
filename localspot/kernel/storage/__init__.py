"""The storage kernel: connections, transactions, dialects, migrations. SQLite by default, PostgreSQL with a
database URL. It knows no API area: each area's queries are built on its Session."""

from localspot.kernel.storage.database import Database, open_database
from localspot.kernel.storage.errors import DatabaseUnavailable, StorageFull, StoreError, UniqueViolation
from localspot.kernel.storage.session import Queries, Session

__all__ = [
    "Database",
    "DatabaseUnavailable",
    "Queries",
    "Session",
    "StorageFull",
    "StoreError",
    "UniqueViolation",
    "open_database",
]
