"""Portals over HTTP: create, list, read, delete and reset them; their tokens and owners."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.control import errors
from localspot.control.queries import ControlQueries
from localspot.control.rate_limits import RateLimits
from localspot.control.state import ControlState
from localspot.crm.owners.service import OwnerService
from localspot.kernel.portals.auth import Authenticator, hash_token, new_token
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portal_data import PortalData
from localspot.kernel.storage.portals import PortalQueries, PortalRow
from localspot.kernel.timeutil import iso_from_ms

MAX_PORTAL_ID = 2**53  # what a JavaScript client's number still holds exactly
MAX_NAME_LENGTH = 200
TOKEN_REVOCATIONS = "tokenRevocations"


class PortalCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    portal_id: int | None = None
    name: str | None = None
    scopes: list[str] | None = None


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    scopes: list[str] | None = None


class OwnerCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    email: str
    first_name: str | None = None
    last_name: str | None = None


class PortalAdmin:
    def __init__(
        self,
        database: Database,
        auth: Authenticator,
        schemas: SchemaCache,
        owners: OwnerService,
        state: ControlState,
        rate_limits: RateLimits,
    ) -> None:
        self.database = database
        self.rate_limits = rate_limits
        self.auth = auth
        self.schemas = schemas
        self.owners = owners
        self.state = state
        state.on_change(self._forget_revoked_tokens)

    def create(self, body: PortalCreate) -> tuple[int, dict[str, Any]]:
        if body.portal_id is not None and not 1 <= body.portal_id <= MAX_PORTAL_ID:
            raise errors.invalid_admin_input("portalId", f"must be a whole number from 1 to {MAX_PORTAL_ID}")
        name = _checked_name(body.name)
        scopes = _checked_scopes(body.scopes)
        token = new_token()
        with self.database.session(write=True) as session:
            portals = PortalQueries.of(session)
            portal_id = body.portal_id if body.portal_id is not None else portals.next_portal_id()
            if not portals.create_portal(portal_id, name, self.database.clock.now_ms()):
                raise errors.portal_exists(portal_id)
            self.auth.store(session, token, portal_id, scopes)
        return 201, {"portalId": portal_id, "name": name, "token": token}

    def list(self) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return {"results": [self._render(session, row) for row in PortalQueries.of(session).portals()]}

    def get(self, portal_id: int) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return self._render(session, self._portal(session, portal_id))

    def delete(self, portal_id: int) -> None:
        with self.database.session(write=True) as session:
            self._portal(session, portal_id)
            PortalData.of(session).delete(portal_id)
            ControlQueries.of(session).delete_snapshots(portal_id)
            self.rate_limits.forget(session, portal_id)
            self.rate_limits.clear_counters(session, portal_id)
            PortalQueries.of(session).delete_portal(portal_id)
            self._count_revocation(session)
        self._settle()

    def has_data(self, portal_id: int) -> bool:
        with self.database.session(write=False) as session:
            return PortalData.of(session).has_data(portal_id)

    def reset(self, portal_id: int) -> None:
        """Back to a new portal's state: every record, definition, label, limit, pipeline and owner goes;
        the portal, its tokens and its snapshots stay."""
        with self.database.session(write=True) as session:
            self._portal(session, portal_id)
            PortalData.of(session).delete(portal_id)
            self.rate_limits.clear_counters(session, portal_id)

    def create_token(self, portal_id: int, body: TokenCreate) -> tuple[int, dict[str, Any]]:
        scopes = _checked_scopes(body.scopes)
        with self.database.session(write=False) as session:
            self._portal(session, portal_id)
        token = new_token()
        self.auth.register(token, portal_id, scopes)
        return 201, {"token": token, "portalId": portal_id, "scopes": sorted(scopes) if scopes else ["*"]}

    def revoke_token(self, token: str) -> None:
        with self.database.session(write=True) as session:
            if not PortalQueries.of(session).delete_token(hash_token(token)):
                raise errors.token_not_found()
            self._count_revocation(session)
        self._settle()

    def create_owner(self, portal_id: int, body: OwnerCreate) -> tuple[int, dict[str, Any]]:
        if not body.email.strip() or len(body.email) > MAX_NAME_LENGTH:
            raise errors.invalid_admin_input("email", f"must be 1 to {MAX_NAME_LENGTH} characters")
        with self.database.session(write=False) as session:
            self._portal(session, portal_id)
        owner = self.owners.create(portal_id, email=body.email, first_name=body.first_name, last_name=body.last_name)
        return 201, owner

    # --- helpers ---------------------------------------------------------------------------------------

    @staticmethod
    def _portal(session: Session, portal_id: int) -> PortalRow:
        found = PortalQueries.of(session).portals(portal_id)
        if not found:
            raise errors.portal_not_found(portal_id)
        return found[0]

    def _render(self, session: Session, row: PortalRow) -> dict[str, Any]:
        schema = self.schemas.load(session, row.id)
        counts = PortalData.of(session).record_counts(row.id)
        return {
            "portalId": row.id,
            "name": row.name,
            "createdAt": iso_from_ms(row.created_at),
            "recordCounts": {
                (schema.types[type_id].name if type_id in schema.types else type_id): count
                for type_id, count in sorted(counts.items())
            },
        }

    def tokens_revoked(self, session: Session) -> None:
        """For other parts that delete tokens (an app and its installs): every worker forgets its cache."""
        self._count_revocation(session)

    def settle(self) -> None:
        self._settle()

    def _count_revocation(self, session: Session) -> None:
        queries = ControlQueries.of(session)
        queries.save_setting(TOKEN_REVOCATIONS, queries.settings().get(TOKEN_REVOCATIONS, 0) + 1)

    def _settle(self) -> None:
        self.state.refresh(force=True)
        self.state.settle()

    def _forget_revoked_tokens(self, before: Any, after: Any) -> None:
        if before.settings.get(TOKEN_REVOCATIONS) != after.settings.get(TOKEN_REVOCATIONS):
            self.auth.forget()


def _checked_name(name: str | None) -> str | None:
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise errors.invalid_admin_input("name", f"must be at most {MAX_NAME_LENGTH} characters")
    return name


def _checked_scopes(scopes: list[str] | None) -> list[str] | None:
    """None (every scope) or the named scopes; `*` alone also means every scope."""
    if scopes is None or scopes == ["*"]:
        return None
    for index, scope in enumerate(scopes):
        if not scope or len(scope) > MAX_NAME_LENGTH or any(c.isspace() for c in scope):
            raise errors.invalid_admin_input(f"scopes[{index}]", "must be a scope name without spaces")
    return scopes
