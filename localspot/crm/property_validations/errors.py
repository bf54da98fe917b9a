"""The property validations area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def invalid_rule(message: str) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", message)


def rule_not_found(object_type_id: str, name: str, rule_type: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"Property {name} of {object_type_id} has no {rule_type[:60]} rule.",
        context={"propertyName": [name], "ruleType": [rule_type[:60]]},
    )
