"""The exports area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def invalid_export(message: str) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message)


def export_not_granted(raw_id: str, portal_id: int) -> ApiError:
    # What HubSpot answers for an export id it does not know (hubspot-lists-imports-exports-notes.md §1.3).
    return ApiError(
        403,
        "MISSING_SCOPES",
        f"Permission to get export file cannot be granted for exportId {raw_id[:20]} and portalId {portal_id}",
    )


def download_expired() -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", "This export link does not exist or has expired: ask for the status again."
    )


def spreadsheets_need_the_extra() -> ApiError:
    return invalid_export("XLSX exports need localspot's xlsx extra: pip install 'localspot[xlsx]'.")
