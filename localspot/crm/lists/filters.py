"""A list's `filterBranch`: checked, normalised as HubSpot echoes it (every branch with its operator and
arrays), and turned into the search area's filter groups (OR of ANDs), which is how DYNAMIC and SNAPSHOT
lists find their members. PROPERTY and CONSTANT filters are served; the others answer 400 naming them."""

from __future__ import annotations

import itertools
from typing import Any

from localspot.crm.lists import errors
from localspot.crm.search.service import SearchFilter

MAX_GROUPS = 64
MAX_FILTERS = 100
# A filter every record passes: the id is always set.
EVERY_RECORD = SearchFilter("hs_object_id", "HAS_PROPERTY")

# (operationType, operator) -> (search operator, the operation's field that holds the operand or None)
_SIMPLE: dict[tuple[str, str], tuple[str, str | None]] = {
    ("ALL_PROPERTY", "IS_KNOWN"): ("HAS_PROPERTY", None),
    ("ALL_PROPERTY", "IS_NOT_BLANK"): ("HAS_PROPERTY", None),
    ("ALL_PROPERTY", "IS_UNKNOWN"): ("NOT_HAS_PROPERTY", None),
    ("ALL_PROPERTY", "IS_BLANK"): ("NOT_HAS_PROPERTY", None),
    ("STRING", "IS_EQUAL_TO"): ("EQ", "value"),
    ("STRING", "IS_NOT_EQUAL_TO"): ("NEQ", "value"),
    ("STRING", "CONTAINS"): ("CONTAINS_TOKEN", "value"),
    ("STRING", "DOES_NOT_CONTAIN"): ("NOT_CONTAINS_TOKEN", "value"),
    ("MULTISTRING", "IS_EQUAL_TO"): ("IN", "values"),
    ("MULTISTRING", "IS_NOT_EQUAL_TO"): ("NOT_IN", "values"),
    ("NUMBER", "IS_EQUAL_TO"): ("EQ", "value"),
    ("NUMBER", "IS_NOT_EQUAL_TO"): ("NEQ", "value"),
    ("NUMBER", "IS_GREATER_THAN"): ("GT", "value"),
    ("NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO"): ("GTE", "value"),
    ("NUMBER", "IS_LESS_THAN"): ("LT", "value"),
    ("NUMBER", "IS_LESS_THAN_OR_EQUAL_TO"): ("LTE", "value"),
    ("BOOL", "IS_EQUAL_TO"): ("EQ", "value"),
    ("BOOL", "IS_NOT_EQUAL_TO"): ("NEQ", "value"),
    ("ENUMERATION", "IS_ANY_OF"): ("IN", "values"),
    ("ENUMERATION", "IS_NONE_OF"): ("NOT_IN", "values"),
    ("DATETIME", "IS_BEFORE"): ("LT", "timestamp"),
    ("DATETIME", "IS_BEFORE_DATE"): ("LT", "timestamp"),
    ("DATETIME", "IS_AFTER"): ("GT", "timestamp"),
    ("DATETIME", "IS_AFTER_DATE"): ("GT", "timestamp"),
    ("DATETIME", "IS_EQUAL_TO"): ("EQ", "timestamp"),
}
_RANGED = {"NUMBER_RANGED": ("lowerBound", "upperBound"), "RANGED_DATE": ("lowerBound", "upperBound")}
_NEGATIVE = {"NEQ", "NOT_IN", "NOT_CONTAINS_TOKEN"}


def normalised(branch: dict[str, Any]) -> dict[str, Any]:
    """The branch as HubSpot echoes it: operator, filters and child branches on every branch."""
    kind = str(branch.get("filterBranchType", ""))
    filters = [_normalised_filter(f) for f in branch.get("filters") or []]
    return {
        **branch,
        "filterBranchType": kind,
        "filterBranchOperator": branch.get("filterBranchOperator") or kind,
        "filters": filters,
        "filterBranches": [normalised(child) for child in branch.get("filterBranches") or []],
    }


def _normalised_filter(item: Any) -> Any:
    if isinstance(item, dict) and isinstance(item.get("operation"), dict):
        operation = item["operation"]
        return {**item, "operation": {"includeObjectsWithNoValueSet": False, **operation}}
    return item


