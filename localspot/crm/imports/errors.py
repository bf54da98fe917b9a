"""The imports area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def invalid_import(message: str) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message)


def property_not_found(object_type_id: str, name: str, column: str) -> ApiError:
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"Column {column!r} maps property {name!r}, which {object_type_id} does not have.",
        context={"propertyName": [name]},
    )


def import_id_not_positive(raw: str) -> ApiError:
    # What HubSpot answers for `GET /crm/v3/imports/0` (hubspot-lists-imports-exports-notes.md §1.3).
    return ApiError(400, "VALIDATION_ERROR", "importId must be positive.", context={"importId": [raw[:40]]})


def import_not_found(import_id: int) -> ApiError:
    return ApiError(
        404, "OBJECT_NOT_FOUND", f"Import {import_id} does not exist.", context={"importId": [str(import_id)]}
    )


def not_multipart() -> ApiError:
    return invalid_import(
        "An import is a multipart/form-data request with an `importRequest` part and one `files` part per file."
    )


def spreadsheets_need_the_extra() -> ApiError:
    return invalid_import("Spreadsheet files need localspot's xlsx extra: pip install 'localspot[xlsx]'.")
