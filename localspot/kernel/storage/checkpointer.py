"""SQLite's background checkpoints: committed WAL pages copied into the database file off the event loop."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any


class Checkpointer:
    """Copies committed WAL pages into the database file from its own thread and connection, so the
    event loop rarely waits on a checkpoint's fsync.

    PASSIVE checkpoints run beside the writer and copy most pages. But the WAL only starts over once a
    checkpoint has copied every frame with no commit in between, which never happens under steady load;
    so once the WAL holds RESET_FRAMES, one checkpoint runs holding this process's write lock (a short
    pause: most pages were already copied) and the next write restarts the WAL from its beginning.
    """

    INTERVAL_S = 0.1
    RESET_FRAMES = 4096  # 16 MB of 4 KB pages
    # The RESTART's pause is its copy and fsync of the frames no PASSIVE copied yet (about 20 µs a page on
    # this kind of disk): it waits until the frames written during one PASSIVE are fewer than this.
    TAIL_FRAMES = 256
    MAX_CATCH_UP_ROUNDS = 8

    def __init__(self, path: str, writers: threading.RLock, writer_queue: Any) -> None:
        self._path = path
        self._writers = writers
        self._writer_queue = writer_queue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            # Short: the RESTART below holds this process's write lock while it waits for other
            # processes' readers; past this it proceeds as a PASSIVE checkpoint instead of waiting on.
            conn.execute("PRAGMA busy_timeout=100")
            while not self._stop.wait(self.INTERVAL_S):
                try:
                    _, wal_frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if wal_frames < self.RESET_FRAMES:
                        continue
                    for _ in range(self.MAX_CATCH_UP_ROUNDS):
                        copied_through = wal_frames
                        _, wal_frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        if wal_frames - copied_through < self.TAIL_FRAMES:
                            break
                    self.restart(conn)
                except sqlite3.Error:
                    continue  # busy or locked: the next round tries again
        finally:
            conn.close()

    def restart(self, conn: sqlite3.Connection) -> bool:
        """One RESTART checkpoint under this process's write lock, unless another process is writing: this
        thread must not hold the process's lock (which its readers need too) while it queues behind another
        process's transaction. The next round tries again. Returns whether it ran."""
        with self._writers, self._writer_queue.turn(wait=False) as free:
            if free:
                conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
            return free

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
