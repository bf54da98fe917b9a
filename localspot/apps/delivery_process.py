"""The delivery worker in a process of its own (`serve --webhook-delivery process`, the default of `serve`).

In the server's process the worker and its sending threads hold the interpreter lock for about a fifth of
the time the API's thread needs it under a stream of subscribed writes, and its transactions hold the one
SQLite connection meanwhile: a write then waits for both (docs/performance.md, "Webhooks"). A process of its
own, over its own connection to the same database, takes neither from the API; claims are atomic across
processes already (delivery.py), so nothing else changes.

Two pipes join them. The server writes a byte to the first after each commit that added events (`wake`),
and closes it to stop the worker (or dies, which closes it too: the worker never outlives its server). The
worker writes each attempt it makes to the second, for the server's request journal (in memory, per
process), which a thread of the server reads.

    python -m localspot.apps.delivery_process '<json options>'   (started by DeliveryProcess, not by hand)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import msgspec

from localspot.apps.delivery import LINGER_S, DeliveryWorker
from localspot.apps.queries import OutboxQueries
from localspot.control.journal import OUTGOING, Exchange, Journal
from localspot.kernel.storage import Database, open_database

log = logging.getLogger("localspot.webhooks")

# How long a stopping worker may take to send what it holds and record it, before it is killed.
STOP_TIMEOUT_S = 15.0
# How often a server whose delivery process has not started looks for rows left to send.
CHECK_S = 1.0
_HEADER = 4  # each journal frame: its length (big-endian), then the msgpack of one Exchange


class _Attempt(msgspec.Struct, array_like=True):
    """An outgoing exchange (`journal.outgoing`) on the journal pipe: its query and headers as recorded."""

    at_ms: int
    portal_id: int | None
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None
    duration_ms: float
    response_body: bytes
    url: str | None
    error: str | None

    def exchange(self) -> Exchange:
        fields = msgspec.structs.asdict(self)
        return Exchange(id=0, method="POST", direction=OUTGOING, **fields)


_encode = msgspec.msgpack.Encoder().encode
_decode_attempt = msgspec.msgpack.Decoder(_Attempt).decode


class DeliveryProcess:
    """The server's side: the same `wake`, `start` and `stop` as a DeliveryWorker in this process.

    The process is started only once there is something to send (most servers never have a subscription):
    at the first wake (a write added events), or when the outbox (looked at on `database` at start and every
    CHECK_S) holds rows not yet sent, left by a server that stopped or died. `database_options` say how the
    process opens the same database."""

    def __init__(
        self, database: Database, database_options: dict[str, Any], *, retry_scale: float, journal: Journal
    ) -> None:
        self.database = database
        self.options = {"database": database_options, "retry_scale": retry_scale}
        self.journal = journal
        self._process: subprocess.Popen[bytes] | None = None
        self._wake_fd: int | None = None
        self._reader: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._stopped = threading.Event()  # set outside start ... stop
        self._stopped.set()
        self._lock = threading.Lock()

    def wake(self) -> None:
        fd = self._wake_fd
        if fd is None:
            if self._stopped.is_set():
                return
            fd = self._spawn()
        try:
            os.write(fd, b"w")
        except BlockingIOError:
            pass  # the pipe is full of wakes the worker has not read yet: it is woken already
        except OSError:
            pass  # the worker is gone (stopped, or died): nothing to wake

    def start(self) -> None:
        if not self._stopped.is_set():
            return
        self._stopped.clear()
        self._watcher = threading.Thread(target=self._watch, name="localspot-webhook-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            process, self._process = self._process, None
            fd, self._wake_fd = self._wake_fd, None
        if process is None:
            return
        if fd is not None:
            os.close(fd)  # the worker sends what it holds, records it, and exits
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)

    def _watch(self) -> None:
        wait_s = 0.0  # the first look at once: rows a stopped or killed server left
        while not self._stopped.wait(wait_s) and self._wake_fd is None:
            wait_s = CHECK_S
            try:
                if self._pending():
                    self._spawn()
                    return
            except Exception:  # the database away or busy: the next check tries again
                log.debug("checking the webhook outbox failed", exc_info=True)

    def _pending(self) -> bool:
        with self.database.session(write=False, settle=False) as session:
            return OutboxQueries.of(session).any_pending()

    def _spawn(self) -> int:
        """The wake pipe's end, the process started if it was not."""
        with self._lock:
            if self._wake_fd is not None:
                return self._wake_fd
            wake_read, wake_write = os.pipe()
            journal_read, journal_write = os.pipe()
            os.set_blocking(wake_write, False)
            options = {**self.options, "wake_fd": wake_read, "journal_fd": journal_write}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "localspot.apps.delivery_process", json.dumps(options)],
                pass_fds=(wake_read, journal_write),
            )
            os.close(wake_read)
            os.close(journal_write)
            self._reader = threading.Thread(
                target=self._read_journal, args=(journal_read,), name="localspot-webhook-journal", daemon=True
            )
            self._reader.start()
            self._wake_fd = wake_write
            return wake_write

    def _read_journal(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as stream:
            while len(head := stream.read(_HEADER)) == _HEADER:
                frame = stream.read(int.from_bytes(head, "big"))
                try:
                    exchange = _decode_attempt(frame).exchange()
                except msgspec.DecodeError:
                    log.error("the webhook delivery process wrote an unreadable journal entry")
                    return
                if self.journal.enabled:
                    self.journal.record(exchange)


class _ForwardingJournal:
    """The worker process's journal: every attempt goes to the server's, over the journal pipe."""

    enabled = True

    def __init__(self, fd: int) -> None:
        self._stream = os.fdopen(fd, "wb", buffering=0)
        self._lock = threading.Lock()

    def record(self, exchange: Exchange) -> None:
        frame = _encode(
            _Attempt(
                exchange.at_ms,
                exchange.portal_id,
                exchange.path,
                str(exchange.query),
                dict(exchange.request_headers),  # type: ignore[arg-type]
                exchange.request_body,
                exchange.status,
                exchange.duration_ms,
                exchange.response_body,
                exchange.url,
                exchange.error,
            )
        )
        # BrokenPipeError: the server is gone; the worker stops once it reads the wake pipe's end.
        with self._lock, contextlib.suppress(BrokenPipeError):
            self._stream.write(len(frame).to_bytes(_HEADER, "big") + frame)


def _run(options: dict[str, Any]) -> None:
    database_options = dict(options["database"])
    where = (database_options.pop("database_url"), database_options.pop("db_path"))
    database = open_database(*where, **database_options, role="localspot-delivery")
    worker = DeliveryWorker(
        database,
        retry_scale=options["retry_scale"],
        journal=_ForwardingJournal(options["journal_fd"]),  # type: ignore[arg-type]
    )
    wake_fd = options["wake_fd"]
    worker.start()
    try:
        while True:
            select.select([wake_fd], [], [])
            if not os.read(wake_fd, 4096):
                break  # the server closed its end, or died
            worker.wake()
            # The worker claims at most every LINGER_S under a stream of writes: the wakes meanwhile are read
            # together afterwards, rather than each waking this process on the cores the server needs.
            time.sleep(LINGER_S)
    finally:
        worker.stop()
        database.close()


def _stop(*_: object) -> None:
    raise SystemExit(0)  # a SIGTERM (the process group stopped): send, record and exit as on the pipe's end


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(KeyboardInterrupt):
        _run(json.loads(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
