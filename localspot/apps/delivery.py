"""The delivery worker: a thread per server process that sends the outbox's due events to each app's
`targetUrl`, signed as HubSpot signs, and retries failures on HubSpot's schedule.

Each round claims due outbox rows (one write's events for one app, up to 100 a row) atomically
(`claimed_by`/`claimed_until`), so with several workers or servers each event is sent by one process at a
time; a claim a killed process left behind expires after CLAIM_S and the row is sent again (at least once:
`eventId` lets receivers deduplicate). Rows go out per (app, portal), packed into requests of up to 100 events,
at most `maxConcurrentRequests` requests in flight per (app, portal). A non-2xx answer, a timeout or a refused
connection schedules each row of the request again, `85 s * 2^(k-1)` (+-20%) after its
k-th failure, times `--webhook-retry-scale`, or later when a 429 or 503 answer's `Retry-After` asks for longer
(at most MAX_RETRY_AFTER_S, scaled the same); after the tenth retry the event is failed for good."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import http.client
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from localspot.apps.events import BATCH_SIZE
from localspot.apps.http_client import Answer, Connection
from localspot.apps.outbox import events_text
from localspot.apps.queries import OutboxQueries
from localspot.control.journal import Journal, outgoing
from localspot.kernel.errors import ApiError
from localspot.kernel.storage import Database, DatabaseUnavailable, Session, StorageFull
from localspot.kernel.storage.session import encode_json

MAX_RETRIES = 10
RETRY_BASE_S = 85.0
# The longest wait a `Retry-After` can ask for (before --webhook-retry-scale), and the answers it is read on.
MAX_RETRY_AFTER_S = 3600.0
RETRY_AFTER_STATUSES = frozenset({429, 503})
JITTER = 0.2
TIMEOUT_S = 5.0
CLAIM_S = TIMEOUT_S + 2.0
POLL_S = 0.25
# The longest a delivered request's outcome waits to be recorded with the next claim (DeliveryWorker.round).
RECORD_AFTER_S = 0.05
# The shortest time between two claims that a write's wake brings (DeliveryWorker._run): each claim takes
# what the writes meanwhile added (about eight 100-task creates under the bench), at 20-30 ms of latency.
LINGER_S = 0.04
CLAIM_LIMIT = 1_000
DEFAULT_CONCURRENCY = 10
USER_AGENT = "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client) - localspot"
# The escapes HubSpot decodes in the target URL before signing it (v3).
_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip

log = logging.getLogger("localspot.webhooks")


def signed_headers(secret: str, uri: str, body: bytes, timestamp_ms: int) -> dict[str, str]:
    """HubSpot's headers for a delivery: the v1 signature (sha256 of secret + body, hex) and the v3 one (HMAC-SHA256
    of method + uri + body + timestamp keyed by the client secret, base64)."""
    timestamp = str(timestamp_ms)
    v1 = hashlib.sha256(secret.encode() + body).hexdigest()
    signed_uri = uri
    for escape, char in _DECODED.items():
        signed_uri = signed_uri.replace(escape, char).replace(escape.lower(), char)
    message = b"POST" + signed_uri.encode() + body + timestamp.encode()
    v3 = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "Accept": "*/*",
        "User-Agent": USER_AGENT,
        "X-HubSpot-Signature": v1,
        "X-HubSpot-Signature-Version": "v1",
        "X-HubSpot-Signature-v3": v3,
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Timeout-Millis": str(int(TIMEOUT_S * 1000)),
    }


class _Connections:
    """Keep-alive connections to the targets, one set per sending thread."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.local = threading.local()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """The answer; raises OSError (TimeoutError for a timeout) or HTTPException on failure."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname, parts.port)
        pool: dict[tuple[Any, ...], Connection] = self.local.__dict__.setdefault("pool", {})
        connection = pool.pop(key, None)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for fresh in (False, True) if connection is not None else (True,):
            if fresh:
                connection = Connection(parts.scheme, parts.hostname or "", parts.port, self.timeout_s)
            assert connection is not None
            try:
                answer, closes = connection.post(path, body, headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                if fresh:
                    raise
                continue  # a kept-alive connection the target closed meanwhile: once more on a new one
            except BaseException:
                connection.close()
                raise
            if closes:
                connection.close()
            else:
                pool[key] = connection
            return answer
        raise AssertionError("unreachable")


class Row(NamedTuple):
    """One outbox row: up to BATCH_SIZE events of one write for one app (outbox.py)."""

    id: int
    payload: str
    attempts: int
    count: int


# A finished request: its rows, whether it was delivered, its webhook_deliveries row, and the seconds its
# answer's Retry-After asked to wait (None: it asked nothing).
Outcome = tuple[list[Row], bool, tuple[Any, ...], float | None]


def _packed(rows: list[Row]) -> list[list[Row]]:
    """The rows, in order, packed into requests of at most BATCH_SIZE events."""
    packed: list[list[Row]] = []
    count = BATCH_SIZE
    for row in rows:
        if count + row.count > BATCH_SIZE:
            packed.append([])
            count = 0
        packed[-1].append(row)
        count += row.count
    return packed


def retry_delay_s(failures: int, scale: float, retry_after_s: float | None = None) -> float:
    """How long after its `failures`-th failed attempt an event is tried again: HubSpot's schedule, or what
    the answer's Retry-After asked when that is longer (bounded)."""
    delay = RETRY_BASE_S * 2 ** (failures - 1) * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, MAX_RETRY_AFTER_S))
    return delay * scale


