"""The timeline area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def invalid_timeline(message: str, context: dict[str, list[str]] | None = None) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message, context=context)


def template_not_found(template_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Event template {template_id[:40]} does not exist.",
        context={"eventTemplateId": [template_id[:40]]},
    )


def token_not_found(template_id: str, name: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Event template {template_id} has no token {name[:60]!r}.",
        context={"tokenName": [name[:60]]},
    )


def token_exists(name: str) -> ApiError:
    return ApiError(409, "CONFLICT", f"The template already has a token named {name!r}.", context={"tokenName": [name]})


def event_not_found(template_id: str, event_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Template {template_id[:40]} has no event {event_id[:100]!r}.",
        context={"eventId": [event_id[:100]]},
    )


def event_exists(event_id: str) -> ApiError:
    return ApiError(
        409, "CONFLICT", f"An event with id {event_id!r} already exists for this template.", context={"id": [event_id]}
    )
