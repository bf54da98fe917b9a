"""The errors for requests no route takes (localspot/kernel/web/routing.py), in HubSpot's envelope."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.errors import ApiError


def not_found_route(path: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No route matches {path}")


def method_not_allowed(method: str, path: str) -> ApiError:
    return ApiError(405, "VALIDATION_ERROR", f"Method {method} is not allowed on {path}")


def unknown_api_version(version: str, served: Sequence[str]) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"API version {version} does not exist. The date versions are {', '.join(served)}.",
        context={"version": [version]},
    )