def retry_after_s(answer: Answer | None, now: float) -> float | None:
    """The seconds a 429 or 503 answer's `Retry-After` asks to wait (delta-seconds, or an HTTP date), if any."""
    if answer is None or answer.status not in RETRY_AFTER_STATUSES or not answer.retry_after:
        return None
    text = answer.retry_after.strip()
    if text.isdigit():
        return float(text[:12])
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None  # malformed: the schedule alone
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - now, 0.0)


class DeliveryWorker:
    def __init__(
        self,
        database: Database,
        *,
        retry_scale: float = 1.0,
        timeout_s: float = TIMEOUT_S,
        journal: Journal | None = None,
    ) -> None:
        self.database = database
        # Each attempt is also an outgoing entry of the request journal.
        self.journal = journal
        self.retry_scale = retry_scale
        self.timeout_s = timeout_s
        self.name = f"worker-{uuid.uuid4().hex[:12]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._connections = _Connections(timeout_s)
        # Finished requests, recorded by the next round's transaction (or at stop).
        self._outcomes: list[Outcome] = []
        self._first_outcome_at = 0.0  # monotonic: when the oldest unrecorded outcome finished
        self._in_flight: dict[tuple[int, int], int] = defaultdict(int)
        self._woken = False  # a write added events since the last round
        self._held = False  # the last claim released rows for want of a free request slot
        self._more = False  # the last claim took CLAIM_LIMIT rows: there may be more
        self._claimed_at = 0.0  # monotonic: when the last claim was made
        self._lock = threading.Lock()

    def wake(self) -> None:
        """A write added events: the next round claims without reading first."""
        self._woken = True
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="localspot-webhooks")
        self._thread = threading.Thread(target=self._run, name="localspot-webhook-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        assert self._pool is not None
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._flush()
        self._thread = None

    # --- the loop ------------------------------------------------------------------------------------

    def _run(self) -> None:
        quick = 0  # polls left at the short interval, after a wake whose write was not visible yet
        look = True  # whether this round reads the outbox though no write woke it
        while not self._stop.is_set():
            # Under a stream of writes, claims come at most every LINGER_S: each takes what the writes
            # meanwhile added, in one transaction (a delay of a few ms before the first of them is sent).
            lingering = self._claimed_at + LINGER_S - time.monotonic()
            if lingering > 0 and self._woken:
                self._stop.wait(lingering)
            with self._lock:
                woken, self._woken = self._woken, False
            try:
                sent = self.round(woken=woken, look=look)
            except (ApiError, DatabaseUnavailable, StorageFull):
                sent = 0  # expected while the database is away, busy or full: the next round tries again
            except Exception:  # a bug must not end deliveries either; its traceback is wanted
                log.exception("webhook delivery round failed")
                sent = 0
            if self._more:
                continue
            if woken and not sent:
                quick = 3  # the write that woke us may not have committed yet (another connection's)
            fired = self._wake.wait(self._wait_s(0.01 if quick else POLL_S))
            self._wake.clear()
            if not fired:
                quick = max(quick - 1, 0)
            # A poll reads the outbox; a finished request only when it frees a slot rows wait for.
            look = not fired or self._held

    def _wait_s(self, poll_s: float) -> float:
        """How long the loop may sleep: until the next poll, or until the oldest outcome must be recorded."""
        with self._lock:
            if not self._outcomes:
                return poll_s
            return max(min(poll_s, self._first_outcome_at + RECORD_AFTER_S - time.monotonic()), 0.0)

    def round(self, *, woken: bool = True, look: bool = True) -> int:
        """Claims what is due and can be sent now, and hands each batch to the pool. Returns how many batches.

        A delivered request's outcome waits (up to RECORD_AFTER_S) for the transaction of the next claim, which
        a write's wake usually brings sooner: under a steady stream of writes each one costs the worker one
        transaction, the previous request's outcome recorded in it. A failure is recorded at once (its retry
        is scheduled by it). Without a wake, a round reads before it writes: an idle poll takes no write lock
        from the API's writers."""
        now = int(time.time() * 1000)
        with self._lock:
            pending = self._outcomes
            overdue = bool(pending) and (
                time.monotonic() - self._first_outcome_at >= RECORD_AFTER_S or not all(ok for _, ok, _, _ in pending)
            )
        if not (woken or overdue):
            if not look:
                return 0
            with self.database.session(write=False, settle=False) as session:
                if not OutboxQueries.of(session).any_due(now):
                    return 0
        with self._lock:
            outcomes, self._outcomes = self._outcomes, []
        # One transaction records the requests that finished and claims what is due next.
        with self.database.session(write=True, settle=False) as session:
            queries = OutboxQueries.of(session)
            self._record(session, outcomes, now)
            claimed = queries.claim(self.name, now, now + int(CLAIM_S * 1000), CLAIM_LIMIT)
            self._more = len(claimed) >= CLAIM_LIMIT
            self._claimed_at = time.monotonic()
            self._held = False
            if not claimed:
                return 0
            targets = queries.targets(sorted({row[1] for row in claimed}))
            groups: dict[tuple[int, int], list[Row]] = defaultdict(list)
            for row_id, app_id, portal_id, payload, attempts, count in claimed:
                groups[(app_id, portal_id)].append(Row(row_id, payload, attempts, count))
            batches: list[tuple[tuple[int, int], list[Row]]] = []
            unsent: list[int] = []
            no_target: list[int] = []
            with self._lock:
                for key, rows in groups.items():
                    if key[0] not in targets:
                        no_target.extend(row.id for row in rows)
                        continue
                    limit = targets[key[0]][0].get("throttling", {}).get("maxConcurrentRequests", DEFAULT_CONCURRENCY)
                    for packed in _packed(rows):
                        if self._in_flight[key] >= limit:
                            unsent.extend(row.id for row in packed)
                            continue
                        self._in_flight[key] += 1
                        batches.append((key, packed))
            # Events of an app whose settings went since wait (HubSpot pauses them), claimed again next round.
            queries.release(self.name, unsent + no_target)
            self._held = bool(unsent)
        assert self._pool is not None
        for key, events in batches:
            settings, secret = targets[key[0]]
            self._pool.submit(self._deliver, key, settings["targetUrl"], secret, events)
        return len(batches)

    def _deliver(self, key: tuple[int, int], target: str, secret: str, events: list[Row]) -> None:
        try:
            self._send(key, target, secret, events)
        except Exception:
            log.exception("webhook delivery failed")
        finally:
            with self._lock:
                self._in_flight[key] -= 1
            self._wake.set()

    def _send(self, key: tuple[int, int], target: str, secret: str, rows: list[Row]) -> None:
        attempt = max(row.attempts for row in rows)
        # Each row's events are expanded into HubSpot's payload (outbox.py), saying the row's attempt number,
        # and joined into one array.
        texts = []
        event_ids: list[int] = []
        for row in rows:
            text, ids = events_text(row.payload, row.attempts)
            texts.append(text)
            event_ids.extend(ids)
        body = b"[" + b",".join(texts) + b"]"
        started = time.time()
        answer: Answer | None = None
        error: str | None = None
        headers = signed_headers(secret, target, body, int(started * 1000))
        try:
            answer = self._connections.post(target, body, headers)
            if not 200 <= answer.status < 300:
                error = f"HTTP {answer.status}"
        except TimeoutError:
            error = f"timed out after {self.timeout_s:g} s"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        took_s = time.time() - started
        latency_ms = int(took_s * 1000)
        status_code = None if answer is None else answer.status
        if self.journal is not None and self.journal.enabled:
            self.journal.record(
                outgoing(
                    at_ms=int(started * 1000),
                    portal_id=key[1],
                    url=target,
                    headers=headers,
                    body=body,
                    status=status_code,
                    duration_ms=took_s * 1000,
                    response_body=b"" if answer is None else answer.body,
                    error=None if answer is not None else error,
                )
            )
        delivery = (
            key[0],
            key[1],
            encode_json(event_ids).decode(),
            target,
            "delivered" if error is None else "failed",
            status_code,
            attempt,
            latency_ms,
            error,
            int(started * 1000),
        )
        with self._lock:
            if not self._outcomes:
                self._first_outcome_at = time.monotonic()
            self._outcomes.append((rows, error is None, delivery, retry_after_s(answer, time.time())))

    def _record(self, session: Session, outcomes: list[Outcome], now: int) -> None:
        """What the finished requests did to their rows (delivered, or due again later), and the attempts."""
        if not outcomes:
            return
        queries = OutboxQueries.of(session)
        queries.delivered([row.id for rows, ok, _, _ in outcomes if ok for row in rows])
        changes = []
        for rows, ok, _, asked_s in outcomes:
            for row in () if ok else rows:
                failures = row.attempts + 1
                if failures > MAX_RETRIES:
                    changes.append(("failed", failures, now, row.id))
                else:
                    delay = retry_delay_s(failures, self.retry_scale, asked_s)
                    changes.append(("pending", failures, now + int(delay * 1000), row.id))
        if changes:
            queries.retry(changes)
        ids = session.reserve_ids(len(outcomes))
        queries.insert_deliveries([(i, *delivery) for i, (_, _, delivery, _) in zip(ids, outcomes, strict=True)])

    def _flush(self) -> None:
        with self._lock:
            outcomes, self._outcomes = self._outcomes, []
        if outcomes:
            with self.database.session(write=True, settle=False) as session:
                self._record(session, outcomes, int(time.time() * 1000))
