"""The subscription lifecycle area's errors, each defined once."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.errors import ApiError


def wrong_status(object_id: str, action: str, status: str, allowed: Sequence[str]) -> ApiError:
    """An action the subscription's status does not take (pausing a canceled subscription, say)."""
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"Subscription {object_id} cannot be {action}: its status is {status}, not {' or '.join(allowed)}.",
        context={"objectId": [object_id], "hs_status": [status]},
    )
