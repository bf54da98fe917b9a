"""Every HubSpot error localspot can answer, defined once: here, or in a module of this package for one part
(`errors.server`: what the HTTP server refuses). Services raise these and `ApiError.body()` renders them, with
HubSpot's messages and categories (../shared/hubspot-api-notes.md §7); 507, which HubSpot lacks: decisions.md."""

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
        batch_error = {
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": self.context or {},
            "errors": self.errors or [],
            "links": self.links or {},
        }
        return batch_error | ({"subCategory": self.sub_category} if self.sub_category else {})


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


def nul_character() -> ApiError:
    return validation_error("Invalid input: text values cannot contain the NUL character (\\u0000).")


def invalid_json(detail: str) -> ApiError:
    return validation_error(f"Invalid input JSON on line 1, column 1: {detail}")


def unknown_object_type(name: str) -> ApiError:
    return validation_error(f"Unable to infer object type from: {name}")


def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "VALIDATION_ERROR", f"Request body exceeds the limit of {limit} bytes.")


def body_too_deep(limit: int) -> ApiError:
    return validation_error(f"Invalid input JSON: nested deeper than {limit} levels.")


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


def unique_value_taken_concurrently() -> ApiError:
    """A concurrent writer took a unique value between a write's check and its insert."""
    return ApiError(409, "CONFLICT", "A unique value was taken by a concurrent write; retry the request.")


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


def database_unavailable(*, busy: bool = False) -> ApiError:
    """busy: every database connection is lent out to other requests (load, not an outage)."""
    reason = "the server is busy: every database connection is in use" if busy else "the database could not be reached"
    return ApiError(503, "SERVICE_UNAVAILABLE", f"The service is temporarily unavailable; {reason}. Retry the request.")


def storage_full() -> ApiError:
    return ApiError(507, "INSUFFICIENT_STORAGE", "The server's storage is full; nothing was written. Retry later.")


def internal_error() -> ApiError:
    return ApiError(500, "INTERNAL_ERROR", "An internal error occurred.")


# --- properties API: definitions and groups ---------------------------------------------------------------


def property_definition_read_only(name: str) -> ApiError:
    return validation_error(
        f"Property {name} is defined by HubSpot; its definition is read-only and cannot be changed.",
        context={"propertyName": [name]},
    )


def property_not_archivable(names: Sequence[str]) -> ApiError:
    return validation_error(
        f"HubSpot-defined properties cannot be archived: {', '.join(names)}.", context={"propertyName": list(names)}
    )


def property_values_do_not_fit(name: str, offenders: Sequence[tuple[int, str]]) -> ApiError:
    """A definition change refused because stored records hold values it would make invalid."""
    examples = "; ".join(f"record {record_id}: {problem}" for record_id, problem in offenders)
    return validation_error(
        f"Cannot change property {name}: existing records hold values that do not fit the new definition "
        f"({examples}). Clear or change those values first.",
        context={"propertyName": [name], "ids": [str(record_id) for record_id, _ in offenders]},
    )


def with_property_name(error: ApiError, name: str) -> ApiError:
    """The error for one input of a properties batch, naming that input's property."""
    context = dict(error.context or {})
    context.setdefault("name", [name])
    return ApiError(error.status, error.category, error.message, context=context, errors=error.errors)


def property_group_not_found(object_type_id: str, name: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Unable to find property group {name} for object type {object_type_id}",
        context={"groupName": [name]},
    )


def property_group_exists(name: str) -> ApiError:
    return ApiError(
        409,
        "OBJECT_ALREADY_EXISTS",
        f"A property group named '{name}' already exists.",
        context={"name": [name]},
    )


def property_group_read_only(name: str) -> ApiError:
    return validation_error(
        f"Property group {name} is defined by HubSpot; it cannot be changed or deleted.",
        context={"groupName": [name]},
    )


def property_group_in_use(name: str, property_names: Sequence[str]) -> ApiError:
    shown = list(property_names[:20])
    return validation_error(
        f"Property group {name} still contains properties ({', '.join(shown)}); move or archive them first.",
        context={"groupName": [name], "propertyName": shown},
    )


