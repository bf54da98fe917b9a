"""The control plane's settings as this process sees them: the clock, the fault rules, each portal's rate
limits and the token revocation count, all stored in the database so every worker (and every server over a
PostgreSQL database) applies the same ones.

Each process keeps a copy and checks the shared version at most every REFRESH_S, so a request pays for no
query of its own. A change made through this process applies to it at once; with several workers, the admin
call that made it waits SETTLE_S before answering, so by then every worker applies it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localspot.control.queries import ControlQueries
from localspot.kernel.storage import Database, Session

REFRESH_S = 0.05
SETTLE_S = 3 * REFRESH_S


@dataclass(frozen=True)
class FaultRule:
    id: int
    rule: dict[str, Any]
    remaining: int | None


@dataclass
class Snapshot:
    """One version of the shared settings."""

    version: int = -1
    settings: dict[str, Any] = field(default_factory=dict)
    faults: tuple[FaultRule, ...] = ()


class ControlState:
    def __init__(self, database: Database, *, workers: int = 1) -> None:
        self.database = database
        self.workers = workers
        self.current = Snapshot()
        self._checked_at = 0.0
        self._listeners: list[Callable[[Snapshot, Snapshot], None]] = []

    def on_change(self, listener: Callable[[Snapshot, Snapshot], None]) -> None:
        """`listener(before, after)` runs whenever a new version is loaded."""
        self._listeners.append(listener)

    def due(self) -> bool:
        """Whether the next `refresh` will query the database (else it answers from memory at once)."""
        return time.monotonic() - self._checked_at >= REFRESH_S

    def refresh(self, *, force: bool = False) -> Snapshot:
        """The settings, re-read when another process may have changed them since the last check."""
        now = time.monotonic()
        if not force and now - self._checked_at < REFRESH_S:
            return self.current
        self._checked_at = now
        with self.database.session(write=False, settle=False) as session:
            queries = ControlQueries.of(session)
            version = queries.version()
            if version != self.current.version:
                self._load(session, version)
        return self.current

    def changed(self, session: Session) -> None:
        """Called by a write that changed the settings, inside its session: reloads them there, so this process
        applies the change as soon as it commits (the version moved, so others reload on their next check)."""
        self._load(session, ControlQueries.of(session).version())

    def touch(self, session: Session, name: str) -> None:
        """Moves the counter `name` (for other parts whose own data every worker caches: webhooks' listeners)."""
        queries = ControlQueries.of(session)
        queries.save_setting(name, queries.settings().get(name, 0) + 1)
        self.changed(session)

    def settle(self) -> None:
        """After a change: wait until every other worker has had the time to see it."""
        if self.workers > 1:
            time.sleep(SETTLE_S)

    def setting(self, name: str, default: Any = None) -> Any:
        return self.refresh().settings.get(name, default)

    def _load(self, session: Session, version: int) -> None:
        queries = ControlQueries.of(session)
        before = self.current
        self.current = Snapshot(
            version,
            queries.settings(),
            tuple(FaultRule(fault_id, rule, remaining) for fault_id, rule, remaining in queries.faults()),
        )
        for listener in self._listeners:
            listener(before, self.current)
