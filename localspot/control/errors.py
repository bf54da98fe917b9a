"""The control plane's errors, each defined once, in HubSpot's error envelope (what a HubSpot client's
error handling already reads)."""

from __future__ import annotations

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
