"""SQLite's writers of one file across processes: a lock on a file beside it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # not POSIX (Windows): processes' writers queue in SQLite's busy handler instead
    fcntl = None  # type: ignore[assignment]


class WriterQueue:
    """Writers of one SQLite file from several processes (`serve --workers N`) take turns through an
    exclusive lock on a file beside it, held from BEGIN IMMEDIATE to COMMIT.

    Without it, a writer that finds the database locked waits in SQLite's busy handler, which sleeps and
    polls (up to 100 ms a nap): under load most of a second process's time goes to sleeping. The kernel
    instead wakes the next writer the moment the lock is released. A holder always ends its transaction
    (and a process that dies loses the lock), so the wait is bounded by the longest write transaction.
    Threads of one process are queued by the process's own lock first; this one orders processes only.
    """

    def __init__(self, database_path: str) -> None:
        self._file = open(f"{database_path}-writer.lock", "a+b")  # noqa: SIM115 - held for the database's life

    def take(self) -> None:
        """Waits for the turn and holds it until `give_back`."""
        if fcntl is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def give_back(self) -> None:
        if fcntl is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def turn(self, *, wait: bool = True) -> Iterator[bool]:
        """Holds the turn, waiting for it; with `wait=False`, yields False at once (holding nothing) when
        another process is writing."""
        if fcntl is None:
            yield True  # no lock between processes: BEGIN IMMEDIATE and the busy timeout order them
            return
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        self._file.close()
