"""The object library area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def object_type_not_found(object_type_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Object type {object_type_id[:60]} does not exist.",
        context={"objectTypeId": [object_type_id[:60]]},
    )