def search_groups(branch: dict[str, Any]) -> list[list[SearchFilter]]:
    """The OR of ANDs the branch means, for the search area; an empty list matches no record."""
    if not isinstance(branch, dict):
        raise errors.invalid_list("filterBranch must be an object.")
    kind = branch.get("filterBranchType")
    where = "filterBranch"
    if kind == "AND":
        ands = [(where, branch)]
    elif kind == "OR":
        if branch.get("filters"):
            raise errors.invalid_list("filterBranch: an OR branch takes AND branches, not filters.")
        ands = [(f"{where}.filterBranches[{i}]", b) for i, b in enumerate(branch.get("filterBranches") or [])]
    else:
        raise errors.invalid_list("filterBranch: the root branch must be an OR branch (or an AND branch).")
    groups: list[list[SearchFilter]] = []
    count = 0
    for path, child in ands:
        if not isinstance(child, dict) or child.get("filterBranchType") != "AND":
            raise errors.invalid_list(f"{path}: the branches of an OR branch are AND branches.")
        if child.get("filterBranches"):
            raise errors.unsupported_filter(f"{path}.filterBranches", "a nested branch (ASSOCIATION, UNIFIED_EVENTS)")
        filters = child.get("filters") or []
        count += len(filters)
        if count > MAX_FILTERS:
            raise errors.invalid_list(f"A list takes at most {MAX_FILTERS} filters.")
        groups.extend(_and_groups(path, filters))
        if len(groups) > MAX_GROUPS:
            raise errors.invalid_list(f"The filters expand to more than {MAX_GROUPS} alternatives.")
    return groups


def _and_groups(path: str, filters: list[Any]) -> list[list[SearchFilter]]:
    """One AND branch as search groups: a filter that also accepts records without a value is two
    alternatives, so the branch expands to the product of its filters' alternatives."""
    alternatives: list[list[list[SearchFilter]]] = []
    for index, item in enumerate(filters):
        options = _filter(f"{path}.filters[{index}]", item)
        if not options:
            return []  # a filter no record passes: the branch accepts nothing
        alternatives.append(options)
    if not alternatives:
        return [[EVERY_RECORD]]
    return [[f for part in choice for f in part] or [EVERY_RECORD] for choice in itertools.product(*alternatives)]


def _filter(path: str, item: Any) -> list[list[SearchFilter]]:
    """The filter's alternatives, each a list of ANDed search filters (an empty list of alternatives: none)."""
    if not isinstance(item, dict):
        raise errors.invalid_list(f"{path}: a filter is an object.")
    kind = item.get("filterType")
    if kind == "CONSTANT":
        return [[]] if item.get("shouldAccept") is True else []
    if kind != "PROPERTY":
        raise errors.unsupported_filter(f"{path}.filterType", f"the {kind!r} filter type")
    name, operation = item.get("property"), item.get("operation")
    if not isinstance(name, str) or not name or not isinstance(operation, dict):
        raise errors.invalid_list(f"{path}: a PROPERTY filter names its property and operation.")
    operation_type, operator = operation.get("operationType"), operation.get("operator")
    with_empty = operation.get("includeObjectsWithNoValueSet") is True
    if operation_type in _RANGED and operator == "IS_BETWEEN":
        lower_key, upper_key = _RANGED[operation_type]
        lower = operation.get(lower_key, operation.get(f"{lower_key}Timestamp"))
        upper = operation.get(upper_key, operation.get(f"{upper_key}Timestamp"))
        if lower is None or upper is None:
            raise errors.invalid_list(f"{path}.operation: IS_BETWEEN takes {lower_key} and {upper_key}.")
        matched = [SearchFilter(name, "BETWEEN", value=_scalar(lower), high_value=_scalar(upper))]
    elif (operation_type, operator) in _SIMPLE:
        search_operator, field = _SIMPLE[(operation_type, operator)]
        if field is None:
            return [[SearchFilter(name, search_operator)]]
        operand = operation.get(field)
        if operand is None:
            raise errors.invalid_list(f"{path}.operation.{field}: {operation_type} {operator} takes {field}.")
        if field == "values":
            if not isinstance(operand, list):
                raise errors.invalid_list(f"{path}.operation.values: a list of values.")
            found = SearchFilter(name, search_operator, values=[_scalar(v) for v in operand])
        else:
            found = SearchFilter(name, search_operator, value=_scalar(operand))
        # Without `includeObjectsWithNoValueSet`, a record with no value fails even a negative test.
        matched = [found, SearchFilter(name, "HAS_PROPERTY")] if search_operator in _NEGATIVE else [found]
    else:
        raise errors.unsupported_filter(f"{path}.operation", f"{operation_type} {operator}")
    return [matched, [SearchFilter(name, "NOT_HAS_PROPERTY")]] if with_empty else [matched]


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return value
    raise errors.invalid_list(f"A filter value must be a string, a number or a boolean, not {type(value).__name__}.")
