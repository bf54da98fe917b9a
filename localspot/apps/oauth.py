"""OAuth 2.0 as HubSpot serves it: the authorize step (consent, or auto-approval), the token endpoint's three
grants, and token metadata, introspection and revocation. Access tokens live 30 minutes on the control
plane's clock; refresh tokens until revoked or the app goes (docs/decisions.md, "OAuth")."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from localspot.apps import errors
from localspot.apps.errors import ConsentProblem
from localspot.apps.events import WEBHOOKS_VERSION, Changes
from localspot.apps.queries import AppQueries, Grant
from localspot.kernel.portals.auth import hash_token
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries

ACCESS_TOKEN_TTL_MS = 30 * 60 * 1000
CODE_TTL_MS = 10 * 60 * 1000
# localspot has no HubSpot users: every install is made by this one (docs/decisions.md, "OAuth").
INSTALLING_USER = {"user": "installer@localspot.local", "user_id": 1, "hub_domain": "localspot.local"}
Form = Mapping[str, Sequence[str]]
# (session, app id, portal id, "APP_INSTALL" or "APP_UNINSTALL"): an install's start or end, in its transaction.
Lifecycle = Callable[[Session, int, int, str], None]


@dataclass(frozen=True)
class ConsentRequest:
    app: dict[str, Any]
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _scopes(form: Form, name: str) -> list[str]:
    """Every scope of every `name` value: separated by spaces (`+` and `%20` both decode to one)."""
    return sorted({scope for value in form.get(name, ()) for scope in value.split() if scope})


class OAuthService:
    def __init__(
        self,
        database: Database,
        *,
        auto_approve: bool,
        default_portal_id: int,
        installs: Changes | None = None,
        forget: Callable[[], None] = lambda: None,
        lifecycle: Lifecycle | None = None,
    ) -> None:
        self.database = database
        self.auto_approve = auto_approve
        self.default_portal_id = default_portal_id
        # Told of each install (an exchanged code), so the webhooks' listeners are looked up again.
        self.installs = installs
        self.forget = forget
        # Told of each approved install, in its transaction (the webhooks journal's APP_INSTALL events).
        self.lifecycle = lifecycle

    # --- authorize ----------------------------------------------------------------------------------

    def consent_request(self, query: Form) -> ConsentRequest:
        with self.database.session(write=False) as session:
            app = AppQueries.of(session).app_by_client_id(_one(query, "client_id"))
        if app is None:
            raise ConsentProblem("An invalid app client_id was provided. Contact the app's developer.")
        redirect_uri = _one(query, "redirect_uri")
        if redirect_uri not in app["redirectUris"]:
            raise ConsentProblem(
                f"Authorization failed as the redirect URL '{redirect_uri[:300]}' doesn't match the app's "
                "registered redirect URL."
            )
        asked, optional = _scopes(query, "scope"), _scopes(query, "optional_scope")
        missing = sorted(set(app["scopes"]) - set(asked))
        unknown = sorted((set(asked) | set(optional)) - set(app["scopes"]) - set(app["optionalScopes"]))
        if missing or unknown:
            raise ConsentProblem(
                "The scopes in the install URL do not match the app's: "
                + "; ".join(part for part in (_listed("missing", missing), _listed("not declared", unknown)) if part)
            )
        state = query.get("state")
        return ConsentRequest(app, redirect_uri, tuple(sorted({*asked, *optional})), state[0] if state else None)

    def approves_at_once(self, request: ConsentRequest) -> bool:
        return self.auto_approve or bool(request.app.get("autoApprove"))

    def portals(self) -> list[int]:
        with self.database.session(write=False) as session:
            return [row.id for row in PortalQueries.of(session).portals()]

    def approve(self, request: ConsentRequest, portal_id: int | None) -> str:
        """The redirect to the app with a new single-use code."""
        portal = self.default_portal_id if portal_id is None else portal_id
        code = secrets.token_urlsafe(32)
        with self.database.session(write=True) as session:
            if not PortalQueries.of(session).portals(portal):
                raise ConsentProblem(f"Portal {portal} does not exist.")
            grant = Grant(
                request.app["appId"],
                portal,
                request.scopes,
                request.redirect_uri,
                session.clock.now_ms() + CODE_TTL_MS,
            )
            AppQueries.of(session).insert_code(hash_token(code), grant)
            if self.lifecycle is not None:
                self.lifecycle(session, grant.app_id, portal, "APP_INSTALL")
        return _with_query(request.redirect_uri, {"code": code, "state": request.state})

    @staticmethod
    def deny(request: ConsentRequest) -> str:
        answer = {"error": "access_denied", "error_description": "The user denied the install.", "state": request.state}
        return _with_query(request.redirect_uri, answer)

    # --- the token endpoint ---------------------------------------------------------------------------

    def token(self, form: Form, *, client_credentials: bool) -> dict[str, Any]:
        answer = self._token(form, client_credentials=client_credentials)
        if _one(form, "grant_type") == "authorization_code":
            self.forget()
            if self.installs is not None:
                self.installs.settle()
        return answer

    def _token(self, form: Form, *, client_credentials: bool) -> dict[str, Any]:
        with self.database.session(write=True) as session:
            queries = AppQueries.of(session)
            app = queries.app_by_client_id(_one(form, "client_id"))
            if app is None:
                raise errors.bad_client_id()
            if not secrets.compare_digest(_one(form, "client_secret"), app["clientSecret"]):
                raise errors.bad_client_secret()
            grant_type = _one(form, "grant_type")
            now = session.clock.now_ms()
            if grant_type == "authorization_code":
                grant = queries.take_code(hash_token(_one(form, "code")))
                if grant is None or grant.app_id != app["appId"] or grant.expires_at <= now:
                    raise errors.bad_auth_code()
                if _one(form, "redirect_uri") != grant.redirect_uri:
                    raise errors.bad_redirect_uri()
                refresh = "na1-" + secrets.token_urlsafe(32)
                queries.insert_refresh_token(hash_token(refresh), grant, now)
                if self.installs is not None:
                    self.installs.touch(session, WEBHOOKS_VERSION)
                return self._access_answer(session, grant, refresh, now)
            if grant_type == "refresh_token":
                refresh = _one(form, "refresh_token")
                grant = queries.refresh_token(hash_token(refresh))
                if grant is None or grant.app_id != app["appId"]:
                    raise errors.bad_refresh_token()
                return self._access_answer(session, grant, refresh, now)
            if grant_type == "client_credentials" and client_credentials:
                scopes = _scopes(form, "scope")
                undeclared = sorted(set(scopes) - set(app["scopes"]) - set(app["optionalScopes"]))
                if undeclared:
                    raise errors.bad_scopes(undeclared)
                token = "CCa" + secrets.token_urlsafe(40)
                queries.insert_app_token(hash_token(token), app["appId"], tuple(scopes), now + ACCESS_TOKEN_TTL_MS)
                return {
                    "access_token": token,
                    "expires_in": ACCESS_TOKEN_TTL_MS // 1000,
                    "token_type": "bearer",
                    "token_use": "client_credentials",
                    "scopes": scopes,
                }
            raise errors.bad_grant_type(grant_type)

    @staticmethod
    def _access_answer(session: Session, grant: Grant, refresh: str, now: int) -> dict[str, Any]:
        token = "COa" + secrets.token_urlsafe(40)
        PortalQueries.of(session).insert_token(
            hash_token(token),
            grant.portal_id,
            " ".join(grant.scopes),
            now,
            app_id=grant.app_id,
            expires_at=now + ACCESS_TOKEN_TTL_MS,
        )
        return {
            "token_type": "bearer",
            "refresh_token": refresh,
            "access_token": token,
            "expires_in": ACCESS_TOKEN_TTL_MS // 1000,
            "hub_id": grant.portal_id,
            "scopes": list(grant.scopes),
            "token_use": "access_token",
        }

    # --- metadata, introspection, revocation ---------------------------------------------------------

    def access_token_info(self, token: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            grant = AppQueries.of(session).access_token(hash_token(token))
            now = session.clock.now_ms()
        if grant is None:
            raise errors.bad_access_token()
        return {
            "token": token,
            **INSTALLING_USER,
            "hub_id": grant.portal_id,
            "app_id": grant.app_id,
            "scopes": list(grant.scopes),
            "expires_in": max(0, (grant.expires_at - now) // 1000),
            "token_type": "access",
        }

    def refresh_token_info(self, token: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            queries = AppQueries.of(session)
            grant = queries.refresh_token(hash_token(token))
            app = queries.apps(grant.app_id)[0] if grant is not None else None
        if grant is None or app is None:
            raise errors.unknown_refresh_token()
        return {
            "token": token,
            **INSTALLING_USER,
            "hub_id": grant.portal_id,
            "client_id": app["clientId"],
            "scopes": list(grant.scopes),
            "token_type": "refresh",
        }

    def delete_refresh_token(self, token: str) -> None:
        with self.database.session(write=True) as session:
            if not AppQueries.of(session).delete_refresh_token(hash_token(token)):
                raise errors.unknown_refresh_token()

    def introspect(self, form: Form) -> dict[str, Any]:
        """HubSpot's dated introspection: `{"active": false}` for a token it does not know."""
        app = self._client(form)
        hint = _one(form, "token_type_hint")
        token = _one(form, "token") or _one(form, "access_token") or _one(form, "refresh_token")
        with self.database.session(write=False) as session:
            queries = AppQueries.of(session)
            now = session.clock.now_ms()
            if hint != "refresh_token" and not _one(form, "refresh_token"):
                grant = queries.access_token(hash_token(token)) or queries.app_token(hash_token(token))
                if grant is not None and grant.app_id == app["appId"] and grant.expires_at > now:
                    return {
                        **_introspected(token, grant, app, "access_token"),
                        "expires_in": (grant.expires_at - now) // 1000,
                        "is_private_distribution": False,
                    }
            grant = queries.refresh_token(hash_token(token))
        if grant is None or grant.app_id != app["appId"]:
            return {"active": False}
        return _introspected(token, grant, app, "refresh_token")

    def revoke(self, form: Form) -> dict[str, Any]:
        """Revokes a refresh token; access tokens already issued keep working until they expire."""
        app = self._client(form)
        token = _one(form, "token") or _one(form, "refresh_token")
        with self.database.session(write=True) as session:
            queries = AppQueries.of(session)
            grant = queries.refresh_token(hash_token(token))
            if grant is None or grant.app_id != app["appId"]:
                raise errors.bad_refresh_token()
            queries.delete_refresh_token(hash_token(token))
        return {}

    def _client(self, form: Form) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            app = AppQueries.of(session).app_by_client_id(_one(form, "client_id"))
        if app is None:
            raise errors.bad_client_id()
        if not secrets.compare_digest(_one(form, "client_secret"), app["clientSecret"]):
            raise errors.bad_client_secret()
        return app


def _introspected(token: str, grant: Grant, app: dict[str, Any], use: str) -> dict[str, Any]:
    return {
        "active": True,
        "token": token,
        **INSTALLING_USER,
        "hub_id": grant.portal_id,
        "client_id": app["clientId"],
        "app_id": grant.app_id,
        "scopes": list(grant.scopes),
        "token_use": use,
        "token_type": "Bearer",
    }


def _listed(what: str, scopes: list[str]) -> str:
    return f"{what}: {' '.join(scopes)[:300]}" if scopes else ""


def _with_query(uri: str, values: dict[str, str | None]) -> str:
    query = urlencode({key: value for key, value in values.items() if value is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"
