"""Reading the journal (`/webhooks-journal/journal[-local]/2026-03/...`): each read answers references to
entries — `{url, expiresAt, currentOffset}` — whose `url` is a signed link localspot serves itself
(`/_localspot/journal-files/{appId}/{offset}`), to be fetched without credentials before it expires. The global
journal holds an app's entries of every account; the local one those of `installPortalId`. Entries older than
the retention (3 days on the control plane's clock) are gone: their offsets answer 404."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import msgspec

from localspot.apps.journal import errors
from localspot.apps.journal.access import DATA, SNAPSHOTS_READ, JournalApp
from localspot.apps.journal.events import RETENTION_MS
from localspot.apps.journal.queries import JournalQueries
from localspot.apps.queries import AppQueries
from localspot.kernel.storage import Database, Session
from localspot.kernel.timeutil import iso_from_ms

FILES_PATH = "/_localspot/journal-files"
LINK_TTL_MS = 15 * 60 * 1000
MAX_COUNT = 100  # entries one batch read answers (a larger count is served as this many)
MAX_OFFSETS = 100
MAX_OFFSET_LENGTH = 64
Entry = tuple[int, str, int, int]  # id, offset, portal id, created at


class BatchRead(msgspec.Struct):
    inputs: list[str]


class JournalReads:
    def __init__(self, database: Database) -> None:
        self.database = database

    def single(self, app: JournalApp, base_url: str, portal: int | None, *, latest: bool) -> dict[str, Any] | None:
        """The oldest retained entry (the newest with `latest`); None (204) when there is none."""
        found = self._batch(app, base_url, portal, None, 1, latest=latest)
        return found[0] if found else None

    def next(self, app: JournalApp, base_url: str, portal: int | None, offset: str) -> dict[str, Any] | None:
        """The entry after `offset`; None (204) when none came yet."""
        found = self._batch(app, base_url, portal, offset, 1, latest=False)
        return found[0] if found else None

    def batch(
        self, app: JournalApp, base_url: str, portal: int | None, raw_count: str, offset: str | None, *, latest: bool
    ) -> dict[str, Any]:
        if not raw_count.isdigit() or len(raw_count) > 9 or int(raw_count) < 1:
            raise errors.invalid("count", "must be a whole number of at least 1")
        with self.database.session(write=False) as session:
            started = iso_from_ms(session.clock.now_ms())
        results = self._batch(app, base_url, portal, offset, min(int(raw_count), MAX_COUNT), latest=latest)
        return {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": started}

    def batch_read(self, app: JournalApp, base_url: str, portal: int | None, body: BatchRead) -> tuple[int, Any]:
        """One reference per known offset, in the inputs' order; unknown or expired ones in one 207 error."""
        app.require(DATA)
        if len(body.inputs) > MAX_OFFSETS:
            raise errors.invalid("inputs", f"at most {MAX_OFFSETS} offsets")
        offsets = list(dict.fromkeys(body.inputs))
        with self.database.session(write=False) as session:
            now = session.clock.now_ms()
            found = JournalQueries.of(session).entries_by_offset(
                app.app_id, [o for o in offsets if len(o) <= MAX_OFFSET_LENGTH]
            )
            kept = {o: e for o, e in found.items() if _visible(e, portal, now)}
            results = self._refs(session, app.app_id, base_url, [kept[o] for o in offsets if o in kept], now)
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        missing = [o for o in offsets if o not in kept]
        if missing:
            answer.update(numErrors=1, errors=[errors.offset_not_found(missing).as_batch_error()])
        started = iso_from_ms(now)
        answer.update(startedAt=started, completedAt=started)
        return (207 if missing else 200), answer

    def _batch(
        self, app: JournalApp, base_url: str, portal: int | None, offset: str | None, count: int, *, latest: bool
    ) -> list[dict[str, Any]]:
        app.require(DATA)
        with self.database.session(write=False) as session:
            now = session.clock.now_ms()
            queries = JournalQueries.of(session)
            after = 0
            if offset is not None:
                found = queries.entries_by_offset(app.app_id, [offset]) if len(offset) <= MAX_OFFSET_LENGTH else {}
                entry = found.get(offset)
                if entry is None or not _visible(entry, portal, now):
                    raise errors.offset_not_found([offset])
                after = entry[0]
            rows = queries.entries(app.app_id, portal, now - RETENTION_MS, after=after, count=count, newest=latest)
            return self._refs(session, app.app_id, base_url, rows, now)

    @staticmethod
    def _refs(session: Session, app_id: int, base_url: str, rows: list[Entry], now: int) -> list[dict[str, Any]]:
        if not rows:
            return []
        secret = AppQueries.of(session).apps(app_id)[0]["clientSecret"]
        expires = now + LINK_TTL_MS
        return [
            {
                "url": f"{base_url.rstrip('/')}{FILES_PATH}/{app_id}/{offset}?expires={expires}"
                f"&signature={_signature(secret, app_id, offset, expires)}",
                "expiresAt": iso_from_ms(expires),
                "currentOffset": offset,
            }
            for _, offset, _, _ in rows
        ]

    # --- the files ---------------------------------------------------------------------------------------

    def file(self, raw_app_id: str, offset: str, raw_expires: str | None, signature: str | None) -> dict[str, Any]:
        """An entry's file, for its signed link (no credentials): HubSpot's journal file."""
        if not raw_app_id.isdigit() or len(raw_app_id) > 18 or not (raw_expires or "").isdigit():
            raise errors.file_link_refused()
        app_id, expires = int(raw_app_id), int(raw_expires or "0")
        with self.database.session(write=False) as session:
            now = session.clock.now_ms()
            found = AppQueries.of(session).apps(app_id)
            if not found or expires < now or len(raw_expires or "") > 15:
                raise errors.file_link_refused()
            wanted = _signature(found[0]["clientSecret"], app_id, offset, expires)
            if not hmac.compare_digest(wanted, signature or ""):
                raise errors.file_link_refused()
            entry = JournalQueries.of(session).entry_file(app_id, offset)
        if entry is None or entry[1] < now - RETENTION_MS:
            raise errors.file_not_found()
        return {
            "offset": offset,
            "publishedAt": iso_from_ms(entry[1]),
            "journalEvents": msgspec.json.decode(entry[0]),
        }

    # --- snapshot statuses -------------------------------------------------------------------------------

    def status(self, app: JournalApp, raw_id: str) -> dict[str, Any]:
        app.require(SNAPSHOTS_READ)
        with self.database.session(write=False) as session:
            now = session.clock.now_ms()
            row = JournalQueries.of(session).snapshot(app.app_id, raw_id) if len(raw_id) <= 64 else None
        if row is None:
            raise errors.snapshot_not_found(raw_id)
        status, error_code, message, initiated_at, completed_at = row
        if initiated_at < now - RETENTION_MS:
            status = "EXPIRED"
        answer: dict[str, Any] = {"id": raw_id, "status": status, "initiatedAt": initiated_at}
        if completed_at is not None:
            answer["completedAt"] = completed_at
        if error_code is not None:
            answer.update(errorCode=error_code, message=message)
        return answer


def _visible(entry: Entry, portal: int | None, now: int) -> bool:
    return entry[3] >= now - RETENTION_MS and (portal is None or entry[2] == portal)


def _signature(secret: str, app_id: int, offset: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{app_id}/{offset}/{expires}".encode(), hashlib.sha256).hexdigest()