# --- associations --------------------------------------------------------------------------------------


def association_record_not_found(object_type_id: str, record_id: str) -> ApiError:
    """A single-record association call naming a record that does not exist (or is archived)."""
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No {object_type_id} record with id {record_id} exists.",
        context={"objectTypeId": [object_type_id], "id": [record_id]},
    )


def association_from_not_found(from_type: str, to_type: str, from_id: str) -> ApiError:
    """One input of a batch naming a from-record that does not exist (HubSpot's 207 error shape)."""
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No {from_type} record with id {from_id} exists.",
        context={"fromObjectId": [from_id], "fromObjectType": [from_type], "toObjectType": [to_type]},
    )


def association_to_not_found(from_type: str, to_type: str, from_id: str, to_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No {to_type} record with id {to_id} exists.",
        context={
            "fromObjectId": [from_id],
            "toObjectId": [to_id],
            "fromObjectType": [from_type],
            "toObjectType": [to_type],
        },
    )


def invalid_association_type(from_type: str, to_type: str, category: str, type_id: int | str) -> ApiError:
    return validation_error(
        f"Association type {type_id} ({category}) is not valid from {from_type} to {to_type}.",
        context={"associationTypeId": [str(type_id)], "associationCategory": [category]},
    )


def self_association(record_id: str) -> ApiError:
    return validation_error(f"A record cannot be associated with itself: {record_id}.")


def association_limit_exceeded(from_id: str, category: str, type_id: int, limit: int) -> ApiError:
    return validation_error(
        f"Record {from_id} would exceed the limit of {limit} associations of type {type_id} ({category}).",
        context={"fromObjectId": [from_id], "associationTypeId": [str(type_id)], "limit": [str(limit)]},
    )


def association_label_invalid(message: str) -> ApiError:
    return validation_error(message)


def association_label_not_found(from_type: str, to_type: str, type_id: int) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No association label with typeId {type_id} exists from {from_type} to {to_type}.",
        context={"associationTypeId": [str(type_id)]},
    )


def association_label_exists(name: str) -> ApiError:
    return ApiError(
        409,
        "OBJECT_ALREADY_EXISTS",
        f"An association label named '{name}' already exists for this pair of object types.",
        context={"name": [name]},
    )


def association_label_in_use(type_id: int) -> ApiError:
    return validation_error(
        f"Association label {type_id} is in use; remove it from every association before deleting it.",
        context={"associationTypeId": [str(type_id)]},
    )


def association_type_read_only(type_id: int) -> ApiError:
    return validation_error(
        f"Association type {type_id} is defined by HubSpot and cannot be changed or deleted.",
        context={"associationTypeId": [str(type_id)]},
    )


def association_limit_exists(category: str, type_id: int) -> ApiError:
    return ApiError(
        409,
        "CONFLICT",
        f"A limit for association type {type_id} ({category}) already exists; update it instead.",
        context={"associationTypeId": [str(type_id)], "associationCategory": [category]},
    )


def association_limit_not_found(category: str, type_id: int) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"No limit is configured for association type {type_id} ({category}).",
        context={"associationTypeId": [str(type_id)], "associationCategory": [category]},
    )


# --- objects API (reads, upsert, archive, merge, GDPR delete) -------------------------------------------


def too_many_history_inputs(limit: int) -> ApiError:
    return validation_error(
        f"The maximum number of inputs supported in a batch request for property histories is {limit}"
    )


def invalid_paging_cursor(after: str) -> ApiError:
    return validation_error(f'Invalid paging cursor "{after[:100]}": use paging.next.after from a previous page.')


def id_property_required() -> ApiError:
    return validation_error("Every upsert input needs an idProperty naming a unique property.")


def not_mergeable(object_type_name: str) -> ApiError:
    return validation_error(f"Records of type {object_type_name} cannot be merged.")


def merge_with_itself(record_id: str) -> ApiError:
    return validation_error(f"Cannot merge record {record_id} with itself.", context={"id": [record_id]})


def gdpr_delete_unsupported(object_type_name: str) -> ApiError:
    return validation_error(f"GDPR delete is only available for contacts, not for {object_type_name}.")


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
