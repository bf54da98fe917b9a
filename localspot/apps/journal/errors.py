"""The webhooks journal's errors, each defined once (the standard error body; authentication's come from the
kernel)."""

from __future__ import annotations

from localspot.kernel.errors import ApiError, validation_error


def invalid(field: str, message: str) -> ApiError:
    return validation_error(f"{field}: {message}", {"path": [field]})


def not_installed(app_id: int, portal_id: int) -> ApiError:
    return validation_error(
        f"portalId: app {app_id} is not installed in account {portal_id}", {"portalId": [str(portal_id)]}
    )


def subscription_not_found(raw_id: str) -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", f"No journal subscription {raw_id[:32]}.", context={"subscriptionId": [raw_id[:32]]}
    )


def filter_not_found(raw_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No journal filter {raw_id[:32]}.", context={"filterId": [raw_id[:32]]})


def too_many_subscriptions(limit: int) -> ApiError:
    return validation_error(f"The app has reached the maximum of {limit} journal subscriptions.")


def offset_not_found(offsets: list[str]) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"The journal offset {', '.join(o[:64] for o in offsets)} is unknown or has expired.",
        context={"offsets": [o[:64] for o in offsets]},
    )


def snapshot_not_found(raw_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No snapshot {raw_id[:64]}.", context={"statusId": [raw_id[:64]]})


def file_link_refused() -> ApiError:
    return ApiError(403, "FORBIDDEN", "The journal file link is invalid or has expired.")


def file_not_found() -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", "The journal entry is no longer retained.")
