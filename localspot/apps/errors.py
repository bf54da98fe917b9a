"""The app platform's errors, each defined once. The token endpoints answer HubSpot's flat OAuth body
(`status`, `message`, RFC 6749's `error` and `error_description`); the admin API answers the usual envelope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from localspot.kernel.errors import ApiError


@dataclass
class OAuthError(Exception):
    status: str
    message: str
    error: str
    http_status: int = 400

    def body(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "error": self.error,
            "error_description": self.message,
            "correlationId": str(uuid.uuid4()),
        }


def bad_client_id() -> OAuthError:
    return OAuthError("BAD_CLIENT_ID", "missing or unknown client id", "invalid_client")


def bad_client_secret() -> OAuthError:
    return OAuthError("BAD_CLIENT_SECRET", "missing or invalid client secret", "invalid_client")


def bad_auth_code() -> OAuthError:
    return OAuthError("BAD_AUTH_CODE", "missing or unknown auth code", "invalid_grant")


def bad_redirect_uri() -> OAuthError:
    return OAuthError("BAD_REDIRECT_URI", "redirect uri mismatch", "invalid_grant")


def bad_refresh_token() -> OAuthError:
    return OAuthError("BAD_REFRESH_TOKEN", "refresh token is invalid, expired or revoked", "invalid_grant")


def bad_grant_type(grant_type: str) -> OAuthError:
    return OAuthError("BAD_GRANT_TYPE", f"unsupported grant type {grant_type[:64]!r}", "unsupported_grant_type")


def bad_scopes(scopes: list[str]) -> OAuthError:
    return OAuthError("BAD_SCOPES", f"scopes not allowed for this app: {' '.join(scopes)[:500]}", "invalid_scope")


def bad_access_token() -> OAuthError:
    return OAuthError("BAD_ACCESS_TOKEN", "missing or unknown access token", "invalid_token", http_status=404)


def unknown_refresh_token() -> OAuthError:
    return OAuthError("BAD_REFRESH_TOKEN", "missing or unknown refresh token", "invalid_grant", http_status=404)


def unsupported_media_type() -> OAuthError:
    return OAuthError(
        "BAD_REQUEST", "the token endpoints take application/x-www-form-urlencoded", "invalid_request", 415
    )


def app_not_found(app_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No app {app_id}.", context={"appId": [app_id]})


def not_an_app_token() -> ApiError:
    return ApiError(
        401,
        "INVALID_AUTHENTICATION",
        "Uninstalling an app takes the OAuth access token of its install in the account.",
    )


def invalid_app(field: str, message: str) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", f"{field}: {message}", context={"path": [field]})


class ConsentProblem(Exception):
    """A problem with the authorize request itself: shown on localspot's own page, never redirected (RFC 6749
    §4.1.2.1 forbids redirecting to an unverified URI)."""
