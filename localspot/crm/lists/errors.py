"""The lists area's errors, each defined once (HubSpot's `ListError.` subcategories where it has them)."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def list_not_found(list_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"List {list_id[:40]} does not exist.", context={"listId": [list_id[:40]]})


def list_name_taken(name: str) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"A list named {name!r} already exists.",
        sub_category="ListError.LIST_NAME_ALREADY_EXISTS",
        context={"name": [name]},
    )


def invalid_list(message: str, sub_category: str = "ListError.INVALID_REQUEST") -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message, sub_category=sub_category)


def not_for_processing_type(list_id: str, processing_type: str, allowed: tuple[str, ...]) -> ApiError:
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"List {list_id} is a {processing_type} list; this operation is for {' and '.join(allowed)} lists.",
        sub_category="ListError.INVALID_PROCESSING_TYPE",
        context={"listId": [list_id], "processingType": [processing_type]},
    )


def invalid_object_type(object_type_id: str) -> ApiError:
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"The objectTypeId {object_type_id[:40]} provided for the list is not valid for this portal.",
        sub_category="ListError.INVALID_OBJECT_TYPE_FOR_LIST",
    )


def unsupported_filter(where: str, what: str) -> ApiError:
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"{where}: {what} is not supported by localspot's list filters yet.",
        sub_category="ListError.UNSUPPORTED_FILTER",
        context={"path": [where]},
    )


def no_conversion(list_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"List {list_id} has no conversion scheduled.",
        context={"listId": [list_id]},
    )
