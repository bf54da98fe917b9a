"""The app extensions' errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def invalid(field: str, message: str) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", f"{field}: {message}", context={"path": [field]})


def settings_not_found(what: str, app_id: int) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No {what} for app {app_id}.", context={"appId": [str(app_id)]})


def settings_exist(what: str, app_id: int) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"App {app_id} already has {what}; PATCH them to change them.",
        context={"appId": [str(app_id)]},
    )


def card_not_found(card_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No card {card_id[:40]} in this app.", context={"cardId": [card_id[:40]]})


def flag_not_found(flag_name: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"The app has no flag {flag_name}.", context={"flagName": [flag_name]})


def portal_not_found(portal_id: int) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No HubSpot account {portal_id}.", context={"portalId": [str(portal_id)]})


def portal_state_not_found(flag_name: str, portal_id: int) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Account {portal_id} has no state for flag {flag_name}.",
        context={"portalId": [str(portal_id)]},
    )


def call_not_found(engagement_id: int) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No call engagement {engagement_id} in this account.",
        context={"engagementId": [str(engagement_id)]},
    )


def transcript_not_found(transcript_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No transcript {transcript_id[:40]} in this account.",
        context={"transcriptId": [transcript_id[:40]]},
    )
