"""Each portal's daily API usage (what account info reports) where its rate limits are off.

Counting a request must not cost it a write transaction of its own: on SQLite that turned every read into a
writer queueing for the one write lock (46 us a request, a third of a GET's CPU). So each process keeps the
requests it answered in memory and adds them to the shared counter (`rate_counters`, the DAILY window the rate
limits count in) in one write at most every FLUSH_S, and before it reads the usage. Counts stay exact across
workers and servers (each adds its own with `used = used + n`); a count reaches the others within FLUSH_S, and
a process killed with -9 loses at most its last FLUSH_S of counts (docs/decisions.md, "Daily API usage").
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter

from localspot.control.queries import ControlQueries
from localspot.control.rate_limits import DAY_MS, RateLimits, counted
from localspot.control.state import ControlState
from localspot.kernel.storage import Database, StorageFull

FLUSH_S = 0.05


class DailyUsage:
    def __init__(self, database: Database, state: ControlState, rate_limits: RateLimits) -> None:
        self.database = database
        self.state = state
        self.rate_limits = rate_limits
        self._pending: Counter[tuple[int, int]] = Counter()  # (portal id, UTC day's start) -> requests
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None

    def count(self, portal_id: int) -> None:
        """One authenticated API request of the portal. Where its limits are on, the traffic gate's count took
        it already, in the same DAILY window."""
        if self.rate_limits.limits_of(portal_id) is not None:
            return
        now = self.database.clock.now_ms()
        key = (portal_id, now - now % DAY_MS)
        with self._lock:
            self._pending[key] += 1

    def daily(self, portal_id: int) -> tuple[int | None, int]:
        """The portal's daily limit (None when its limits are off) and the API requests counted today, this
        process's own included; with several workers it first waits until the others have added theirs."""
        self.flush()
        if self.state.workers > 1:
            self._stop.wait(2 * FLUSH_S)
        return self.rate_limits.daily_usage(portal_id)

    def forget(self, portal_id: int) -> None:
        """The portal's counters were cleared (a reset, its limits changed, deleted): drop what waits here."""
        with self._lock:
            for key in [key for key in self._pending if key[0] == portal_id]:
                del self._pending[key]

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        try:
            with self.database.session(write=True) as session:
                queries = ControlQueries.of(session)
                for (portal_id, day), requests in sorted(pending.items()):
                    counted(queries, portal_id, "DAILY", day, DAY_MS, requests)
        except StorageFull:
            pass  # the disk is full: these requests go uncounted, and reads still answer (docs/decisions.md)
        except Exception:
            with self._lock:  # the database was out of reach: the next flush adds them
                self._pending.update(pending)
            raise

    # --- the background flush, one thread per process, started and stopped with the app's lifespan --------

    def start(self) -> None:
        self._stop.clear()
        self._flusher = threading.Thread(target=self._run, name="localspot-usage", daemon=True)
        self._flusher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join()
            self._flusher = None
        with contextlib.suppress(Exception):  # shutting down with the database out of reach: nothing to save to
            self.flush()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_S):
            with contextlib.suppress(Exception):  # the database gone for a moment: the next round counts them
                self.flush()
