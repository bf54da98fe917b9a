"""The errors of what an object type's definition does not take (kernel/schema/model.py), in HubSpot's
envelope: like a merge of a type that is not mergeable, a 400 VALIDATION_ERROR naming the type."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.errors import ApiError


def writes_unsupported(object_type_name: str, operations: Sequence[str]) -> ApiError:
    """A write the type does not take: feedback submissions are read only, partner clients only updated."""
    listed = ", ".join(operations)
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"Records of type {object_type_name} do not support {listed} through the API.",
        context={"objectType": [object_type_name], "operations": list(operations)},
    )
