"""Bearer tokens: stored as SHA-256 hashes, each mapped to one portal and a set of scopes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from localspot.kernel import errors
from localspot.kernel.errors.tokens import expired_authentication
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import ALL_SCOPES, PortalQueries

TOKEN_PREFIX = "pat-local-"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(24)


class Authenticator:
    def __init__(self, database: Database) -> None:
        self._database = database
        # A hit is cached, with its expiry, until a token is revoked (the control plane calls `forget` in
        # every process).
        self._known: dict[str, tuple[Principal, int | None]] = {}

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise errors.invalid_authentication()
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise errors.invalid_authentication()
        known = self._known.get(token)
        if known is None:
            with self._database.session(write=False, settle=False) as session:
                row = PortalQueries.of(session).find_token(hash_token(token))
            if row is None:
                raise errors.invalid_authentication()
            known = self._known[token] = (Principal(row.portal_id, row.scopes), row.expires_at)
        principal, expires_at = known
        if expires_at is not None:
            now = self._database.clock.now_ms()
            if now >= expires_at:
                raise expired_authentication(expires_at, now)
        return principal

    def register(self, token: str, portal_id: int, scopes: Iterable[str] | None) -> None:
        """Stores a token; `scopes=None` grants every scope."""
        with self._database.session(write=True) as session:
            self.store(session, token, portal_id, scopes)

    def store(self, session: Session, token: str, portal_id: int, scopes: Iterable[str] | None) -> None:
        """`register` inside a write session of the caller's."""
        scope_text = ALL_SCOPES if scopes is None else " ".join(sorted(set(scopes)))
        portals = PortalQueries.of(session)
        portals.ensure_portal(portal_id, session.clock.now_ms())
        if portals.find_token(hash_token(token)) is None:
            portals.insert_token(hash_token(token), portal_id, scope_text, session.clock.now_ms())

    def has_tokens(self) -> bool:
        with self._database.session(write=False) as session:
            return PortalQueries.of(session).count_tokens() > 0

    def forget(self) -> None:
        """Drops every cached token: after a revocation, each token is looked up again."""
        self._known = {}
