"""The answer to an OAuth access token that has expired (the app platform's tokens expire on the clock)."""

from __future__ import annotations

from localspot.kernel.errors import ApiError
from localspot.kernel.timeutil import iso_from_ms

_UNITS = ((86_400, "day"), (3_600, "hour"), (60, "minute"))


def expired_authentication(expired_at: int, now: int) -> ApiError:
    seconds = max(0, (now - expired_at) // 1000)
    amount, unit = seconds, "second"
    for size, name in _UNITS:
        if seconds >= size:
            amount, unit = seconds // size, name
            break
    return ApiError(
        401,
        "EXPIRED_AUTHENTICATION",
        f"The OAuth token used to make this call expired {amount} {unit}(s) ago.",
        context={"expire time": [iso_from_ms(expired_at)]},
    )
