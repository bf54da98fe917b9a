"""Every HubSpot error localspot can answer, defined once.

Services raise these; the HTTP layer renders them with `ApiError.body()`. Messages and categories follow
what HubSpot sends (../shared/hubspot-api-notes.md §7) so that clients which match on them keep working.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SCOPES_DOC_URL = "https://developers.hubspot.com/scopes"


@dataclass(frozen=True)
class PropertyProblem:
    """One invalid property value, as HubSpot lists them inside a VALIDATION_ERROR."""

    name: str
    code: str
    message: str


@dataclass
class ApiError(Exception):
    status: int
    category: str
    message: str
    context: dict[str, list[str]] | None = None
    errors: list[dict[str, Any]] | None = None
    links: dict[str, str] | None = None
    sub_category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.category}: {self.message}"

    def body(self, correlation_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": correlation_id or str(uuid.uuid4()),
            "category": self.category,
        }
        if self.sub_category:
            body["subCategory"] = self.sub_category
        if self.context is not None:
            body["context"] = self.context
        if self.errors is not None:
            body["errors"] = self.errors
        if self.links is not None:
            body["links"] = self.links
        body.update(self.extra)
        return body

    def as_batch_error(self) -> dict[str, Any]:
        """The StandardError shape used inside a 207's `errors[]`; strict clients need every key."""
        return {
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": self.context or {},
            "errors": self.errors or [],
            "links": self.links or {},
        }


# --- authentication and authorisation -------------------------------------------------------------------


def invalid_authentication() -> ApiError:
    return ApiError(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
        "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    )


def missing_scopes(required_any_of: Sequence[str]) -> ApiError:
    return ApiError(
        403,
        "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call. Read more about required "
        f"scopes here: {SCOPES_DOC_URL}.",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": list(required_any_of)},
            }
        ],
        links={"scopes": SCOPES_DOC_URL},
    )


# --- request shape -------------------------------------------------------------------------------------


def validation_error(message: str, context: dict[str, list[str]] | None = None) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message, context=context)


def invalid_json(detail: str) -> ApiError:
    return validation_error(f"Invalid input JSON on line 1, column 1: {detail}")


def unknown_object_type(name: str) -> ApiError:
    return validation_error(f"Unable to infer object type from: {name}")


def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "VALIDATION_ERROR", f"Request body exceeds the limit of {limit} bytes.")


def too_many_inputs(limit: int, what: str = "inputs") -> ApiError:
    return validation_error(f"The maximum number of {what} supported in a batch request is {limit}.")


def duplicate_ids(ids: Iterable[str]) -> ApiError:
    ids = list(ids)
    return validation_error(
        f"Duplicate IDs found in batch input: [{', '.join(ids)}]. IDs must be unique", context={"ids": ids}
    )


def non_unique_id_property(object_type_id: str, prop: str, portal_id: int) -> ApiError:
    return validation_error(
        f"Unable to perform update/upsert by non-unique {object_type_id} property {prop} in portal ID {portal_id}"
    )


def invalid_property_values(problems: Sequence[PropertyProblem], portal_id: int) -> ApiError:
    details = [
        {
            "isValid": False,
            "message": p.message,
            "error": p.code,
            "name": p.name,
            "localizedErrorMessage": p.message,
            "portalId": portal_id,
        }
        for p in problems
    ]
    return ApiError(
        400,
        "VALIDATION_ERROR",
        "Property values were not valid: " + json.dumps(details, separators=(",", ":")),
        errors=[{"message": p.message, "code": p.code, "context": {"propertyName": [p.name]}} for p in problems],
    )


def invalid_associations(message: str) -> ApiError:
    return validation_error(message)


# --- records -------------------------------------------------------------------------------------------


def object_not_found(record_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        "Object not found.  objectId are usually numeric.",
        context={"id": [record_id]},
    )


def objects_not_found(error_name: str, ids: Sequence[str], trace_ids: Sequence[str] = ()) -> ApiError:
    """The single 207 error that lists every missing id of a batch read or update."""
    context: dict[str, list[str]] = {"ids": list(ids)}
    if trace_ids:
        context["objectWriteTraceId"] = list(trace_ids)
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Could not get some {error_name} objects, they may be deleted or not exist. Check that ids are valid.",
        context=context,
    )


def unique_value_conflict(object_type_id: str, prop: str, value: str, existing_id: str) -> ApiError:
    if prop == "email" and object_type_id == "0-1":
        return ApiError(409, "CONFLICT", f"Contact already exists. Existing ID: {existing_id}")
    return ApiError(
        409,
        "CONFLICT",
        f"A record with {prop}={value} already exists. Existing ID: {existing_id}",
        context={"id": [existing_id], "propertyName": [prop]},
    )


# --- properties ----------------------------------------------------------------------------------------


def property_not_found(object_type_id: str, name: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Unable to find property {name} for object type {object_type_id}",
        context={"propertyName": [name]},
    )


def property_exists(name: str) -> ApiError:
    return ApiError(
        409, "OBJECT_ALREADY_EXISTS", f"A property named '{name}' already exists.", context={"name": [name]}
    )


# --- platform ------------------------------------------------------------------------------------------


def not_found_route(path: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"No route matches {path}")


def method_not_allowed(method: str, path: str) -> ApiError:
    return ApiError(405, "VALIDATION_ERROR", f"Method {method} is not allowed on {path}")


def database_unavailable() -> ApiError:
    return ApiError(
        503,
        "SERVICE_UNAVAILABLE",
        "The service is temporarily unavailable; the database could not be reached. Retry the request.",
    )


def internal_error() -> ApiError:
    return ApiError(500, "INTERNAL_ERROR", "An internal error occurred.")


# --- search --------------------------------------------------------------------------------------------


def search_too_many_groups(count: int, limit: int) -> ApiError:
    return validation_error(f"Too many filter groups ({count}). The maximum number of filter groups is {limit}.")


def search_too_many_filters_in_group(count: int, limit: int) -> ApiError:
    return validation_error(
        f"Too many filters in a filter group ({count}). The maximum number of filters in a group is {limit}."
    )


def search_too_many_filters(count: int, limit: int) -> ApiError:
    return validation_error(f"Too many filters ({count}). The maximum number of filters in a search is {limit}.")


def search_query_too_long(limit: int) -> ApiError:
    return validation_error(f"The search query exceeds the maximum of {limit} characters.")


def search_unknown_operator(operator: str, allowed: Sequence[str]) -> ApiError:
    return validation_error(
        f"Invalid input JSON: Unknown operator {operator!r}; expected one of {', '.join(allowed)}.",
        context={"operator": [operator]},
    )


def search_missing_field(operator: str, field_name: str) -> ApiError:
    return validation_error(f"Operator {operator} requires {field_name}.", context={"operator": [operator]})


def search_bad_value(property_name: str, value: str, expected: str) -> ApiError:
    return validation_error(
        f"{value} is not a valid value for property {property_name}: expected {expected}.",
        context={"propertyName": [property_name]},
    )


def search_bad_limit(limit: int, maximum: int) -> ApiError:
    return validation_error(f"limit must be between 1 and {maximum}, got {limit}.")


def search_bad_after(after: str) -> ApiError:
    return validation_error(f"after must be a non-negative integer offset, got {after!r}.")


def search_too_many_results(maximum: int) -> ApiError:
    return validation_error(
        f"Paging beyond {maximum} results is not supported: after plus limit must not exceed {maximum}."
    )


def search_bad_sort_direction(direction: str) -> ApiError:
    return validation_error(f"Sort direction must be ASCENDING or DESCENDING, got {direction!r}.")
