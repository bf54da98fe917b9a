"""Who calls the journal: an app, by a client-credentials token (`/oauth/2026-03/token`), with the scopes each
operation needs under either of its names (the spec's `webhooks-journal-*`, the docs' `developer.*`)."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.apps.queries import AppQueries
from localspot.kernel import errors
from localspot.kernel.errors.tokens import expired_authentication
from localspot.kernel.portals.auth import hash_token
from localspot.kernel.storage import Database

DATA = ("webhooks-journal-data-access", "developer.webhooks_journal.read")
SUBSCRIPTIONS_READ = ("webhooks-journal-subscription-read", "developer.webhooks_journal.subscriptions.read")
SUBSCRIPTIONS_WRITE = ("webhooks-journal-subscription-management", "developer.webhooks_journal.subscriptions.write")
SNAPSHOTS_WRITE = ("webhooks-journal-snapshot-management", "developer.webhooks_journal.snapshots.write")
SNAPSHOTS_READ = (*SNAPSHOTS_WRITE, "developer.webhooks_journal.snapshots.read")


@dataclass(frozen=True, slots=True)
class JournalApp:
    app_id: int
    scopes: frozenset[str]
    portal_id: None = None  # the access log's portal: none, an app-level token

    def require(self, any_of: tuple[str, ...]) -> None:
        if self.scopes.isdisjoint(any_of):
            raise errors.missing_scopes(any_of)


class JournalAccess:
    def __init__(self, database: Database) -> None:
        self.database = database

    def authenticate(self, authorization: str | None) -> JournalApp:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 512:
            raise errors.invalid_authentication()
        with self.database.session(write=False, settle=False) as session:
            grant = AppQueries.of(session).app_token(hash_token(token))
            now = session.clock.now_ms()
        if grant is None:
            raise errors.invalid_authentication()
        if now >= grant.expires_at:
            raise expired_authentication(grant.expires_at, now)
        return JournalApp(grant.app_id, frozenset(grant.scopes))
