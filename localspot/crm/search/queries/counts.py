"""Exact search totals remembered by one server process (SQLite), so that repeating a search, paging through
a large result or searching right after a small write costs no second scan of every match.

Two kinds of count:
- over the search indexes alone (SEARCH_ROWS and the full-text index): these change only when
  `catch_up_search` brings the indexes up to date, which advances `search_state.generation`. A count stays
  valid for its generation, and a catch-up in this process carries the ones it can forward to the next
  generation by their delta over the records it re-indexed (the records noted in `search_pending`), so the
  total never grows with the number of matches. A catch-up by another process, or a portal reset, advances
  the generation without deltas: this process then counts afresh.
- over the records themselves: valid while nothing in the database changes (SQLite's `data_version`, for
  commits by other connections, and the connection's own `total_changes`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

MAX_REMEMBERED = 256

CountKey = tuple[str, tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class IndexCount:
    """A count over the search indexes: its statement (the key) and, when it can be carried forward by a
    delta, the same count restricted to the records noted in `search_pending`."""

    key: CountKey
    pending_query: str | None


class SearchCounts:
    """The totals one process remembers. Thread-safe: the server answers from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = -1
        self._index: dict[CountKey, tuple[IndexCount, int]] = {}
        self._records_version: tuple[object, int, int] | None = None
        self._records: dict[CountKey, int] = {}

    # --- counts over the search indexes -------------------------------------------------------------

    def index_total(self, generation: int, key: CountKey) -> int | None:
        with self._lock:
            if generation != self.generation:
                return None
            found = self._index.pop(key, None)
            if found is None:
                return None
            self._index[key] = found  # most recently used last
            return found[1]

    def remember_index_total(self, generation: int, count: IndexCount, total: int) -> None:
        with self._lock:
            if generation < self.generation:
                return  # read in an older snapshot than the totals already remembered
            if generation > self.generation:
                self.generation, self._index = generation, {}
            self._bounded(self._index)[count.key] = (count, total)

    def carried(self, generation: int) -> list[tuple[IndexCount, int]]:
        """The totals of `generation` that a delta can carry forward, most recently used first."""
        with self._lock:
            if generation != self.generation:
                return []
            return [entry for entry in reversed(self._index.values()) if entry[0].pending_query is not None]

    def advance(self, generation: int, totals: dict[CountKey, tuple[IndexCount, int]]) -> None:
        """A catch-up that moved the indexes to `generation` has committed, with the totals (exact there) it
        carried forward or counted."""
        with self._lock:
            if self.generation < generation:
                self.generation, self._index = generation, dict(totals)
            elif self.generation == generation:
                self._index.update(totals)  # a read of `generation` got here first: both are exact

    # --- counts over the records --------------------------------------------------------------------

    def records_total(self, version: tuple[object, int, int], key: CountKey) -> int | None:
        with self._lock:
            if version != self._records_version:
                return None
            return self._records.get(key)

    def remember_records_total(self, version: tuple[object, int, int], key: CountKey, total: int) -> None:
        with self._lock:
            if version != self._records_version:
                self._records_version, self._records = version, {}
            self._bounded(self._records)[key] = total

    @staticmethod
    def _bounded(totals: dict) -> dict:
        while len(totals) >= MAX_REMEMBERED:
            del totals[next(iter(totals))]  # the least recently used
        return totals
