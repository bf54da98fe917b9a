"""Storage: the only layer that knows SQL. SQLite by default, PostgreSQL with a database URL."""

from localspot.store.database import Database, open_database
from localspot.store.errors import DatabaseUnavailable, StoreError, UniqueViolation
from localspot.store.session import Session

__all__ = ["Database", "DatabaseUnavailable", "Session", "StoreError", "UniqueViolation", "open_database"]
