"""The app extensions' errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError, validation_error


def invalid(field: str, message: str) -> ApiError:
    return validation_error(f"{field}: {message}", {"path": [field]})


def _not_found(message: str, field: str, value: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", message, context={field: [value]})


def settings_not_found(what: str, app_id: int) -> ApiError:
    return _not_found(f"No {what} for app {app_id}.", "appId", str(app_id))


def settings_exist(what: str, app_id: int) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"App {app_id} already has {what}; PATCH them to change them.",
        context={"appId": [str(app_id)]},
    )


def card_not_found(card_id: str) -> ApiError:
    return _not_found(f"No card {card_id[:40]} in this app.", "cardId", card_id[:40])


def flag_not_found(flag_name: str) -> ApiError:
    return _not_found(f"The app has no flag {flag_name}.", "flagName", flag_name)


def portal_not_found(portal_id: int) -> ApiError:
    return _not_found(f"No HubSpot account {portal_id}.", "portalId", str(portal_id))


def portal_state_not_found(flag_name: str, portal_id: int) -> ApiError:
    return _not_found(f"Account {portal_id} has no state for flag {flag_name}.", "portalId", str(portal_id))


def call_not_found(engagement_id: int) -> ApiError:
    return _not_found(f"No call engagement {engagement_id} in this account.", "engagementId", str(engagement_id))


def transcript_not_found(transcript_id: str) -> ApiError:
    return _not_found(f"No transcript {transcript_id[:40]} in this account.", "transcriptId", transcript_id[:40])
