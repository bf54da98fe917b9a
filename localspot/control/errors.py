"""The control plane's errors, each defined once, in HubSpot's error envelope (what a HubSpot client's
error handling already reads)."""

from __future__ import annotations

import uuid
from http import HTTPStatus

from localspot.kernel.errors import ApiError


def admin_unauthorized() -> ApiError:
    return ApiError(
        401,
        "INVALID_AUTHENTICATION",
        "The localspot admin API needs the admin token (--admin-token) as `Authorization: Bearer <token>`.",
    )


def portal_not_found(portal_id: int | str) -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", f"Portal {portal_id} does not exist.", context={"portalId": [str(portal_id)]}
    )


def portal_exists(portal_id: int) -> ApiError:
    return ApiError(409, "CONFLICT", f"Portal {portal_id} already exists.", context={"portalId": [str(portal_id)]})


def token_not_found() -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", "No such token.")


def snapshot_not_found(portal_id: int, name: str) -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", f"Portal {portal_id} has no snapshot named {name!r}.", context={"name": [name]}
    )


def snapshot_exists(portal_id: int, name: str) -> ApiError:
    return ApiError(
        409, "CONFLICT", f"Portal {portal_id} already has a snapshot named {name!r}.", context={"name": [name]}
    )


def fault_not_found(fault_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No fault rule {fault_id}.", context={"id": [fault_id]})


def invalid_admin_input(path: str, message: str) -> ApiError:
    """A malformed admin request body; `path` names the bad field (`records.contacts[3].properties.email`)."""
    return ApiError(400, "VALIDATION_ERROR", f"{path}: {message}" if path else message, context={"path": [path]})


def portal_not_empty(portal_id: int) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"Portal {portal_id} is not empty: import into an empty portal, or with ?mode=merge.",
        context={"portalId": [str(portal_id)]},
    )


def record_ids_taken(portal_id: int, taken: list[int]) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"Record ids {', '.join(map(str, taken[:5]))} are used by another portal of this database: "
        "import with ?mode=merge for new ids.",
        context={"portalId": [str(portal_id)]},
    )


_RATE_LIMIT_MESSAGES = {
    "DAILY": "You have reached your daily limit.",
    "SECONDLY": "You have reached your secondly limit.",
    "TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
}


def rate_limited(policy: str) -> ApiError:
    """HubSpot's 429 (hubspot-api-notes.md §8): the Node client's retry reads `policyName` and `message`."""
    return ApiError(
        429,
        "RATE_LIMITS",
        _RATE_LIMIT_MESSAGES[policy],
        extra={"errorType": "RATE_LIMIT", "policyName": policy, "requestId": str(uuid.uuid4())},
    )


# A fault rule's answer when it names no body: HubSpot's envelope with the category HubSpot uses for the status
# (docs/decisions.md, "Faults"); other statuses get the status's own name.
_FAULT_ERRORS = {
    423: ("LOCKED", "The record is locked while a high-volume sync runs. Retry after at least 2 seconds."),
    429: ("RATE_LIMITS", _RATE_LIMIT_MESSAGES["TEN_SECONDLY_ROLLING"]),
    500: ("INTERNAL_ERROR", "An internal error occurred."),
    502: ("BAD_GATEWAY", "Bad gateway: the upstream service did not answer properly. Retry the request."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Retry the request."),
    504: ("GATEWAY_TIMEOUT", "The upstream service timed out. Retry the request."),
}


def fault(status: int) -> ApiError:
    if status == 429:
        return rate_limited("TEN_SECONDLY_ROLLING")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    category, message = _FAULT_ERRORS.get(status, (phrase.upper().replace(" ", "_").replace("-", "_"), phrase + "."))
    return ApiError(status, category, message)
