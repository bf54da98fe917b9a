"""`/_localspot/apps`: the apps a developer registers (HubSpot's developer account), each with its client id,
secret, developer API key, redirect URLs and scopes. Apps are stored, so they survive restarts."""

from __future__ import annotations

import re
import uuid
from typing import Any, Protocol

import msgspec

from localspot.apps import errors
from localspot.apps.oauth import Lifecycle
from localspot.apps.queries import AppQueries
from localspot.kernel.portals.auth import hash_token
from localspot.kernel.storage import Database, Session
from localspot.kernel.timeutil import iso_from_ms

MAX_NAME_LENGTH = 200
MAX_REDIRECT_URIS = 20
MAX_URI_LENGTH = 2_000
MAX_SCOPES = 500
SCOPE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


class AppCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: str
    redirect_uris: list[str]
    scopes: list[str] = []
    optional_scopes: list[str] = []
    # Installs of this app are approved at once, without the consent page (unattended tests).
    auto_approve: bool = False


class Revocations(Protocol):
    """Tells every worker that tokens went away (the control plane's portals, which count revocations)."""

    def tokens_revoked(self, session: Session) -> None: ...

    def settle(self) -> None: ...


class AppRegistry:
    def __init__(self, database: Database, revocations: Revocations, lifecycle: Lifecycle | None = None) -> None:
        self.database = database
        self.revocations = revocations
        # Told of each uninstall, in its transaction (the webhooks journal's APP_UNINSTALL events).
        self.lifecycle = lifecycle

    def create(self, body: AppCreate) -> tuple[int, dict[str, Any]]:
        _check(body)
        with self.database.session(write=True) as session:
            app_id = session.reserve_ids(1)[0]
            app = {
                "appId": app_id,
                "name": body.name,
                "clientId": str(uuid.uuid4()),
                "clientSecret": str(uuid.uuid4()),
                "developerApiKey": str(uuid.uuid4()),
                "redirectUris": list(body.redirect_uris),
                "scopes": sorted(set(body.scopes)),
                "optionalScopes": sorted(set(body.optional_scopes) - set(body.scopes)),
                "autoApprove": body.auto_approve,
                "createdAt": iso_from_ms(session.clock.now_ms()),
            }
            AppQueries.of(session).insert_app(app_id, app["clientId"], app, session.clock.now_ms())
        return 201, app

    def list(self) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return {"results": AppQueries.of(session).apps()}

    def get(self, raw_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            found = AppQueries.of(session).apps(_app_id(raw_id))
        if not found:
            raise errors.app_not_found(raw_id)
        return found[0]

    def delete(self, raw_id: str) -> None:
        """The app goes, and every install with it: its codes and tokens stop working."""
        with self.database.session(write=True) as session:
            if not AppQueries.of(session).delete_app(_app_id(raw_id)):
                raise errors.app_not_found(raw_id)
            self.revocations.tokens_revoked(session)
        self.revocations.settle()

    def uninstall(self, access_token: str | None) -> None:
        """The app whose OAuth access token this is leaves the token's portal: its tokens there stop working
        (as when the app is deleted, for that one portal)."""
        with self.database.session(write=True) as session:
            queries = AppQueries.of(session)
            grant = queries.access_token(hash_token(access_token)) if access_token else None
            if grant is None or grant.expires_at <= session.clock.now_ms():
                raise errors.not_an_app_token()
            if self.lifecycle is not None:
                self.lifecycle(session, grant.app_id, grant.portal_id, "APP_UNINSTALL")
            queries.delete_install(grant.app_id, grant.portal_id)
            self.revocations.tokens_revoked(session)
        self.revocations.settle()


def _app_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise errors.app_not_found(raw)
    return int(raw)


def _check(body: AppCreate) -> None:
    if not body.name.strip() or len(body.name) > MAX_NAME_LENGTH:
        raise errors.invalid_app("name", f"must be 1 to {MAX_NAME_LENGTH} characters")
    if not body.redirect_uris or len(body.redirect_uris) > MAX_REDIRECT_URIS:
        raise errors.invalid_app("redirectUris", f"must list 1 to {MAX_REDIRECT_URIS} URLs")
    for index, uri in enumerate(body.redirect_uris):
        if len(uri) > MAX_URI_LENGTH or not re.match(r"^https?://[^\s/?#]+[^\s]*$", uri):
            raise errors.invalid_app(f"redirectUris[{index}]", "must be an http or https URL")
    for field, scopes in (("scopes", body.scopes), ("optionalScopes", body.optional_scopes)):
        if len(scopes) > MAX_SCOPES:
            raise errors.invalid_app(field, f"at most {MAX_SCOPES} scopes")
        for index, scope in enumerate(scopes):
            if not SCOPE.match(scope):
                raise errors.invalid_app(f"{field}[{index}]", "must be a scope name (lower case, dots)")
