"""Backend-neutral storage failures; each backend translates its driver's exceptions into these."""


class StoreError(Exception):
    pass


class UniqueViolation(StoreError):
    """A write would give two records the same value of a unique property."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached; the request may be retried."""


class StorageFull(StoreError):
    """The database's disk is full: the transaction was rolled back, and writes work again once space is
    freed (nothing needs restarting)."""
